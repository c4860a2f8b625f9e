// Definitions for the public question form and the asker's follow page (portal/pages.hpp; issue
// 14): included by impl/pages.ipp, so inline in header-only mode and compiled with the pages.
// Why the form is shaped as it is (honeypot, signed token, follow token): docs/security.md.
#pragma once
#include "../../core/text.hpp"
#include "../../publish/rendered.hpp"
#include "../../trust/tokens.hpp"

#include <array>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace ask_detail {

// The form's inputs, by name. "website" is the honeypot; "form_token" the signed token.
struct ask_input {
  std::string name, email, phone, title, question, category, website, token;
};

// The most a form post may carry: every field at the model's limit (one long text, six short
// ones), each byte percent-encoded. Beyond it the body is refused before it is read.
inline constexpr std::size_t max_form_bytes = 3u * (PBGDPL_MAX_TEXT_BYTES + 6u * PBGDPL_MAX_SHORT_TEXT_BYTES) + 1024u;

// application/x-www-form-urlencoded → the inputs; the first of a repeated name counts, unknown
// names are ignored. A bad escape or bytes that are not UTF-8 are an error (nothing half-read).
inline result<ask_input> parse_form(std::string_view body) {
  ask_input in;
  std::array<bool, 8> seen{};
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = http::percent_decode(pair.substr(0, eq), true);
    auto value = http::percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value)
      return error(errc::invalid_argument, {}, "Nội dung biểu mẫu không hợp lệ (mã hóa sai hoặc không phải UTF-8)",
                   "The form's content is not valid (bad encoding or not UTF-8)");
    std::string* slots[] = {&in.name, &in.email, &in.phone, &in.title, &in.question, &in.category, &in.website, &in.token};
    static constexpr std::string_view names[] = {"name", "email", "phone", "title", "question", "category", "website", "form_token"};
    for (std::size_t i = 0; i < 8; ++i)
      if (*key == names[i] && !seen[i]) {
        seen[i] = true;
        *slots[i] = std::move(*value);
        break;
      }
  }
  return in;
}

// What a person typed, as stored: NFC, and one-line fields without the spaces around them.
inline std::string cleaned(std::string s, bool one_line) {
  if (auto n = text::nfc(s)) s = std::move(*n);
  if (one_line) {
    auto b = s.find_first_not_of(" \t\r\n");
    auto e = s.find_last_not_of(" \t\r\n");
    s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  } else {
    // Browsers send a textarea's line breaks as CRLF; the model stores LF.
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
      if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
    s = std::move(out);
    if (s.find_first_not_of(" \t\r\n") == std::string::npos) s.clear();
  }
  return s;
}

// Marks on a response that carries a secret (a fresh form token, a follow link): no cache keeps
// it, no search engine lists it, and no link on it tells another site where it came from.
inline void private_answer(http::response& r, bool secret_url) {
  r.cache_tags.clear();
  r.cacheable = false;
  r.set("Cache-Control", "no-store");
  r.set("X-Robots-Tag", "noindex, nofollow");
  if (secret_url) r.set("Referrer-Policy", "no-referrer");
}

}  // namespace ask_detail

PBGDPL_DECL std::string pages::ask_link(const page_context& ctx) const {
  if (!opt_.ask_url.empty()) return opt_.ask_url;
  const auto& tree = ctx.units->tree;
  const auto& u = *ctx.u;
  if (!tree.ended(u.id.value)) return with_lang(ctx, ctx.links.ask());
  // A unit that ended takes no new questions: the form of the first unit that took it over and
  // is still open, under the same mount (as place_of() links units).
  const std::string site_root = detail::site_root(ctx);
  for (const auto& h : tree.heirs(u.id.value))
    if (!tree.ended(h) && ctx.units->active(h)) return with_lang(ctx, urls{site_root + "/don-vi/" + h}.ask());
  return {};
}

PBGDPL_DECL http::response pages::render_ask(const page_context& ctx, views::ask_page page, http::status code) {
  const bool en = ctx.lang == language::en;
  page.form.action = with_lang(ctx, ctx.links.ask());
  page.form.token = form_signer_.issue("ask:" + ctx.u->id.value, ctx.now);
  page.form.short_max = PBGDPL_MAX_SHORT_TEXT_BYTES;
  const auto& cat = *find_category("hoi-dap-phap-luat");
  auto title = std::string(en ? "Send a legal question" : "Gửi câu hỏi pháp luật");
  auto r = render(ctx, common(ctx, cat.slug), "ask", publish::view::of(page), page_meta(ctx, title, title, ctx.links.ask()),
                  code);
  ask_detail::private_answer(r, false);
  return r;
}

