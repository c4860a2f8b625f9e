// Bodies of network/syndication.hpp: compiled once into the network tier
// (src/network/syndication.cpp), or included by the header in header-only builds.
#pragma once
#include "../syndication.hpp"

#include <algorithm>
#include <map>
#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace network {

PBGDPL_MODEL_DEFINE(package_unit)
PBGDPL_MODEL_DEFINE(approver_key)
PBGDPL_MODEL_DEFINE(package_item)
PBGDPL_MODEL_DEFINE(package)

PBGDPL_DECL void validate(const package_unit& u, validator& v) {
  rules::identifier(v, u.id, "/id", "Đơn vị", "Unit");
  rules::text(v, u.name, "/name", "Tên đơn vị", "Unit name", true);
  rules::text(v, u.kind, "/kind", "Loại đơn vị", "Unit kind", true);
  if (!u.website.empty()) rules::url(v, u.website, "/website", "Trang thông tin", "Website", true);
}

PBGDPL_DECL void validate(const approver_key& k, validator& v) {
  v.check(trust::normalise_key_id(k.key_id) == k.key_id, "/key_id", errc::invalid_argument,
          "Mã khóa phải là 16 ký tự hex in hoa", "A key id is 16 upper-case hex characters");
  auto pk = trust::public_key::parse(k.public_key);
  v.check(pk.has_value() && pk->id.hex() == k.key_id, "/public_key", errc::bad_key,
          "Khóa công khai không hợp lệ hoặc không khớp mã khóa", "The public key is invalid or does not match its key id");
}

PBGDPL_DECL void validate(const package_item& i, validator& v) {
  v.check(i.kind == "article" || i.kind == "legal_document", "/kind", errc::out_of_range,
          "Loại nội dung không được hỗ trợ", "Unsupported item kind");
  rules::text(v, i.id, "/id", "Mã nội dung", "Item id", true);
  if (!i.url.empty()) rules::url(v, i.url, "/url", "Địa chỉ", "URL", true);
  rules::time_set(v, i.updated_at, "/updated_at", "Thời điểm cập nhật", "updated_at");
  rules::long_text(v, i.content, "/content", "Nội dung", "Content", true);
  rules::blake2b(v, i.content_blake2b, "/content_blake2b");
  for (std::size_t k = 0; k < i.approvals.size(); ++k)
    v.nested("/approvals/" + std::to_string(k), [&] { validate(i.approvals[k], v); });
}

PBGDPL_DECL void validate(const package& p, validator& v) {
  v.check(p.schema_version == 1, "/schema_version", errc::unsupported_version, "Phiên bản gói không được hỗ trợ",
          "Unsupported package schema version");
  v.nested("/unit", [&] { validate(p.unit, v); });
  rules::time_set(v, p.generated_at, "/generated_at", "Thời điểm lập gói", "generated_at");
  v.check(trust::normalise_key_id(p.signer_key_id) == p.signer_key_id, "/signer_key_id", errc::invalid_argument,
          "Mã khóa phải là 16 ký tự hex in hoa", "A key id is 16 upper-case hex characters");
  // What the reader takes (json_io's array limit): never sign a package the city cannot read.
  v.check(p.items.size() <= PBGDPL_MAX_ARRAY_ITEMS && p.approver_keys.size() <= PBGDPL_MAX_ARRAY_ITEMS, "/items",
          errc::too_large, "Gói có quá nhiều mục", "The package has too many items");
  // Repeats are found with a set (rules::unique_at compares each with all before it: quadratic
  // in a package of many small items).
  std::set<std::string> seen;
  for (std::size_t k = 0; k < p.approver_keys.size(); ++k) {
    v.nested("/approver_keys/" + std::to_string(k), [&] { validate(p.approver_keys[k], v); });
    v.check(seen.insert(p.approver_keys[k].key_id).second, "/approver_keys/" + std::to_string(k) + "/key_id",
            errc::already_exists, "Khóa bị lặp lại", "Duplicate key");
  }
  seen.clear();
  for (std::size_t k = 0; k < p.items.size(); ++k) {
    v.nested("/items/" + std::to_string(k), [&] { validate(p.items[k], v); });
    // One entry per item: an id named twice would let two contents stand for one item.
    v.check(seen.insert(p.items[k].kind + "/" + p.items[k].id).second, "/items/" + std::to_string(k) + "/id",
            errc::already_exists, "Nội dung bị lặp lại", "Duplicate item");
  }
}

