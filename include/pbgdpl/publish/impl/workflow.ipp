// Bodies of publish/workflow.hpp. Small and used by the portal only: inline in every mode.
#pragma once
#include "../workflow.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace publish {

inline result<transition> advance(article_state& state, step s, std::string comment) {
  const auto* rule = find_rule(s, state);
  if (!rule)
    return error(errc::conflict, "/state",
                 "Không thể \"" + std::string(label_vi(s)) + "\" khi nội dung đang ở trạng thái \"" +
                     std::string(label_vi(state)) + "\"",
                 "Cannot \"" + std::string(label_en(s)) + "\" content that is \"" + std::string(label_en(state)) + "\"");
  if (s == step::reject) {
    if (comment.find_first_not_of(" \t\r\n") == std::string::npos)
      return error(errc::missing_field, "/comment", "Cần ghi lý do trả lại để người viết biết phải sửa gì",
                   "Give a reason for returning it, so the author knows what to change");
    if (comment.size() > 2000)
      return error(errc::too_large, "/comment", "Lý do quá dài (tối đa 2.000 byte)", "The reason is too long (2,000 bytes at most)");
  }
  transition t{s, state, rule->to, std::move(comment), std::nullopt};
  state = rule->to;
  return t;
}

inline result<transition> apply(article& a, step s, timestamp now, std::string comment,
                                std::optional<timestamp> publish_at) {
  article_state next = a.state;
  auto t = advance(next, s, std::move(comment));
  if (!t) return t;
  if (publish_at && s != step::publish)
    return error(errc::invalid_argument, "/publish_at", "Chỉ khi đăng mới hẹn giờ được", "Only publishing takes a time");
  // A minute of slack: the form was filled a moment ago; further back would rewrite history.
  if (publish_at && *publish_at < now - std::chrono::minutes(1))
    return error(errc::invalid_argument, "/publish_at", "Thời điểm đăng đã qua", "The publication time has passed");
  a.state = next;
  if (s == step::publish) {
    a.published_at = publish_at && *publish_at > now ? *publish_at : now;
    t->publish_at = a.published_at;
  } else if (s == step::reopen || s == step::reject || s == step::withdraw) {
    if (a.state == article_state::draft && s != step::reopen) a.published_at.reset();
    if (s == step::reopen) a.published_at.reset();
  }
  return t;
}

inline std::string approved_content(const article& a) {
  json j = json::object();
  j["id"] = a.id.value;
  j["kind"] = to_string(a.kind);
  j["unit"] = a.unit.value;
  j["title"] = a.title;
  j["summary"] = a.summary;
  j["body_markdown"] = a.body_markdown;
  j["category"] = a.category;
  j["tags"] = a.tags;
  j["byline"] = a.byline ? json(*a.byline) : json(nullptr);
  j["source"] = a.source ? json{{"name", a.source->name}, {"url", a.source->url}} : json(nullptr);
  json docs = json::array();
  for (const auto& d : a.documents) docs.push_back(d.value);
  j["documents"] = docs;
  j["cover"] = a.cover ? json(a.cover->value) : json(nullptr);
  j["revision"] = a.revision;
  return trust::detail::compact(j);
}

inline result<approval_record> sign_article_approval(const article& a, const trust::secret_key& key, role approver_role,
                                                     const unit_id& approver_unit, timestamp now, std::uint64_t sequence,
                                                     std::chrono::seconds validity) {
  const auto content = approved_content(a);
  const auto digest = trust::digest_content(content);
  trust::approval_statement s;
  s.id = "apr-" + a.id.value.substr(0, 40) + "-" + std::to_string(sequence);
  s.content_id = a.id.value;
  s.approver_unit = approver_unit;
  s.approver_role = approver_role;
  s.use = approval_use::portal;
  s.valid_from = now;
  s.valid_until = now + validity;
  s.sequence = sequence;
  auto sig = trust::sign_approval(key, s, digest);
  if (!sig) return sig.err();
  s.key_id = key.id().hex();
  s.content_blake2b = trust::to_hex(digest.b256);
  auto r = trust::to_record(s, sig->to_text());
  r.note = "revision " + std::to_string(a.revision);
  return r;
}

inline result<void> verify_article_approval(const article& a, const approval_record& r, const trust::public_key& pk) {
  auto bad = [](std::string vi, std::string en) { return error(errc::bad_signature, "/signature", std::move(vi), std::move(en)); };
  if (r.content_id != a.id.value) return bad("Phê duyệt này của nội dung khác", "This approval is for other content");
  auto sig = trust::signature::parse(r.signature);
  if (!sig) return sig.err();
  const auto content = approved_content(a);
  const auto digest = trust::digest_content(content);
  if (auto ok = trust::verify_prehashed(pk, *sig, digest.b512); !ok) return ok.err();
  auto j = trust::parse_json_unique_keys(sig->trusted_comment);
  if (!j) return j.err();
  trust::approval_statement s;
  try {
    from_json(*j, s);
  } catch (const std::exception&) {
    return bad("Lời xác nhận trong chữ ký không đọc được", "The signed statement cannot be read");
  }
  if (s.content_id != a.id.value || s.content_blake2b != trust::to_hex(digest.b256))
    return bad("Nội dung đã đổi sau khi được duyệt", "The content changed after it was approved");
  if (s.content_blake2b != r.content_blake2b || !trust::same_key_id(s.key_id, r.key_id))
    return bad("Bản ghi phê duyệt không khớp chữ ký", "The approval record does not match its signature");
  return {};
}

}  // namespace publish
PBGDPL_NAMESPACE_END