PBGDPL_DECL http::response pages::ask_form(http::request&, const page_context& ctx) {
  if (ctx.units->tree.ended(ctx.u->id.value)) {
    auto r = error_page(ctx, http::status::not_found,
                        "Đơn vị đã kết thúc hoạt động và không nhận câu hỏi mới; hãy gửi câu hỏi cho đơn vị tiếp nhận.",
                        "This unit has ended and takes no new questions; send your question to the unit that took it over.");
    ask_detail::private_answer(r, false);
    return r;
  }
  return render_ask(ctx, {}, http::status::ok);
}

PBGDPL_DECL http::response pages::ask_post(http::request& req, const page_context& ctx) {
  const bool en = ctx.lang == language::en;
  auto refuse = [&](http::status code, const char* vi, const char* en_text) {
    auto r = error_page(ctx, code, vi, en_text);
    ask_detail::private_answer(r, false);
    return r;
  };
  // Counted first, refused posts too: a flood is what sends them.
  if (auto limited = ask_limiter_.check(req)) {
    auto r = refuse(http::status::too_many_requests,
                    "Bạn đã gửi quá nhiều câu hỏi trong thời gian ngắn; hãy thử lại sau ít phút.",
                    "You have sent too many questions in a short time; try again in a few minutes.");
    r.set("Retry-After", std::string(limited->get("Retry-After")));
    return r;
  }
  if (ctx.units->tree.ended(ctx.u->id.value))
    return refuse(http::status::not_found, "Đơn vị đã kết thúc hoạt động và không nhận câu hỏi mới.",
                  "This unit has ended and takes no new questions.");
  // Only what a form sends: one Content-Type, urlencoded (the form has no file to upload).
  auto type = req.header(http::bhttp::field::content_type);
  if (req.message().count(http::bhttp::field::content_type) != 1 ||
      !http::iequals(type.substr(0, type.find(';')), "application/x-www-form-urlencoded"))
    return refuse(http::status::unsupported_media_type, "Biểu mẫu phải gửi dạng application/x-www-form-urlencoded.",
                  "The form must be sent as application/x-www-form-urlencoded.");
  if (req.body().size() > ask_detail::max_form_bytes)
    return refuse(http::status::payload_too_large, "Nội dung gửi quá dài.", "What was sent is too long.");
  auto parsed = ask_detail::parse_form(req.body());
  if (!parsed) return refuse(http::status::bad_request, parsed.err().message_vi.c_str(), parsed.err().message_en.c_str());
  auto& in = *parsed;

  views::ask_page page;
  auto& f = page.form;
  f.name.value = ask_detail::cleaned(std::move(in.name), true);
  f.email.value = ask_detail::cleaned(std::move(in.email), true);
  f.phone.value = ask_detail::cleaned(std::move(in.phone), true);
  f.title.value = ask_detail::cleaned(std::move(in.title), true);
  f.question.value = ask_detail::cleaned(std::move(in.question), false);
  f.category.value = ask_detail::cleaned(std::move(in.category), true);

  http::status code = http::status::ok;
  // The whole form: its token (signed here, old enough, not too old; also its CSRF token) and the
  // honeypot that people never see. Either refuses the question, whatever the fields hold.
  if (!in.website.empty()) {
    code = http::status::bad_request;
    f.error = en ? "The question was not accepted: a field meant to stay empty was filled in. If you use an "
                   "autofill tool, clear the hidden fields and send again."
                 : "Câu hỏi không được tiếp nhận: một ô cần để trống đã bị điền. Nếu bạn dùng công cụ tự điền, "
                   "hãy xóa các ô ẩn và gửi lại.";
  } else if (auto ok = form_signer_.check(in.token, "ask:" + ctx.u->id.value, ctx.now, opt_.ask_token); !ok) {
    code = ok.err().code == errc::csrf ? http::status::forbidden : http::status::bad_request;
    f.error = en ? ok.err().message_en : ok.err().message_vi;
  }

  question q;
  q.id = question_id{random_id_string()};
  q.unit = ctx.u->id;
  q.asker_name = f.name.value;
  q.asker_email = f.email.value;
  q.asker_phone = f.phone.value;
  q.title = f.title.value;
  q.body = f.question.value;
  q.category = f.category.value;
  q.state = question_state::asked;
  q.asked_at = ctx.now;
  const auto follow = trust::issue_follow_token();
  q.follow_hash = follow.hash;
  // The model's own checks, each next to its field; the Markdown budget on the question too.
  validator v;
  validate(q, v);
  std::vector<error> problems = v.problems();
  if (problems.empty())
    if (auto rendered = publish::render_html(q); !rendered) problems.push_back(rendered.err());
  auto field_of = [&](std::string_view path) -> views::form_field* {
    if (path == "/asker_name") return &f.name;
    if (path == "/asker_email") return &f.email;
    if (path == "/asker_phone") return &f.phone;
    if (path == "/title") return &f.title;
    if (path == "/body") return &f.question;
    if (path == "/category") return &f.category;
    return nullptr;
  };
  for (const auto& e : problems) {
    auto* field = field_of(e.path);
    const auto& msg = en ? e.message_en : e.message_vi;
    if (field) {
      if (!field->error) field->error = msg;
    } else if (!f.error) {
      f.error = msg;  // not a field of the form (never expected): said above it
    }
    f.has_errors = f.has_errors || field;
    if (code == http::status::ok) code = http::status::bad_request;
  }
  if (code != http::status::ok) return render_ask(ctx, std::move(page), code);

  auto created = db_.create<question>(std::move(q), "public");
  if (!created) {
    const auto& e = created.err();
    return refuse(http::status_for(e.code), e.message_vi.c_str(), e.message_en.c_str());
  }
  views::ask_thanks_page thanks;
  thanks.thanks.follow_url = absolute(ctx, with_lang(ctx, ctx.links.follow(follow.token)));
  thanks.thanks.category_url = with_lang(ctx, ctx.links.category("hoi-dap-phap-luat"));
  auto title = std::string(en ? "Question received" : "Đã nhận câu hỏi");
  auto r = render(ctx, common(ctx, "hoi-dap-phap-luat"), "ask_thanks", publish::view::of(thanks),
                  page_meta(ctx, title, title, ctx.links.ask()));
  ask_detail::private_answer(r, true);
  return r;
}