PBGDPL_DECL package_item article_item(std::string id, std::string url, std::optional<timestamp> published_at,
                                      timestamp updated_at, std::string content,
                                      const std::vector<approval_record>& approvals) {
  package_item it;
  it.kind = "article";
  it.id = std::move(id);
  it.url = std::move(url);
  it.published_at = published_at;
  it.updated_at = updated_at;
  it.content = std::move(content);
  it.content_blake2b = trust::to_hex(trust::blake2b_256(it.content));
  for (const auto& a : approvals) {
    // An approval of an earlier revision signed other bytes: it proves nothing about these.
    if (a.content_id != it.id || a.content_blake2b != it.content_blake2b || a.signature.empty()) continue;
    auto r = a;
    r.approver.reset();  // the account is the portal's business, not the city's
    it.approvals.push_back(std::move(r));
  }
  return it;
}

namespace detail {
inline std::string package_comment(const package& p, std::string_view hex, std::int64_t unix_seconds) {
  return "timestamp:" + std::to_string(unix_seconds) + "\tfile:" + std::string(package_file_name) + "\t" +
         std::string(syndication_format) + " unit:" + p.unit.id.value + " items:" + std::to_string(p.items.size()) +
         " blake2b:" + std::string(hex);
}

// The value after " <key>:" in a trusted comment, up to the next space or tab.
inline std::string_view comment_value(std::string_view comment, std::string_view key) {
  for (std::size_t at = 0; (at = comment.find(key, at)) != std::string_view::npos; ++at) {
    if (at == 0 || (comment[at - 1] != ' ' && comment[at - 1] != '\t') || comment.size() <= at + key.size() ||
        comment[at + key.size()] != ':')
      continue;
    auto v = comment.substr(at + key.size() + 1);
    return v.substr(0, v.find_first_of(" \t"));
  }
  return {};
}
}  // namespace detail

PBGDPL_DECL result<signed_package> sign_package(package p, const trust::secret_key& key) {
  p.signer_key_id = key.id().hex();
  if (auto ok = check(p); !ok) return ok.err();
  signed_package out;
  try {
    out.text = trust::detail::compact(to_json_value(p));
  } catch (const std::exception&) {
    return error(errc::invalid_utf8, {}, "Gói có văn bản không phải UTF-8", "The package holds text that is not UTF-8");
  }
  if (out.text.size() > PBGDPL_MAX_JSON_BYTES)
    return error(errc::too_large, {}, "Gói liên thông quá lớn", "The syndication package is too large");
  out.blake2b = trust::to_hex(trust::blake2b_256(out.text));
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(p.generated_at.time_since_epoch()).count();
  out.signature = trust::sign(key, out.text, detail::package_comment(p, out.blake2b, seconds),
                              "signature from pbgdpl syndication key " + key.id().hex())
                      .to_text();
  out.items = p.items.size();
  out.unit = p.unit.id;
  return out;
}

