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
  std::string name, email, phone, title, question, category, website, token, dialogue;
};

// The most a form post may carry: every field at the model's limit (one long text, six short
// ones), each byte percent-encoded. Beyond it the body is refused before it is read.
inline constexpr std::size_t max_form_bytes = 3u * (PBGDPL_MAX_TEXT_BYTES + 6u * PBGDPL_MAX_SHORT_TEXT_BYTES) + 1024u;

// application/x-www-form-urlencoded → the inputs; the first of a repeated name counts, unknown
// names are ignored. A bad escape or bytes that are not UTF-8 are an error (nothing half-read).
inline result<ask_input> parse_form(std::string_view body) {
  ask_input in;
  std::array<bool, 9> seen{};
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
    std::string* slots[] = {&in.name, &in.email, &in.phone, &in.title, &in.question, &in.category, &in.website, &in.token, &in.dialogue};
    static constexpr std::string_view names[] = {"name",     "email",   "phone",      "title",   "question",
                                                 "category", "website", "form_token", "dialogue"};
    for (std::size_t i = 0; i < 9; ++i)
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
  const bool in_dialogue = page.form.dialogue.has_value();
  const auto& cat = *find_category(in_dialogue ? "doi-thoai-chinh-sach" : "hoi-dap-phap-luat");
  auto title = in_dialogue ? page.form.dialogue_title : std::string(en ? "Send a legal question" : "Gửi câu hỏi pháp luật");
  auto canonical = in_dialogue ? ctx.links.dialogue(*page.form.dialogue) : ctx.links.ask();
  auto r = render(ctx, common(ctx, cat.slug), "ask", publish::view::of(page), page_meta(ctx, title, title, canonical), code);
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
  // A question sent from a dialogue session's page goes to that session: one of this unit's,
  // still taking questions. The session's list is extended here, never from what the client sent.
  std::optional<dialogue_session> session;
  if (!in.dialogue.empty()) {
    auto d = db_.get<dialogue_session>(in.dialogue);
    if (!d || d->unit != ctx.u->id)
      return refuse(http::status::not_found, "Không có phiên đối thoại này ở đơn vị.", "This unit has no such dialogue session.");
    if (d->state != dialogue_state::planned && d->state != dialogue_state::open)
      return refuse(http::status::conflict, "Phiên đối thoại đã kết thúc hoặc đã hủy và không nhận câu hỏi mới.",
                    "The dialogue session has closed or was cancelled and takes no new questions.");
    session = std::move(*d);
    f.dialogue = session->id.value;
    f.intro_html = dialogue_intro(ctx, *session);
    f.dialogue_title = session->title;
  }
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
  if (session) {
    // Linked under the session: a concurrent write (another question, an editor) is read again.
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto d = attempt == 0 ? result<dialogue_session>(*session) : db_.get<dialogue_session>(session->id.value);
      if (!d) break;
      d->questions.push_back(created->id);
      auto w = db_.update(*d, "public");
      if (w || w.err().code != errc::conflict) break;
    }
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

PBGDPL_DECL std::string pages::dialogue_intro(const page_context& ctx, const dialogue_session& d) const {
  const bool en = ctx.lang == language::en;
  const auto e = [](std::string_view x) { return publish::escape_html(x); };
  const std::string vi_attr = en ? " lang=\"vi\"" : "";
  std::string label;
  switch (d.state) {
    case dialogue_state::planned: label = en ? "Planned" : "Sắp diễn ra"; break;
    case dialogue_state::open: label = en ? "Open: questions are being answered" : "Đang diễn ra"; break;
    case dialogue_state::closed: label = en ? "Closed" : "Đã kết thúc"; break;
    case dialogue_state::cancelled: label = en ? "Cancelled" : "Đã hủy"; break;
  }
  std::string h = "<p class=\"crumbs\"><a href=\"" + e(with_lang(ctx, ctx.links.dialogues())) + "\">" +
                  (en ? "Dialogue sessions" : "Các phiên đối thoại") + "</a></p>";
  h += "<h1" + vi_attr + ">" + e(d.title) + "</h1>";
  h += "<dl class=\"dialogue\">";
  if (!d.host.empty()) h += std::string("<dt>") + (en ? "Host" : "Chủ trì") + "</dt><dd" + vi_attr + ">" + e(d.host) + "</dd>";
  h += std::string("<dt>") + (en ? "Time" : "Thời gian") + "</dt><dd><time datetime=\"" + e(format_timestamp(d.starts_at)) + "\">" +
       e(format_timestamp(d.starts_at).substr(11, 5)) + " " + e(detail::date_text(ctx, local_date(d.starts_at))) + "</time> – <time datetime=\"" +
       e(format_timestamp(d.ends_at)) + "\">" + e(format_timestamp(d.ends_at).substr(11, 5)) + " " +
       e(detail::date_text(ctx, local_date(d.ends_at))) + "</time></dd>";
  h += std::string("<dt>") + (en ? "State" : "Trạng thái") + "</dt><dd>" + e(label) + "</dd>";
  if (!d.url.empty() && d.state != dialogue_state::cancelled)
    h += std::string("<dt>") + (en ? "Online room" : "Phòng trực tuyến") + "</dt><dd><a href=\"" + e(d.url) +
         "\" rel=\"noopener noreferrer\">" + e(d.url) + "</a></dd>";
  h += "</dl>";
  if (!d.description.empty()) h += "<p class=\"lead\"" + vi_attr + ">" + e(d.description) + "</p>";
  return h;
}

PBGDPL_DECL http::response pages::dialogue_list(http::request&, const page_context& ctx) {
  const bool en = ctx.lang == language::en;
  store::list_query q;
  q.limit = 100;
  q.where.unit = ctx.u->id.value;
  q.where.include_descendants = false;
  std::string items;
  if (auto p = db_.list<dialogue_session>(q))
    for (const auto& d : p->items)
      items += "<li><a href=\"" + publish::escape_html(with_lang(ctx, ctx.links.dialogue(d.id.value))) + "\"" +
               (en ? " lang=\"vi\"" : "") + ">" + publish::escape_html(d.title) + "</a> · <time datetime=\"" +
               publish::escape_html(format_timestamp(d.starts_at)) + "\">" +
               publish::escape_html(detail::date_text(ctx, local_date(d.starts_at))) + "</time></li>";
  const auto& cat = *find_category("doi-thoai-chinh-sach");
  auto title = std::string(en ? "Dialogue sessions" : "Các phiên đối thoại");
  views::dialogue_page page;
  auto& h = page.dialogue.html;
  h = "<p class=\"crumbs\"><a href=\"" + publish::escape_html(with_lang(ctx, ctx.links.category(cat.slug))) + "\">" +
      std::string(en ? cat.label_en : cat.label_vi) + "</a></p><h1>" + title + "</h1>";
  h += items.empty() ? std::string("<p>") + (en ? "No dialogue sessions yet." : "Chưa có phiên đối thoại nào.") + "</p>"
                     : "<ul class=\"dialogues\">" + items + "</ul>";
  return render(ctx, common(ctx, cat.slug), "dialogue", publish::view::of(page), page_meta(ctx, title, title, ctx.links.dialogues()));
}

PBGDPL_DECL http::response pages::dialogue_page(http::request& req, const page_context& ctx) {
  auto found = db_.get<dialogue_session>(std::string(req.param("id")));
  if (!found || found->unit != ctx.u->id) return not_found(req, ctx);
  const auto& d = *found;
  const bool en = ctx.lang == language::en;
  // While it takes questions: the public form with the session's heading and its id (never
  // cached: the form carries a fresh token).
  if ((d.state == dialogue_state::planned || d.state == dialogue_state::open) && !ctx.units->tree.ended(ctx.u->id.value)) {
    views::ask_page page;
    page.form.dialogue = d.id.value;
    page.form.intro_html = dialogue_intro(ctx, d);
    page.form.dialogue_title = d.title;
    return render_ask(ctx, std::move(page), http::status::ok);
  }
  // After: the published answers of its questions and the transcript, cached like other pages
  // (site::on_changes drops the unit's pages when the session or a question of the unit changes).
  std::string body = dialogue_intro(ctx, d);
  const std::string vi_attr = en ? " lang=\"vi\"" : "";
  std::string answers;
  for (const auto& id : d.questions) {
    auto q = db_.get<question>(id.value);
    if (!q || !is_published(*q) || q->unit != d.unit) continue;
    auto pub = public_view(*q);
    answers += "<section class=\"qa\"><h3" + vi_attr + "><a href=\"" + publish::escape_html(with_lang(ctx, ctx.links.question(pub.id.value))) + "\">" +
               publish::escape_html(pub.title) + "</a></h3><div" + vi_attr + ">" + publish::stored_html(pub.body_html, pub.body) +
               "</div><p><strong>" + (en ? "Answer" : "Trả lời") + ":</strong></p><div" + vi_attr + ">" +
               publish::stored_html(pub.answer_html, pub.answer_markdown) + "</div></section>";
  }
  if (d.state == dialogue_state::closed) {
    body += std::string("<h2>") + (en ? "Questions and answers" : "Câu hỏi và trả lời") + "</h2>";
    body += answers.empty() ? std::string("<p>") + (en ? "No answers published." : "Chưa có câu trả lời được công bố.") + "</p>" : answers;
    if (!d.conclusion_markdown.empty()) {
      body += std::string("<h2>") + (en ? "Conclusion and transcript" : "Kết luận, biên bản") + "</h2>";
      auto html = publish::render_for_storage(d.conclusion_markdown);
      body += "<div" + vi_attr + ">" + (html ? *html : "<p>" + publish::escape_html(d.conclusion_markdown) + "</p>") + "</div>";
    }
  }
  views::dialogue_page page;
  page.dialogue.html = std::move(body);
  return render(ctx, common(ctx, "doi-thoai-chinh-sach"), "dialogue", publish::view::of(page),
                page_meta(ctx, d.title, d.title, ctx.links.dialogue(d.id.value)));
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