PBGDPL_DECL http::response pages::follow_page(http::request& req, const page_context& ctx) {
  const std::string token(req.param("token"));
  // Every answer takes the same path: a malformed or unknown token is hashed and compared against
  // a stand-in, so its 404 costs what a known token's page costs up to the render.
  static const std::string stand_in(64, '0');
  std::optional<question> found;
  if (trust::is_follow_token(token)) {
    store::list_query q;
    q.where.unit = ctx.u->id.value;
    q.where.include_descendants = false;
    q.where.kind = trust::token_hash(token);  // questions' sub_kind column: the follow hash (store/kinds.hpp)
    q.limit = 2;
    if (auto p = db_.list<question>(q); p && p->items.size() == 1) found = std::move(p->items.front());
  }
  const bool match = trust::follow_token_matches(found && found->follow_hash ? *found->follow_hash : stand_in, token);
  if (!found || !match) {
    auto r = not_found(req, ctx);
    ask_detail::private_answer(r, true);
    return r;
  }
  const bool en = ctx.lang == language::en;
  const question& qn = *found;
  views::follow_page page;
  auto& v = page.follow;
  v.title = qn.title;
  v.state = to_string(qn.state);
  v.state_label = en ? label_en(qn.state) : label_vi(qn.state);
  if (qn.state == question_state::rejected) v.rejection_reason = qn.rejection_reason;
  std::string body = publish::stored_html(qn.body_html, qn.body), answer;
  v.body_html = body;
  v.asked_iso = format_timestamp(qn.asked_at);
  v.asked_vi = format_vietnamese_date(local_date(qn.asked_at));
  // The answer once written, before it is published: the asker reads it first.
  if ((qn.state == question_state::answered || qn.state == question_state::published) && !qn.answer_markdown.empty()) {
    answer = publish::stored_html(qn.answer_html, qn.answer_markdown);
    v.answer_html = answer;
    if (qn.answered_at) {
      v.answered_iso = format_timestamp(*qn.answered_at);
      v.answered_vi = format_vietnamese_date(local_date(*qn.answered_at));
    }
  }
  if (qn.state == question_state::published) v.public_url = with_lang(ctx, ctx.links.question(qn.id.value));
  auto title = std::string(en ? "Follow your question" : "Theo dõi câu hỏi");
  // The canonical URL names the section, never the token.
  auto r = render(ctx, common(ctx, "hoi-dap-phap-luat"), "follow", publish::view::of(page),
                  page_meta(ctx, title, title, ctx.links.category("hoi-dap-phap-luat")));
  ask_detail::private_answer(r, true);
  return r;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