namespace detail {
// One approval of item `it` (found at `path`): genuine, by a key the package lists, over the
// item's content, and its record says what its signed statement says.
inline result<void> check_approval(const package_item& it, const trust::content_digest& d, const approval_record& r,
                                   const std::map<std::string, trust::public_key>& keys, const std::string& path) {
  auto bad = [&](errc c, std::string vi, std::string en) { return error(c, path, std::move(vi), std::move(en)); };
  if (r.content_id != it.id || r.content_blake2b != it.content_blake2b)
    return bad(errc::tampered, "Phê duyệt không khớp với bài viết", "The approval does not match its article");
  auto sig = trust::signature::parse(r.signature);
  if (!sig) return bad(errc::bad_signature, "Chữ ký phê duyệt không đọc được", "The approval's signature cannot be read");
  auto k = keys.find(sig->id.hex());
  if (k == keys.end())
    return bad(errc::unknown_key, "Gói không có khóa của người phê duyệt", "The package lists no key for the approver");
  if (auto ok = trust::verify_prehashed(k->second, *sig, d.b512); !ok) {
    auto e = ok.err();
    e.path = path + "/signature";
    return e;
  }
  auto st = trust::from_json_text_unique<trust::approval_statement>(sig->trusted_comment);
  if (!st) return bad(errc::bad_signature, "Lời xác nhận trong chữ ký không đọc được", "The signed statement cannot be read");
  if (st->content_id != it.id || st->content_blake2b != it.content_blake2b)
    return bad(errc::tampered, "Chữ ký phê duyệt thuộc nội dung khác", "The approval signs other content");
  if (st->id != r.id.value || !trust::same_key_id(st->key_id, r.key_id) || st->approver_unit != r.approver_unit ||
      st->approver_role != r.approver_role || st->use != r.use || st->valid_from != r.valid_from ||
      st->valid_until != r.valid_until || st->sequence != r.sequence)
    return bad(errc::tampered, "Bản ghi phê duyệt không khớp chữ ký", "The approval record does not match its signature");
  return {};
}
}  // namespace detail

PBGDPL_DECL result<verified_package> verify_package(std::string_view text, std::string_view signature,
                                                    const trust::public_key& unit_key) {
  auto sig = trust::signature::parse(signature);
  if (!sig) return sig.err();
  // "ED" only: the library never makes the legacy form, so a legacy one did not come from it.
  if (auto ok = trust::verify(unit_key, *sig, text, false); !ok) return ok.err();
  auto j = trust::parse_json_unique_keys(text);
  if (!j) return j.err();
  auto p = from_json_value<package>(*j);
  if (!p) return p.err();
  const auto hex = trust::to_hex(trust::blake2b_256(text));
  // The signed comment must name these bytes and this unit: a genuine signature of another
  // package (or another unit's) does not vouch for this one.
  if (detail::comment_value(sig->trusted_comment, "blake2b") != hex ||
      detail::comment_value(sig->trusted_comment, "unit") != p->unit.id.value ||
      p->signer_key_id != unit_key.id.hex())
    return error(errc::tampered, "/signature", "Chú thích tin cậy không khớp gói", "The trusted comment does not match the package");
  std::map<std::string, trust::public_key> keys;
  for (const auto& k : p->approver_keys) keys.emplace(k.key_id, *trust::public_key::parse(k.public_key));
  verified_package out;
  for (std::size_t i = 0; i < p->items.size(); ++i) {
    const auto& it = p->items[i];
    const auto path = "/items/" + std::to_string(i);
    // Hashed once per item, whatever the number of its approvals: a package of many approvals of
    // one large item costs one pass over the item, not one per approval.
    const auto d = trust::digest_content(it.content);
    if (trust::to_hex(d.b256) != it.content_blake2b)
      return error(errc::tampered, path + "/content", "Mã băm không khớp nội dung", "The digest does not match the content");
    // An article's content names the article: the bytes an approver signed for another article
    // cannot stand in for this one.
    if (it.kind == "article") {
      auto c = trust::parse_json_unique_keys(it.content);
      if (!c || !c->is_object() || !c->contains("id") || !(*c)["id"].is_string() || (*c)["id"].get<std::string>() != it.id)
        return error(errc::tampered, path + "/content", "Nội dung không thuộc bài viết này",
                     "The content is not this article's");
    }
    for (std::size_t k = 0; k < it.approvals.size(); ++k) {
      if (auto ok = detail::check_approval(it, d, it.approvals[k], keys, path + "/approvals/" + std::to_string(k)); !ok)
        return ok.err();
      ++out.approvals_verified;
    }
  }
  out.pkg = std::move(*p);
  return out;
}

}  // namespace network
PBGDPL_NAMESPACE_END
