// Definitions for portal/api.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../units.hpp"  // the hierarchy of today: nothing new under a unit that ended
#include "../../publish/rendered.hpp"
#include "../../publish/workflow.hpp"
#include "../schedule.hpp"
#include "../../network/webhooks.hpp"
#include "../../network/compliance_history.hpp"
#include "../../signage/plays.hpp"
#include "../signage_api.hpp"
#include "api_training.ipp"  // training and channel records (issue 17)

#include <map>
#include <type_traits>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace api_detail {

// Where the site is, for the API mounted at its /api: the paths the OpenAPI document names start
// with /api, so links and the document's server URL are this plus those paths.
inline std::string site_base(const options& o, const http::request& req) {
  auto base = mount_base(o, req);
  if (base.ends_with("/api")) base.resize(base.size() - 4);
  return base;
}

inline std::string owner_unit(const article& a) { return a.unit.value; }
inline std::string owner_unit(const legal_document& d) { return d.unit ? d.unit->value : std::string(); }
inline std::string owner_unit(const question& q) { return q.unit.value; }
inline std::string owner_unit(const unit& u) { return u.parent ? u.parent->value : u.id.value; }
inline std::string owner_unit(const media_asset& m) { return m.unit.value; }
// Screens (issue 16). A layout belongs to no unit: the layouts are shared by every unit's screens.
// A schedule entry's unit is its group's (api::signage_write reads it); here, for reads, none.
inline std::string owner_unit(const display& d) { return d.unit.value; }
inline std::string owner_unit(const display_group& g) { return g.unit.value; }
inline std::string owner_unit(const layout&) { return {}; }
inline std::string owner_unit(const playlist& p) { return p.unit.value; }
inline std::string owner_unit(const schedule_entry&) { return {}; }
inline std::string owner_unit(const play_record& p) { return p.unit.value; }
inline std::string owner_unit(const display_status& s) { return s.unit.value; }

// The kinds whose writes api::signage_write decides (permissions manage_displays and
// schedule_signage, a signage operator's limits).
template <class T>
constexpr bool signage_kind = std::is_same_v<T, display> || std::is_same_v<T, display_group> || std::is_same_v<T, layout> ||
                              std::is_same_v<T, playlist> || std::is_same_v<T, schedule_entry>;

// What the public may see of an entity (contact details of people who asked stay private).
inline json public_json(const question& q) { return to_json_value(public_view(q)); }
// A stranger sees where a screen is and what it is, not which account runs it (red team F8).
inline json public_json(const display& d) {
  auto j = to_json_value(d);
  j.erase("operator_account");
  return j;
}
template <class T>
json public_json(const T& v) {
  return to_json_value(v);
}

// What any client may see of an entity it may read in full: a question's follow hash is the
// server's alone (model/question.hpp), never sent, whoever asks.
inline json client_json(const question& q) { return to_json_value(without_secrets(q)); }
template <class T>
json client_json(const T& v) {
  return to_json_value(v);
}

// Kinds with an editorial state: the public sees them only once published, and making one
// public (or changing one that is) needs the right to publish at its unit.
template <class T>
constexpr bool public_needs_published =
    std::is_same_v<T, article> || std::is_same_v<T, question> || std::is_same_v<T, legal_document>;

// What anyone may see at `t`: published, and for an article its publication time reached.
template <class T>
bool publicly_visible(const T& v, timestamp t) {
  if constexpr (std::is_same_v<T, article>) return is_visible_at(v, t);
  else if constexpr (public_needs_published<T>) return is_published(v);
  // What screens played and how they are doing: for the people of the unit (read:<kind>).
  else if constexpr (std::is_same_v<T, play_record> || std::is_same_v<T, display_status>) return false;
  // Who trained in what (attendance names people): for the unit and the units above (read:<kind>).
  else if constexpr (training_private<T>) return false;
  else return true;
}

inline result<std::size_t> parse_limit(std::optional<std::string_view> s) {
  if (!s || s->empty()) return std::size_t{20};
  std::size_t n = 0;
  for (char c : *s) {
    if (c < '0' || c > '9' || n > 1000) return error(errc::invalid_argument, "/limit", "limit phải là số từ 1 đến 100", "limit must be 1 to 100");
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n < 1 || n > 100) return error(errc::invalid_argument, "/limit", "limit phải là số từ 1 đến 100", "limit must be 1 to 100");
  return n;
}

inline http::response error_json(const error& e) { return http::error_response(e); }

// Kinds nobody reads anonymously (what screens played, how they are doing): a 401 tells a client
// it needs a key, where an empty list would look like "nothing there".
template <class T>
std::optional<http::response> needs_caller(const std::optional<http::principal>& who) {
  if constexpr (std::is_same_v<T, play_record> || std::is_same_v<T, display_status> || training_private<T>)
    if (!who)
      return error_json(error(errc::unauthenticated, {}, "Cần đăng nhập hoặc khóa API (Authorization: Bearer ...)",
                              "A login or an API key is required (Authorization: Bearer ...)"));
  return std::nullopt;
}

// The action a write is: "create:article" / "update:…" / "archive:…" for an editor's work, and
// an approver's action whenever what the public sees changes:
//  - "publish:<kind>" when the record is public before or after the write (publishing, editing
//    what is public, taking it down by a state change or by archiving); media has no editorial
//    state and is public once stored, so every media write is a publish;
//  - "approve:<kind>" when the record is (or stays) approved: approval vouches for its content.
template <class T>
std::string write_action(std::string_view verb, const T& v, const T* current = nullptr) {
  const std::string kind(store::entity_traits<T>::kind);
  if constexpr (std::is_same_v<T, media_asset>) {
    return "publish:" + kind;
  } else if constexpr (public_needs_published<T>) {
    if (is_published(v) || (current && is_published(*current))) return "publish:" + kind;
    if constexpr (requires { v.state == article_state::approved; })
      if (v.state == article_state::approved) return "approve:" + kind;
  }
  return std::string(verb) + ":" + kind;
}

// Fields the server owns, whatever the client sent: who wrote it and when, when it was
// published, its revision, and the HTML rendered from its Markdown (under a time and size
// budget, so text too costly to render is refused here, once, and never reaches a page).
// `current` is the stored record on an update, null on a create.
inline void own_fields(article& v, const article* current, const http::principal& who, timestamp t) {
  v.workflow = current ? current->workflow : std::vector<workflow_event>{};  // server-owned
  // A change of content by someone other than the author is logged: they may not approve it.
  if (current && who.id != current->author.value && !publish::same_content(v, *current))
    v.workflow.push_back({"edit", current->state, current->state, account_id{who.id}, t, {}});
  // A state change through the API is the workflow's steps, each logged (unsigned: only the
  // editor, with the approver's password, signs an approval).
  if (current && current->state != v.state) {
    auto state = current->state;
    if (auto run = publish::path_between(current->state, v.state))
      for (auto step : *run) {
        const auto* r = publish::find_rule(step, state);
        v.workflow.push_back({std::string(to_string(step)), r->from, r->to, account_id{who.id}, t, {}});
        state = r->to;
      }
    while (v.workflow.size() > 200) v.workflow.erase(v.workflow.begin());
  }
  v.author = current ? current->author : account_id{who.id};
  v.created_at = current ? current->created_at : t;
  v.updated_at = t;
  if (v.state == article_state::published) {
    // Scheduling (issue 14): a publisher may name a time to come, at most a year ahead; the
    // article stays hidden until then and the publication timer shows it at that time. Any other
    // time the client sends is the server's: now, or the date it was first published.
    const bool scheduled = v.published_at && *v.published_at > t && *v.published_at <= t + std::chrono::days(366);
    const bool already_public = current && current->published_at && *current->published_at <= t &&
                                current->state == article_state::published;
    if (!scheduled || already_public)
      v.published_at = current && current->published_at ? current->published_at : std::optional<timestamp>(t);
  } else if (v.state == article_state::archived)
    v.published_at = current ? current->published_at : std::nullopt;  // archived drafts were never published
  else
    v.published_at.reset();
  v.revision = current ? current->revision + 1 : 1;
}
inline void own_fields(question& v, const question* current, const http::principal& who, timestamp t) {
  v.asked_at = current ? current->asked_at : t;
  // Only the public form sets it; a client's value never reaches the store (decode_write drops it).
  v.follow_hash = current ? current->follow_hash : std::nullopt;
  if (v.answer_markdown.empty()) {
    v.answered_at.reset();
    v.answered_by.reset();
  } else if (current && current->answer_markdown == v.answer_markdown && current->answered_at) {
    v.answered_at = current->answered_at;
    v.answered_by = current->answered_by;
  } else {
    v.answered_at = t;
    v.answered_by = account_id{who.id};
  }
}
inline void own_fields(legal_document& v, const legal_document* current, const http::principal&, timestamp t) {
  v.created_at = current ? current->created_at : t;
  v.updated_at = t;
}
inline void own_fields(media_asset& v, const media_asset* current, const http::principal&, timestamp t) {
  v.created_at = current && current->created_at ? current->created_at : std::optional<timestamp>(t);
}
inline void own_fields(unit&, const unit*, const http::principal&, timestamp) {}
// A display's key is the enrolled device's (signage/enrolment.hpp), never a client's.
inline void own_fields(display& v, const display* current, const http::principal&, timestamp) {
  v.public_key = current ? current->public_key : std::string();
}
inline void own_fields(display_group&, const display_group*, const http::principal&, timestamp) {}
inline void own_fields(layout&, const layout*, const http::principal&, timestamp) {}
inline void own_fields(playlist&, const playlist*, const http::principal&, timestamp) {}
inline void own_fields(schedule_entry&, const schedule_entry*, const http::principal&, timestamp) {}
// Read-only through the API (collection(..., false)); these only let the write lambdas compile.
inline void own_fields(play_record&, const play_record*, const http::principal&, timestamp) {}
inline void own_fields(display_status&, const display_status*, const http::principal&, timestamp) {}

// A client may leave out the fields the server owns: placeholders are put in before the body is
// decoded and validated (own_fields() replaces them all afterwards), so an API user need not
// invent an author, dates or an answerer only to have them overwritten.
// A create without an id (missing, null or "") gets a random one, as the typed store::create
// gives one, so a client need not invent ids (nor probe for taken ones by choosing them).
template <class T>
result<T> decode_write(std::string_view body, const http::principal& who, timestamp at, bool create = false) {
  auto j = json_io::parse(body);
  if (!j) return j.err();
  if (j->is_object()) {
    if (create) {
      auto id = j->find("id");
      if (id == j->end() || id->is_null() || (id->is_string() && id->get_ref<const std::string&>().empty()))
        (*j)["id"] = random_id_string();
    }
    const auto t = format_timestamp(at);
    auto fill = [&](const char* key, const json& value) {
      if (!j->contains(key)) (*j)[key] = value;
    };
    if constexpr (std::is_same_v<T, article>) {
      fill("author", who.id);
      fill("created_at", t);
      fill("updated_at", t);
      auto state = j->find("state");
      if (state != j->end() && state->is_string() && state->get_ref<const std::string&>() == "published")
        fill("published_at", t);
    } else if constexpr (std::is_same_v<T, legal_document>) {
      fill("created_at", t);
      fill("updated_at", t);
      // A client that leaves the family out gets the one its type and number decide, and the
      // rules of that family (a plan sent with a validity status is refused, not quietly
      // stripped as a record stored before the two families is when read).
      if (!j->contains("family")) {
        legal_document probe;
        if (auto x = j->find("type_code"); x != j->end() && x->is_string()) probe.type_code = x->get<std::string>();
        if (auto x = j->find("number"); x != j->end() && x->is_string()) probe.number = x->get<std::string>();
        (*j)["family"] = std::string(to_string(family_of(probe)));
      }
    } else if constexpr (std::is_same_v<T, question>) {
      j->erase("follow_hash");  // server-owned and secret: never taken from a client
      fill("asked_at", t);
      auto answer = j->find("answer_markdown");
      if (answer != j->end() && answer->is_string() && !answer->get_ref<const std::string&>().empty()) {
        fill("answered_at", t);
        fill("answered_by", who.id);
      }
    }
  }
  return from_json_value<T>(*j);
}

// Writes take JSON only, checked before the body is parsed: a browser posts a form
// (application/x-www-form-urlencoded, multipart/form-data, text/plain) to any site without asking
// it first, so a body of those types must never be read as JSON. A DELETE needs no body; one it
// carries is checked too.
inline std::optional<http::response> not_json(const http::request& req) {
  if (req.method() == http::verb::delete_ && req.body().empty()) return std::nullopt;
  // One Content-Type only: with two, parts of a chain may read different ones.
  if (req.message().count(http::bhttp::field::content_type) == 1 &&
      http::is_json_content_type(req.header(http::bhttp::field::content_type)))
    return std::nullopt;
  return http::error_response(http::status::unsupported_media_type, errc::invalid_argument,
                              "Chỉ nhận nội dung JSON (Content-Type: application/json)",
                              "Only JSON bodies are accepted (Content-Type: application/json)");
}

// The origins whose pages may write with ambient credentials: base_url's, each configured host's
// (with base_url's scheme, as the portal's own absolute URLs are made) and options::allowed_origins.
// An allowed origin that is not an http(s) origin is the host's programming error, refused at
// construction; a base_url without one (a bare IPv6 address, say) only adds nothing.
inline result<std::vector<std::string>> write_origins(const options& o) {
  std::vector<std::string> out;
  auto add = [&](std::string_view url) {
    if (auto origin = http::url_origin(url)) out.push_back(std::move(*origin));
  };
  add(o.base_url);
  const std::string scheme = o.base_url.substr(0, o.base_url.find("://"));
  for (const auto& [host, unit] : o.hosts) add(scheme + "://" + host);
  for (const auto& a : o.allowed_origins) {
    auto origin = http::url_origin(a);
    if (!origin)
      return error(errc::invalid_argument, "/allowed_origins",
                   "Không phải nguồn gốc http(s) hợp lệ: \"" + a + "\"", "Not an http(s) origin: \"" + a + "\"");
    out.push_back(std::move(*origin));
  }
  return out;
}

template <class T>
result<void> prepare_write(T& v, const T* current, const http::principal& who, timestamp at) {
  own_fields(v, current, who, at);
  return publish::render_html(v);
}

}  // namespace api_detail

// What one caller may read, asked of the vendor's authorizer once per (action, unit) in a request:
// "read:<kind>" to see records that are not public (drafts, unpublished documents) of a unit,
// "moderate:question" to see askers' contact details. Anonymous callers and callers without the
// right see what the public sees (scheduled articles only from their time). With no authorizer
// configured, keys read as the public does.
class read_rights {
 public:
  read_rights(const options& opt, const std::optional<http::principal>& who, timestamp at)
      : opt_(opt), who_(who), at_(at) {}

  bool may(std::string_view action, const std::string& unit) {
    // Records of no unit ("") are asked too: the authorizer has a rule for them.
    if (!who_ || !opt_.authorize) return false;
    std::string key = std::string(action) + '\n' + unit;
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    bool ok = opt_.authorize(*who_, action, unit).has_value();
    memo_.emplace(std::move(key), ok);
    return ok;
  }

  // The JSON this caller may see of v, or nothing when v is not visible to it.
  template <class T>
  std::optional<json> view(const T& v) {
    const auto unit = api_detail::owner_unit(v);
    const std::string kind(store::entity_traits<T>::kind);
    if (!api_detail::publicly_visible(v, at_) && !may("read:" + kind, unit)) return std::nullopt;
    if constexpr (std::is_same_v<T, question>) {
      if (may("moderate:question", unit)) return api_detail::client_json(v);
      return api_detail::public_json(v);
    } else if constexpr (std::is_same_v<T, display>) {
      if (may("read:" + kind, unit)) return to_json_value(v);
      return api_detail::public_json(v);
    } else {
      return to_json_value(v);
    }
  }

 private:
  const options& opt_;
  const std::optional<http::principal>& who_;
  timestamp at_;
  std::map<std::string, bool, std::less<>> memo_;
};

PBGDPL_DECL api::api(store::store& db, const options& opt)
    : db_(db), opt_(opt), write_origins_(api_detail::write_origins(opt).value()),
      write_limiter_(opt.write_rate), search_limiter_(opt.search_rate), routes_(std::make_shared<http::router>()) {
  build();
}

PBGDPL_DECL timestamp api::now() const { return opt_.now ? opt_.now() : pbgdpl::now(); }

PBGDPL_DECL result<std::optional<api::caller_info>> api::identify(const http::request& req) const {
  if (req.principal) return std::optional<caller_info>(caller_info{*req.principal, true});
  if (opt_.identify)
    if (auto p = opt_.identify(req)) return std::optional<caller_info>(caller_info{std::move(*p), true});
  // The key of "Authorization: Bearer <key>", read by the HTTP layer's one Bearer reader.
  auto token = http::bearer_token(req);
  if (!token) return std::optional<caller_info>();  // no Authorization header: anonymous
  if (token->empty())
    return error(errc::unauthenticated, {}, "Chỉ nhận khóa API kiểu Bearer", "Only Bearer API keys are accepted");
  std::optional<http::principal> p;
  if (opt_.authenticate) p = opt_.authenticate(*token);
  if (!p) return error(errc::unauthenticated, {}, "Khóa API không hợp lệ, hết hạn hoặc đã bị thu hồi", "Invalid, expired or revoked API key");
  return std::optional<caller_info>(caller_info{std::move(*p), false});
}

PBGDPL_DECL result<api::caller_info> api::writer(const http::request& req) const {
  auto c = identify(req);
  if (!c) return c.err();
  if (!*c)
    return error(errc::unauthenticated, {}, "Cần đăng nhập hoặc khóa API (Authorization: Bearer ...)",
                 "A login or an API key is required (Authorization: Bearer ...)");
  // Ambient credentials travel with any request a browser makes, whichever site's page started
  // it: the write must come from one of the portal's origins, or carry a token the vendor checks.
  if ((*c)->ambient && !http::same_origin(req, write_origins_)) {
    auto token = req.header("X-CSRF-Token");
    if (token.empty() || !opt_.check_csrf_token || !opt_.check_csrf_token(req, token))
      return error(errc::csrf, {},
                   "Yêu cầu ghi bằng phiên đăng nhập phải đến từ trang của cổng (Origin hoặc Referer cùng nguồn) "
                   "hoặc mang X-CSRF-Token hợp lệ",
                   "A write made with a login session must come from the portal's own pages (a same-origin Origin "
                   "or Referer) or carry a valid X-CSRF-Token");
  }
  return std::move(**c);
}

PBGDPL_DECL bool api::personal(const http::request& req) const {
  return http::has_authorization(req) || req.principal || (opt_.identify && opt_.identify(req));
}

template <class T>
void api::collection(const std::string& path, bool writable) {
  using namespace api_detail;

  routes_->get("/v1/" + path, [this](http::request& req) {
    store::list_query q;
    auto limit = parse_limit(req.query("limit"));
    if (!limit) return error_json(limit.err());
    q.limit = *limit;
    q.cursor = std::string(req.query("cursor").value_or(""));
    auto opt = [&](std::string_view key, std::optional<std::string>& out) {
      if (auto v = req.query(key); v && !v->empty()) out = std::string(*v);
    };
    opt("unit", q.where.unit);
    opt("kind", q.where.kind);
    opt("category", q.where.category);
    opt("state", q.where.state);
    opt("type", q.where.doc_type);
    opt("level", q.where.doc_level);
    opt("status", q.where.doc_status);
    opt("field", q.where.field);
    for (auto [key, target] : {std::pair{"from", &q.where.from}, std::pair{"to", &q.where.to}}) {
      if (auto v = req.query(key); v && !v->empty()) {
        auto d = parse_date(*v);
        if (!d) {
          auto e = d.err();
          e.path = std::string("/") + key;
          return error_json(e);
        }
        *target = *d;
      }
    }
    // A key that does not authenticate is a 401, never a silent fall-back to anonymous.
    auto caller = identify(req);
    if (!caller) return error_json(caller.err());
    std::optional<http::principal> who;
    if (*caller) who = std::move((*caller)->who);
    if (auto refused = needs_caller<T>(who)) return std::move(*refused);
    const auto at = now();
    if (public_needs_published<T> && !who) q.where.state = "published";
    // Anonymous lists of articles start at "now": scheduled ones would only take the places.
    if constexpr (std::is_same_v<T, article>)
      if (!who) q.cursor = clamp_cursor(std::move(q.cursor), at);
    // The page is built from what the caller may see, and its cursor always comes from the last
    // item returned: a cursor taken from a record the caller may not see would name it (its id
    // and date are in the cursor). Records hidden from the caller are skipped server-side, up to
    // list_scan_pages store pages; a page also stops at list_max_bytes, so a few long bodies
    // cannot make one answer tens of megabytes (and it stays small enough to cache).
    read_rights rights(opt_, who, at);
    json items = json::array();
    std::size_t bytes = 0;
    std::string next;
    bool incomplete = false;
    for (std::size_t scanned = 0;; ++scanned) {
      auto p = db_.list<T>(q);
      if (!p) return error_json(p.err());
      bool full = false;
      for (const auto& v : p->items) {
        auto j = rights.view(v);
        if (!j) continue;
        auto size = j->dump().size();
        if (!items.empty() && (items.size() >= *limit || bytes + size > list_max_bytes)) {
          full = true;
          break;
        }
        bytes += size;
        items.push_back(std::move(*j));
        store::record r;
        store::entity_traits<T>::index(v, r);
        next = store::key_cursor(r.sort_key, v.id.value);
      }
      if (full) break;                        // more visible items follow: resume after the last one
      if (p->next_cursor.empty()) {           // the end: nothing more, visible or not
        next.clear();
        break;
      }
      if (!items.empty()) break;              // a page's worth (the rest may be hidden): resume after it
      if (scanned + 1 >= list_scan_pages) {   // only hidden records so far: stop without a cursor
        incomplete = true;
        next.clear();
        break;
      }
      q.cursor = p->next_cursor;  // server-side only: this cursor may name a hidden record
    }
    json body{{"items", std::move(items)}};
    body["next_cursor"] = next.empty() ? json(nullptr) : json(next);
    if (incomplete) {
      body["incomplete"] = true;
      body["message"] = "Quá nhiều bản ghi bạn không được xem; hãy lọc theo đơn vị (unit=...)";
      body["message_en"] = "Too many records you may not see; filter by unit (unit=...)";
    }
    auto r = http::response::json(body);
    if (!who) r.cache_tags = {"content"};
    else r.set("Cache-Control", "private, no-store");
    return r;
  });

  routes_->get("/v1/" + path + "/{id}", [this](http::request& req) {
    auto caller = identify(req);
    if (!caller) return error_json(caller.err());
    std::optional<http::principal> who;
    if (*caller) who = std::move((*caller)->who);
    if (auto refused = needs_caller<T>(who)) return std::move(*refused);
    auto v = db_.get<T>(req.param("id"));
    if (!v) return error_json(v.err());
    read_rights rights(opt_, who, now());
    auto j = rights.view(*v);
    // What the caller may not see does not exist for it: the same 404 as a missing id.
    if (!j) return error_json(store::not_found_error(store::entity_traits<T>::kind, req.param("id")));
    auto r = http::response::json(*j);
    if (!who) r.cache_tags = {"content"};
    else r.set("Cache-Control", "private, no-store");
    return r;
  });

  if (!writable) return;

  auto authorize_write = [this](const http::principal& who, std::string_view action, const std::string& unit) -> result<void> {
    if (!opt_.authorize)
      return error(errc::permission_denied, {}, "Máy chủ này không cho phép ghi qua API", "This server does not accept writes");
    return opt_.authorize(who, action, unit);
  };
  // Nothing new is filed under a unit that ended (issue 13): its archive may be corrected by those
  // who answer for it, never added to, whoever asks (new records go under the unit that took over).
  auto not_ended = [this](const std::string& unit) -> result<void> {
    if (unit.empty() || !opt_.units) return {};
    if (!opt_.units->get()->tree.ended(unit)) return {};
    return error(errc::invalid_argument, "/unit",
                 "Đơn vị " + unit + " đã kết thúc hoạt động: không thêm nội dung mới cho đơn vị này; hãy ghi dưới đơn vị tiếp nhận",
                 "Unit " + unit + " has ended: nothing new is filed under it; file it under the unit that took it over");
  };

  // Every write knows its caller (401), checks where an ambient one comes from (403 csrf) and that
  // the body is JSON (415) before it reads the body or the store: a caller without a valid key or
  // session learns nothing (not whether an id exists, nor what the body should look like), and
  // the caller is identified once per request.
  routes_->post("/v1/" + path, [this, authorize_write, not_ended, path](http::request& req) {
    if (auto limited = write_limiter_.check(req)) return std::move(*limited);
    auto caller = writer(req);
    if (!caller) return error_json(caller.err());
    if (auto refused = not_json(req)) return std::move(*refused);
    const auto& who = caller->who;
    auto v = decode_write<T>(req.message().body(), who, now(), true);
    if (!v) return error_json(v.err());
    if constexpr (signage_kind<T>) {
      if (auto ok = signage_write<T>(who, *v, nullptr); !ok) return error_json(ok.err());
    } else if (auto ok = authorize_write(who, write_action<T>("create", *v), owner_unit(*v)); !ok) {
      return error_json(ok.err());
    }
    if (auto ok = not_ended(owner_unit(*v)); !ok) return error_json(ok.err());
    if constexpr (training_kind<T>)
      if (auto ok = linked_records(db_, opt_, *v); !ok) return error_json(ok.err());
    v->version = 0;
    if (auto ok = prepare_write<T>(*v, nullptr, who, now()); !ok) return error_json(ok.err());
    auto created = db_.template create<T>(std::move(*v), who.id);
    if (!created) return error_json(created.err());
    auto r = http::response::json(client_json(*created), http::status::created);
    // Where the API is mounted, as the client reached it (a vendor's prefix, the proxy's too).
    r.set("Location", mount_base(opt_, req) + "/v1/" + path + "/" + http::percent_encode(created->id.value));
    return r;
  });

  // A record the caller may not even read answers a write as if it did not exist (the same 404
  // as a GET), so a write cannot probe for drafts or learn which unit owns one.
  auto hidden_from = [this](const http::principal& who, const T& current,
                            std::string_view id) -> std::optional<http::response> {
    std::optional<http::principal> reader(who);
    read_rights rights(opt_, reader, now());
    if (rights.view(current)) return std::nullopt;
    return error_json(store::not_found_error(store::entity_traits<T>::kind, id));
  };

  routes_->put("/v1/" + path + "/{id}", [this, authorize_write, not_ended, hidden_from](http::request& req) {
    if (auto limited = write_limiter_.check(req)) return std::move(*limited);
    auto caller = writer(req);
    if (!caller) return error_json(caller.err());
    if (auto refused = not_json(req)) return std::move(*refused);
    const auto& who = caller->who;
    auto v = decode_write<T>(req.message().body(), who, now());
    if (!v) return error_json(v.err());
    if (v->id.value != req.param("id"))
      return error_json(error(errc::invalid_argument, "/id", "Mã trong nội dung khác mã trên đường dẫn", "The body's id differs from the path's"));
    auto current = db_.get<T>(req.param("id"));
    if (!current) return error_json(current.err());
    if (auto hidden = hidden_from(who, *current, req.param("id"))) return std::move(*hidden);
    // Both the unit it belongs to now and the one it would move to must allow the caller.
    if constexpr (signage_kind<T>) {
      if (auto ok = signage_write<T>(who, *v, &*current); !ok) return error_json(ok.err());
    } else if (auto ok = authorize_write(who, write_action<T>("update", *v, &*current), owner_unit(*current)); !ok) {
      return error_json(ok.err());
    }
    if (owner_unit(*v) != owner_unit(*current)) {
      if constexpr (!signage_kind<T>)  // signage_write asked for both units
        if (auto again = authorize_write(who, write_action<T>("update", *v, &*current), owner_unit(*v)); !again)
          return error_json(again.err());
      if (auto ok = not_ended(owner_unit(*v)); !ok) return error_json(ok.err());
    }
    if constexpr (training_kind<T>)
      if (auto ok = linked_records(db_, opt_, *v); !ok) return error_json(ok.err());
    // An article's state moves only along the workflow (publish/workflow.hpp), as in the editor:
    // a change of state is the run of steps that leads there, and the caller needs the right of
    // each step at the article's unit (a division's approver may approve and publish a school's
    // article but not submit it), and an approve step in it follows the four-eyes rule (so one
    // PUT cannot take a draft to published). Each step is logged in the article's workflow
    // (own_fields).
    if constexpr (std::is_same_v<T, article>) {
      if (v->state != current->state) {
        auto run = publish::path_between(current->state, v->state);
        if (!run)
          return error_json(error(errc::conflict, "/state",
                                  "Không có bước nào đưa bài từ \"" + std::string(label_vi(current->state)) + "\" sang \"" +
                                      std::string(label_vi(v->state)) + "\"",
                                  "No workflow step leads from \"" + std::string(label_en(current->state)) + "\" to \"" +
                                      std::string(label_en(v->state)) + "\""));
        auto state = current->state;
        for (auto step : *run) {
          const auto* rule = publish::find_rule(step, state);  // on the path: never null
          state = rule->to;
          const std::string act = rule->needs == trust::action::publish_content   ? "publish:article"
                                  : rule->needs == trust::action::approve_content ? "approve:article"
                                                                                   : "update:article";
          if (auto ok = authorize_write(who, act, owner_unit(*current)); !ok) return error_json(ok.err());
          // Four eyes, as in the editor: the author, or whoever changed or submitted it (earlier,
          // or in this same write), does not approve it.
          if (step == publish::step::approve &&
              (!publish::may_approve(*current, account_id{who.id}) || !publish::same_content(*v, *current) ||
               (*run)[0] == publish::step::submit))
            return error_json(error(errc::permission_denied, "/state",
                                    "Người đã viết, sửa hoặc gửi duyệt bài không tự duyệt bài đó",
                                    "Whoever wrote, changed or submitted an article does not approve it"));
        }
      }
    }
    // A question's state moves as the Q&A workflow allows (publish/questions.hpp): accepted or
    // answered from asked, answered from accepted, published from answered, rejected from asked
    // or accepted; a rejected question is not published, nor a published one sent back.
    if constexpr (std::is_same_v<T, question>) {
      if (v->state != current->state) {
        using qs = question_state;
        const auto from = current->state, to = v->state;
        const bool edge = (from == qs::asked && (to == qs::accepted || to == qs::answered || to == qs::rejected)) ||
                          (from == qs::accepted && (to == qs::answered || to == qs::rejected)) ||
                          (from == qs::answered && to == qs::published);
        if (!edge)
          return error_json(error(errc::conflict, "/state",
                                  "Không chuyển câu hỏi từ \"" + std::string(label_vi(from)) + "\" sang \"" +
                                      std::string(label_vi(to)) + "\"",
                                  "A question does not go from \"" + std::string(label_en(from)) + "\" to \"" +
                                      std::string(label_en(to)) + "\""));
      }
    }
    if (auto ok = prepare_write<T>(*v, &*current, who, now()); !ok) return error_json(ok.err());
    auto updated = db_.update(std::move(*v), who.id);
    if (!updated) return error_json(updated.err());
    return http::response::json(client_json(*updated));
  });

  routes_->del("/v1/" + path + "/{id}", [this, authorize_write, hidden_from](http::request& req) {
    if (auto limited = write_limiter_.check(req)) return std::move(*limited);
    auto caller = writer(req);
    if (!caller) return error_json(caller.err());
    if (auto refused = not_json(req)) return std::move(*refused);
    const auto& who = caller->who;
    auto current = db_.get<T>(req.param("id"));
    if (!current) return error_json(current.err());
    if (auto hidden = hidden_from(who, *current, req.param("id"))) return std::move(*hidden);
    // Archiving what the public sees takes it down: an approver's action, like publishing.
    if constexpr (signage_kind<T>) {
      if (auto ok = signage_write<T>(who, *current, &*current); !ok) return error_json(ok.err());
    } else if (auto ok = authorize_write(who, write_action<T>("archive", *current, &*current), owner_unit(*current)); !ok) {
      return error_json(ok.err());
    }
    std::uint64_t expected = current->version;
    if (auto v = req.query("version"); v && !v->empty()) {
      expected = 0;
      for (char c : *v) {
        if (c < '0' || c > '9') return error_json(error(errc::invalid_argument, "/version"));
        expected = expected * 10 + static_cast<std::uint64_t>(c - '0');
      }
    }
    auto archived = db_.archive<T>(req.param("id"), expected, who.id);
    if (!archived) return error_json(archived.err());
    return http::response::json(client_json(*archived));
  });
}

PBGDPL_DECL void api::webhooks() {
  using namespace api_detail;
  // Who asks, and whether they may manage the webhooks of `unit`; errors as JSON answers.
  auto allowed = [this](const http::principal& who, const std::string& unit) -> result<void> {
    if (!opt_.authorize)
      return error(errc::permission_denied, {}, "Máy chủ này không cho phép quản lý webhook qua API",
                   "This server does not manage webhooks through the API");
    return opt_.authorize(who, "publish:webhook", unit);
  };
  auto private_json = [](const json& j, http::status s = http::status::ok) {
    auto r = http::response::json(j, s);
    r.set("Cache-Control", "private, no-store");
    return r;
  };
  auto reader = [this](const http::request& req) -> result<http::principal> {
    auto c = identify(req);
    if (!c) return c.err();
    if (!*c)
      return error(errc::unauthenticated, {}, "Cần đăng nhập hoặc khóa API (Authorization: Bearer ...)",
                   "A login or an API key is required (Authorization: Bearer ...)");
    return std::move((*c)->who);
  };
  // The webhook the path names, when the caller may see it; else the same 404 as a missing id.
  auto one = [this, allowed](const http::principal& who, std::string_view id) -> result<webhook> {
    auto w = db_.get<webhook>(id);
    if (!w || !allowed(who, w->unit.value)) return store::not_found_error(store::entity_traits<webhook>::kind, id);
    return w;
  };

  routes_->get("/v1/webhooks", [this, reader, allowed, private_json](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    auto unit = std::string(req.query("unit").value_or(""));
    if (unit.empty())
      return error_json(error(errc::missing_field, "/unit", "Cần chọn đơn vị (unit=...)", "A unit is required (unit=...)"));
    if (auto ok = allowed(*who, unit); !ok) return error_json(ok.err());
    auto hooks = network::list_webhooks(db_, unit_id{unit});
    if (!hooks) return error_json(hooks.err());
    json items = json::array();
    for (const auto& w : *hooks) items.push_back(pbgdpl::public_json(w));  // never the secret
    return private_json({{"items", std::move(items)}, {"next_cursor", nullptr}});
  });

  routes_->post("/v1/webhooks", [this, allowed, private_json](http::request& req) {
    if (auto limited = write_limiter_.check(req)) return std::move(*limited);
    auto caller = writer(req);
    if (!caller) return error_json(caller.err());
    if (auto refused = not_json(req)) return std::move(*refused);
    auto j = json_io::parse(req.message().body());
    if (!j) return error_json(j.err());
    if (!j->is_object())
      return error_json(error(errc::wrong_type, {}, "Nội dung phải là một đối tượng JSON", "The body must be a JSON object"));
    // Only what the caller chooses; the id, the secret and the time are the server's.
    webhook w;
    auto str = [&](const char* key, std::string& out) -> result<void> {
      auto it = j->find(key);
      if (it == j->end() || it->is_null()) return {};
      if (!it->is_string())
        return error(errc::wrong_type, std::string("/") + key, "Phải là chuỗi", "Must be a string");
      out = it->get<std::string>();
      return {};
    };
    std::string unit;
    for (auto [key, out] : {std::pair{"unit", &unit}, std::pair{"url", &w.url}, std::pair{"description", &w.description}})
      if (auto ok = str(key, *out); !ok) return error_json(ok.err());
    w.unit = unit_id{unit};
    if (auto ev = j->find("events"); ev != j->end()) {
      if (!ev->is_array())
        return error_json(error(errc::wrong_type, "/events", "Phải là mảng tên sự kiện", "Must be an array of event names"));
      for (const auto& e : *ev) {
        if (!e.is_string())
          return error_json(error(errc::wrong_type, "/events", "Phải là mảng tên sự kiện", "Must be an array of event names"));
        w.events.push_back(e.get<std::string>());
      }
    }
    if (auto a = j->find("active"); a != j->end() && a->is_boolean()) w.active = a->get<bool>();
    if (unit.empty())
      return error_json(error(errc::missing_field, "/unit", "Cần chọn đơn vị", "A unit is required"));
    if (auto ok = allowed(caller->who, unit); !ok) return error_json(ok.err());
    if (opt_.units && opt_.units->get()->tree.ended(unit))
      return error_json(error(errc::invalid_argument, "/unit",
                              "Đơn vị " + unit + " đã kết thúc hoạt động: hãy tạo webhook cho đơn vị tiếp nhận",
                              "Unit " + unit + " has ended: make the webhook for the unit that took it over"));
    auto created = network::create_webhook(db_, std::move(w), caller->who.id);
    if (!created) return error_json(created.err());
    // The one answer that carries the secret: the receiver needs it to check signatures.
    auto r = private_json(to_json_value(*created), http::status::created);
    r.set("Location", mount_base(opt_, req) + "/v1/webhooks/" + http::percent_encode(created->id.value));
    return r;
  });

  routes_->get("/v1/webhooks/{id}", [reader, one, private_json](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    auto w = one(*who, req.param("id"));
    if (!w) return error_json(w.err());
    return private_json(pbgdpl::public_json(*w));
  });

  routes_->get("/v1/webhooks/{id}/deliveries", [this, reader, one, private_json](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    auto limit = parse_limit(req.query("limit"));
    if (!limit) return error_json(limit.err());
    auto w = one(*who, req.param("id"));
    if (!w) return error_json(w.err());
    auto p = network::list_deliveries(db_, w->id, *limit, std::string(req.query("cursor").value_or("")));
    if (!p) return error_json(p.err());
    json items = json::array();
    for (const auto& d : p->items) items.push_back(to_json_value(d));
    json body{{"items", std::move(items)}};
    body["next_cursor"] = p->next_cursor.empty() ? json(nullptr) : json(p->next_cursor);
    return private_json(body);
  });
}

PBGDPL_DECL void api::compliance() {
  using namespace api_detail;
  // The KPIs of the schools below a unit, from its latest compliance run: public like the KPI
  // page (everything in them was read from public web pages). Starting a run is the CLI's and
  // the operator's (pbgdpl crawl), not an anonymous caller's.
  routes_->get("/v1/compliance", [this](http::request& req) {
    // Without unit=: the portal's own unit (the one its root pages show).
    auto unit = std::string(req.query("unit").value_or(opt_.default_unit));
    if (unit.empty())
      return error_json(error(errc::missing_field, "/unit", "Cần chọn đơn vị (unit=...)", "A unit is required (unit=...)"));
    if (!db_.get<pbgdpl::unit>(unit)) return error_json(store::not_found_error(store::entity_traits<pbgdpl::unit>::kind, unit));
    auto k = network::read_kpis(db_, unit_id{unit});
    if (!k) return error_json(k.err());
    auto row_json = [](const network::kpi_row& row) {
      static constexpr const char* keys[5] = {"section", "division_link", "city_banner", "recent_post", "all"};
      json o = json::object();
      for (std::size_t i = 0; i < 5; ++i)
        o[keys[i]] = {{"met", row[i].met}, {"not_met", row[i].not_met}, {"unknown", row[i].unknown}, {"percent", row[i].percent()}};
      return o;
    };
    json body{{"unit", unit}};
    body["latest_run"] = k->latest ? to_json_value(*k->latest) : json(nullptr);
    body["overall"] = row_json(k->overall);
    json levels = json::object();
    for (const auto& [level, row] : k->by_level) levels[std::string(to_string(level))] = row_json(row);
    body["by_level"] = std::move(levels);
    json trend = json::array();
    for (const auto& p : k->trend)
      trend.push_back({{"run", p.run.id.value}, {"started_at", format_timestamp(p.run.started_at)},
                       {"percent", {{"section", p.percent[0]}, {"division_link", p.percent[1]}, {"city_banner", p.percent[2]},
                                    {"recent_post", p.percent[3]}, {"all", p.percent[4]}}}});
    body["trend"] = std::move(trend);
    json schools = json::array();
    for (const auto& c : k->checks) {
      auto j = to_json_value(c);
      j.erase("result");
      auto detail = json_io::parse(c.result);
      j["evidence"] = detail ? (*detail)["criteria"] : json(nullptr);
      j["errors"] = detail ? (*detail)["errors"] : json(nullptr);
      schools.push_back(std::move(j));
    }
    body["schools"] = std::move(schools);
    auto r = http::response::json(body);
    r.cacheable = true;
    r.cache_tags = {"content"};
    return r;
  });
}

PBGDPL_DECL void api::build() {
  routes_->get("/openapi.json", [this](http::request& req) {
    auto doc = openapi();
    // Its paths start at /api; under a vendor's prefix (or a proxy's) the server URL says where.
    if (auto base = api_detail::site_base(opt_, req); !base.empty()) doc["servers"][0]["url"] = base;
    auto r = http::response::json(doc);
    r.cacheable = true;
    return r;
  });
  routes_->get("/v1", [this](http::request& req) {
    json links = json::object();
    const json doc = openapi();  // kept alive: iterating a temporary's member would read freed memory
    const auto base = api_detail::site_base(opt_, req);
    for (const auto& [path, _] : doc["paths"].items()) links[path] = base + path;
    return http::response::json(
        {{"version", PBGDPL_VERSION_STRING}, {"openapi", mount_base(opt_, req) + "/openapi.json"}, {"paths", links}});
  });
  // The README and the demo print /api/v1/: one URL for the index (the documented one, without
  // the slash Redocly's no-path-trailing-slash refuses), the other a permanent redirect to it.
  routes_->get("/v1/", [this](http::request& req) {
    return http::response::redirect(mount_base(opt_, req) + "/v1", http::status::permanent_redirect);
  });
  routes_->get("/v1/search", [this](http::request& req) { return search(req); });
  collection<article>("articles", true);
  collection<legal_document>("legal-documents", true);
  collection<question>("questions", true);
  collection<unit>("units", true);
  collection<media_asset>("media", true);
  collection<display_group>("display-groups", true);
  collection<display>("displays", true);
  collection<layout>("layouts", true);
  collection<playlist>("playlists", true);
  collection<schedule_entry>("schedules", true);
  collection<play_record>("play-records", false);
  collection<display_status>("display-status", false);
  collection<training_course>("training-courses", true);
  collection<attendance>("attendances", true);
  collection<channel>("channels", true);
  collection<channel_post>("channel-posts", true);
  signage_routes();
  reports_routes();
  webhooks();
  compliance();
  routes_->get("/v1/banners", [this](http::request&) {
    json items = json::array();
    if (opt_.city_banner) items.push_back(to_json_value(*opt_.city_banner));
    return http::response::json({{"items", items}, {"next_cursor", nullptr}});
  });
  routes_->on_not_found([](http::request&) {
    return http::error_response(http::status::not_found, errc::not_found, "Không có điểm cuối API này", "No such API endpoint");
  });
}

PBGDPL_DECL http::response api::search(http::request& req) {
  using namespace api_detail;
  // sort, limit and kinds are checked before the rate and the store: a bad one is a cheap 400
  // (q is the store's to parse: its errors are 400s too).
  store::search_request sr;
  sr.q = std::string(req.query("q").value_or(""));
  if (auto sort = req.query("sort"); sort && !sort->empty()) {
    if (*sort == "newest") sr.order = store::search_order::newest;
    else if (*sort != "relevance")
      return error_json(error(errc::invalid_argument, "/sort", "sort phải là relevance (liên quan nhất) hoặc newest (mới nhất)",
                              "sort must be relevance or newest"));
  }
  auto limit = parse_limit(req.query("limit"));
  if (!limit) return error_json(limit.err());
  sr.limit = *limit;
  sr.cursor = std::string(req.query("cursor").value_or(""));
  if (auto kinds = req.query("kinds"); kinds && !kinds->empty()) {
    for (std::size_t i = 0; i <= kinds->size();) {
      auto end = std::min(kinds->find(',', i), kinds->size());
      sr.kinds.emplace_back(kinds->substr(i, end - i));
      i = end + 1;
    }
    if (auto ok = store::check_searchable(sr.kinds); !ok) return error_json(ok.err());
  }
  if (auto u = req.query("unit"); u && !u->empty()) sr.where.unit = std::string(*u);
  // Rated before the key is checked, as writes are, so the rate also slows key guessing. A key
  // that does not authenticate is a 401 here too, never a silent fall-back to anonymous.
  if (auto limited = search_limiter_.check(req)) return std::move(*limited);
  auto caller = identify(req);
  if (!caller) return error_json(caller.err());
  // What the public sees, for every caller: published records, articles from their publication
  // time on; the store's paging then never counts a record the answer would have to drop.
  sr.where.visible_by(now());
  auto found = db_.search(sr);
  if (!found) return error_json(found.err());
  json items = json::array();
  for (const auto& h : found->items) {
    json item{{"kind", h.kind}, {"id", h.id}, {"title", h.title}, {"title_html", h.title_html},
              {"snippet_html", h.snippet_html}, {"score", h.score}};
    // The main date newest-first orders by (an article's publication day, a document's issue day).
    if (!h.stored.day.empty()) item["date"] = h.stored.day;
    items.push_back(std::move(item));
  }
  json body{{"items", std::move(items)}, {"sort", sr.order == store::search_order::newest ? "newest" : "relevance"}};
  // true: the store could not rank every match within its cost cap; the items are the best of those it ranked.
  body["approximate"] = found->approximate;
  body["next_cursor"] = found->next_cursor.empty() ? json(nullptr) : json(found->next_cursor);
  auto r = http::response::json(body);
  if (!*caller) r.cache_tags = {"content"};
  else r.set("Cache-Control", "private, no-store");
  return r;
}

namespace detail {
inline json enum_schema(std::initializer_list<std::string_view> values, std::string_view description = {}) {
  json e = json::array();
  for (auto v : values) e.push_back(std::string(v));
  json s{{"type", "string"}, {"enum", e}};
  if (!description.empty()) s["description"] = std::string(description);
  return s;
}
}  // namespace detail

// The legal document fields a client most needs to get right: the family and what hangs on it,
// the signature block, the files. Every other field is as the model writes it.
PBGDPL_DECL json api::legal_document_schema() {
  json authority = detail::enum_schema({"none", "tm", "kt", "tl", "tuq", "q"}, "TM., KT., TL., TUQ., Q. or none");
  json year{{"type", "integer"}, {"minimum", 1945}, {"maximum", 2200}};
  return json{
      {"type", "object"},
      {"properties",
       {{"number", {{"type", "string"}, {"description", "Số ký hiệu: 19/KH-PGDĐT, 30/2020/NĐ-CP, 14/2012/QH13, 05/2012/L-CTN, 80-KL/TW, 123/UBND-VX"}}},
        {"type_code", {{"type", "string"}, {"description", "KH, QĐ, NĐ, TT, L (Lệnh)...; Luật and Bộ luật, which numbers do not carry, by name"}}},
        {"family", detail::enum_schema({"normative", "administrative"},
                                       "Văn bản quy phạm pháp luật or văn bản chỉ đạo, điều hành. Optional: when absent it is read "
                                       "from the type and number (KH is administrative, NĐ normative; a QĐ or NQ with a year in its "
                                       "number is normative). A type of the other family only is refused (400, invalid_argument).")},
        {"status", detail::enum_schema({"in_force", "partly_expired", "expired", "not_yet_in_force", "suspended"},
                                       "Required for a normative document; an administrative one with a status is refused (400, invalid_argument)")},
        {"status_history", {{"type", "array"}, {"items", {{"type", "object"}}}, {"description", "Normative documents only"}}},
        {"period_from", year},
        {"period_to", {{"type", "integer"}, {"minimum", 1945}, {"maximum", 2200},
                       {"description", "With period_from: the implementation period of an administrative document (giai đoạn 2023-2027)"}}},
        {"level", detail::enum_schema({"central", "city", "district", "sector", "school"})},
        {"signed_by",
         {{"type", "object"},
          {"description", "The signature block: above (outermost first), then authority + authority_title, position, name; "
                          "at most 4 title lines"},
          {"properties",
           {{"authority", authority},
            {"authority_title", {{"type", "string"}}},
            {"position", {{"type", "string"}}},
            {"name", {{"type", "string"}}},
            {"above", {{"type", "array"}, {"maxItems", 3},
                       {"items", {{"type", "object"}, {"required", json::array({"authority", "title"})},
                                  {"properties", {{"authority", authority}, {"title", {{"type", "string"}}}}}}}}}}}}},
        {"files",
         {{"type", "array"},
          {"items", {{"type", "object"},
                     {"required", json::array({"file_name"})},
                     {"properties", {{"file_name", {{"type", "string"}}},
                                     {"url", {{"type", "string"}, {"description", "Where the file is published; the page links to it"}}},
                                     {"media", {{"type", "string"}}},
                                     {"size", {{"type", "integer"}}}}}}}}}}}};
}

namespace detail {
// How clients generated from the document name things (issue 20). A collection's five operations
// follow one rule, list<Many>, get<One>, create<One>, update<One>, archive<One> (listArticles,
// getArticle, ...); every other operation is named in openapi_names below. The names are the
// contract of every generated client: renaming one breaks vendors' code, so append only.
struct openapi_collection {
  std::string_view path, one, many, tag;
};
inline constexpr openapi_collection openapi_collections[] = {
    {"articles", "Article", "Articles", "Articles"},
    {"legal-documents", "LegalDocument", "LegalDocuments", "LegalDocuments"},
    {"questions", "Question", "Questions", "Questions"},
    {"units", "Unit", "Units", "Units"},
    {"media", "Media", "Media", "Media"},
    {"display-groups", "DisplayGroup", "DisplayGroups", "Signage"},
    {"displays", "Display", "Displays", "Signage"},
    {"layouts", "Layout", "Layouts", "Signage"},
    {"playlists", "Playlist", "Playlists", "Signage"},
    {"schedules", "Schedule", "Schedules", "Signage"},
    {"play-records", "PlayRecord", "PlayRecords", "Signage"},
    {"display-status", "DisplayStatus", "DisplayStatuses", "Signage"},
    {"training-courses", "TrainingCourse", "TrainingCourses", "Training"},
    {"attendances", "Attendance", "Attendances", "Training"},
    {"channels", "Channel", "Channels", "Channels"},
    {"channel-posts", "ChannelPost", "ChannelPosts", "Channels"},
};
struct openapi_name {
  std::string_view method, path, operation_id, tag;
};
inline constexpr openapi_name openapi_names[] = {
    {"get", "/api/openapi.json", "getOpenApiDocument", "Portal"},
    {"get", "/api/v1", "getApiIndex", "Portal"},
    {"get", "/api/v1/banners", "listBanners", "Portal"},
    {"get", "/api/v1/search", "searchRecords", "Search"},
    {"get", "/api/v1/compliance", "getComplianceKpis", "Compliance"},
    {"get", "/api/v1/webhooks", "listWebhooks", "Webhooks"},
    {"post", "/api/v1/webhooks", "createWebhook", "Webhooks"},
    {"get", "/api/v1/webhooks/{id}", "getWebhook", "Webhooks"},
    {"get", "/api/v1/webhooks/{id}/deliveries", "listWebhookDeliveries", "Webhooks"},
    {"post", "/api/v1/signage/enrol", "enrolDevice", "SignageDevices"},
    {"get", "/api/v1/signage/manifest", "getDeviceManifest", "SignageDevices"},
    {"get", "/api/v1/signage/content/{blake2b}", "getDeviceContent", "SignageDevices"},
    {"post", "/api/v1/signage/plays", "submitPlays", "SignageDevices"},
    {"post", "/api/v1/signage/heartbeat", "sendHeartbeat", "SignageDevices"},
    {"get", "/api/v1/signage/plays", "getPlayCounts", "Signage"},
    {"post", "/api/v1/signage/enrolments/authorise", "authoriseDeviceEnrolment", "Signage"},
    {"post", "/api/v1/signage/enrolments/{id}/revoke", "revokeDeviceEnrolment", "Signage"},
};
// The tags, in the order a reader meets them, with what each groups (generators make one client
// class per tag: ArticlesApi, ...).
inline constexpr std::pair<std::string_view, std::string_view> openapi_tags[] = {
    {"Articles", "Bài viết (tin hoạt động) / articles: news of the units' PBGDPL work, through the editorial workflow"},
    {"LegalDocuments", "Văn bản / legal documents: normative and administrative documents with their files and status"},
    {"Questions", "Hỏi đáp / questions asked by the public and their answers (askers' contacts never public)"},
    {"Units", "Đơn vị / the unit tree: the division, its schools, their websites"},
    {"Media", "Tư liệu / media: images, clips and files the content and the screens use"},
    {"Search", "Tìm kiếm / search over what the public sees"},
    {"Signage", "Màn hình / digital signage: displays, groups, layouts, playlists, schedules, what played"},
    {"SignageDevices", "The screens' own protocol: requests signed by an enrolled device's key, not API keys"},
    {"Training", "Tập huấn / training courses and who attended them (names people: a key with the read right)"},
    {"Channels", "Kênh / the units' social channels and their posts"},
    {"Reports", "Báo cáo / yearly reports: drafts, submissions signed by their accounts, reviews, roll-ups"},
    {"Webhooks", "Webhooks: signed notifications of published articles and answered questions"},
    {"Compliance", "Kiểm tra / compliance KPIs of the schools' websites (plan target 1.1)"},
    {"Portal", "This document, the API index and the city portal banner"},
};

// Names and tags every operation that has none yet: the rule for the collections, the table for
// the rest. An operation neither names stays without one, which the unit tests and the Redocly
// lint (tests/integration/test_openapi_lint.py) refuse.
inline void name_operations(json& paths) {
  for (auto p = paths.begin(); p != paths.end(); ++p) {
    const std::string& path = p.key();
    for (auto m = p.value().begin(); m != p.value().end(); ++m) {
      const std::string& method = m.key();
      json& op = m.value();
      if (!op.is_object()) continue;
      std::string id, tag;
      for (const auto& n : openapi_names)
        if (n.method == method && n.path == path) id = n.operation_id, tag = n.tag;
      for (const auto& c : openapi_collections) {
        const std::string base = "/api/v1/" + std::string(c.path);
        if (path != base && path != base + "/{id}") continue;
        const bool one = path != base;
        tag = c.tag;
        if (method == "get") id = one ? "get" + std::string(c.one) : "list" + std::string(c.many);
        else if (method == "post" && !one) id = "create" + std::string(c.one);
        else if (method == "put" && one) id = "update" + std::string(c.one);
        else if (method == "delete" && one) id = "archive" + std::string(c.one);
      }
      if (tag.empty() && path.starts_with("/api/v1/reports/")) tag = "Reports";
      if (!op.contains("operationId") && !id.empty()) op["operationId"] = id;
      if (!op.contains("tags") && !tag.empty()) op["tags"] = json::array({tag});
    }
  }
}
}  // namespace detail

PBGDPL_DECL json api::openapi() {
  auto error_ref = json{{"$ref", "#/components/schemas/Error"}};
  auto responses = [&](bool write) {
    json r{{"200", {{"description", "OK"}}},
           {"400", {{"description", "Bad request", }, {"content", {{"application/json", {{"schema", error_ref}}}}}}},
           {"404", {{"description", "Not found"}, {"content", {{"application/json", {{"schema", error_ref}}}}}}},
           // Reads take an optional key; a key that does not authenticate is refused, not ignored.
           {"401", {{"description", "No or bad API key"}, {"content", {{"application/json", {{"schema", error_ref}}}}}}}};
    if (write) {
      r["403"] = {{"description", "Not allowed for this unit (code permission_denied), or a write with the host's login "
                                  "session from a page of another origin (code csrf)"},
                  {"content", {{"application/json", {{"schema", error_ref}}}}}};
      r["409"] = {{"description", "Version conflict"}, {"content", {{"application/json", {{"schema", error_ref}}}}}};
      r["415"] = {{"description", "The body is not JSON (Content-Type must be application/json, charset utf-8 if any)"},
                  {"content", {{"application/json", {{"schema", error_ref}}}}}};
      r["422"] = {{"description", "Validation failed"}, {"content", {{"application/json", {{"schema", error_ref}}}}}};
      r["429"] = {{"description", "Too many writes from this client (Retry-After: when to ask again)"},
                  {"content", {{"application/json", {{"schema", error_ref}}}}}};
    }
    return r;
  };
  json list_params = json::array();
  for (const char* p : {"unit", "kind", "category", "state", "type", "level", "status", "field", "from", "to", "cursor", "limit"})
    list_params.push_back({{"name", p}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
  json id_param = json::array({{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}});
  // A create answers 201 Created (with Location), not 200.
  json create_responses = responses(true);
  create_responses.erase("200");
  create_responses["201"] = {{"description", "Created; Location names the new record"},
                             {"headers", {{"Location", {{"schema", {{"type", "string"}}}}}}}};
  // The record as JSON; on a create its id may be left out (or ""): the server generates one.
  json create_body{{"type", "object"},
                   {"properties", {{"id", {{"type", "string"}, {"description", "Optional: the server generates one when absent or empty"}}}}}};
  json update_body{{"type", "object"}, {"required", json::array({"id"})},
                   {"properties", {{"id", {{"type", "string"}, {"description", "Must equal the path's id"}}}}}};
  // Reads work with no key or with one ({} is "no key": the answer is what the public sees; a
  // key adds what its account may read). Public routes a key changes nothing on say only {}.
  json optional_key = json::array({json::object(), json{{"apiKey", json::array()}}});
  const json public_only = json::array({json::object()});
  // What public routes without a key may answer: no 401 (they read no key).
  json public_responses = responses(false);
  public_responses.erase("401");
  json fixed_responses = public_responses;  // routes without parameters: nothing to be bad or missing
  fixed_responses.erase("400");
  fixed_responses.erase("404");
  // What even these may answer (the HTTP server's own limit, before any route), so a client
  // knows the error body there too (and Redocly's operation-4xx-response is met honestly).
  fixed_responses["431"] = {{"description", "The request's header fields pass the server's limit"},
                            {"content", {{"application/json", {{"schema", error_ref}}}}}};
  json paths = json::object();
  // An article's credits (issue 13): optional, the source's link http(s) only.
  json article_credits{{"byline", {{"type", "string"}, {"description", "The writer as the page credits them"}}},
                       {"source", {{"$ref", "#/components/schemas/ArticleSource"}}}};
  for (const char* c : {"articles", "legal-documents", "questions", "units", "media", "display-groups", "displays", "layouts",
                        "playlists", "schedules", "training-courses", "attendances", "channels", "channel-posts"}) {
    std::string base = std::string("/api/v1/") + c;
    json create_this = create_body, update_this = update_body;
    if (std::string_view(c) == "articles")
      for (auto* b : {&create_this, &update_this}) (*b)["properties"].update(article_credits);
    paths[base] = {
        {"get", {{"summary", std::string("List ") + c}, {"parameters", list_params}, {"security", optional_key},
                 {"responses", responses(false)}}},
        {"post", {{"summary", std::string("Create one of ") + c}, {"security", json::array({{{"apiKey", json::array()}}})},
                  {"requestBody", {{"required", true}, {"content", {{"application/json", {{"schema", create_this}}}}}}},
                  {"responses", create_responses}}}};
    paths[base + "/{id}"] = {
        {"get", {{"summary", std::string("One of ") + c}, {"parameters", id_param}, {"security", optional_key},
                 {"responses", responses(false)}}},
        {"put", {{"summary", "Update (optimistic concurrency on version)"}, {"parameters", id_param},
                 {"security", json::array({{{"apiKey", json::array()}}})},
                 {"requestBody", {{"required", true}, {"content", {{"application/json", {{"schema", update_this}}}}}}},
                 {"responses", responses(true)}}},
        {"delete", {{"summary", "Archive"}, {"parameters", id_param}, {"security", json::array({{{"apiKey", json::array()}}})},
                    {"responses", responses(true)}}}};
  }
  json search_params = json::array(
      {{{"name", "q"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}}},
        {"description", "What the user typed: words, \"phrases\", prefix*, key:value filters"}},
       {{"name", "sort"}, {"in", "query"}, {"required", false},
        {"schema", {{"type", "string"}, {"enum", json::array({"relevance", "newest"})}, {"default", "relevance"}}},
        {"description", "relevance (liên quan nhất): the store's score, a document whose number is in q first, then what cites it, "
                        "then titles equal to or beginning with q. newest (mới nhất): the same matches by their main date "
                        "(an article's publication time, a document's issue date), newest first, ties by id; no boost. "
                        "Any other value is a 400."}},
       {{"name", "kinds"}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}},
        {"description", "Comma separated: article, legal_document, question, publication (default all)"}},
       {{"name", "unit"}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}},
        {"description", "Records of this unit and the units below it"}},
       {{"name", "limit"}, {"in", "query"}, {"required", false}, {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}}},
       {{"name", "cursor"}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}},
        {"description", "next_cursor of the previous page, with the same q and sort"}}});
  // Legal documents: the fields issue 13 added, described (the others are as the model writes them).
  auto doc_ref = json{{"$ref", "#/components/schemas/LegalDocument"}};
  paths["/api/v1/legal-documents"]["post"]["requestBody"]["content"]["application/json"]["schema"]["allOf"] =
      json::array({doc_ref});
  paths["/api/v1/legal-documents/{id}"]["put"]["requestBody"]["content"]["application/json"]["schema"]["allOf"] =
      json::array({doc_ref});
  paths["/api/v1/legal-documents/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = doc_ref;
  // The search answers what the public sees whoever asks: a key changes nothing in it, so it
  // declares no key ([{}]); a key sent anyway must still authenticate.
  json search_responses = responses(false);
  search_responses["401"]["description"] = "An Authorization header whose key does not authenticate";
  search_responses["429"] = {{"description", "Too many searches from this client (Retry-After: when to ask again)"},
                             {"content", {{"application/json", {{"schema", error_ref}}}}}};
  paths["/api/v1/search"] = {
      {"get", {{"summary", "Search what the public sees (published records; articles from their publication time)"},
               {"description", "Relevance is exact (the best of every match by the store's scoring) unless the answer says "
                               "approximate: true (words so common that ranking every match would pass the store's cost cap)."},
               {"parameters", search_params}, {"security", public_only}, {"responses", search_responses}}}};
  // Webhooks (issue 14): for callers with the right to publish at the unit; never anonymous.
  json key_only = json::array({{{"apiKey", json::array()}}});
  json webhook_body{
      {"type", "object"},
      {"required", json::array({"unit", "url", "events"})},
      {"properties",
       {{"unit", {{"type", "string"}}},
        {"url", {{"type", "string"}, {"description", "http:// or https:// only (this build delivers to http:// only)"}}},
        {"events", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", json::array({"article.published", "question.answered"})}}}}},
        {"description", {{"type", "string"}}},
        {"active", {{"type", "boolean"}}}}}};
  json webhook_create = create_responses;
  webhook_create["201"]["description"] =
      "Created. The answer carries the webhook's secret, shown this once: deliveries are signed with it "
      "(X-Pbgdpl-Signature: sha256=HMAC-SHA256(secret, X-Pbgdpl-Timestamp + \".\" + body))";
  webhook_create.erase("409");
  paths["/api/v1/webhooks"] = {
      {"get", {{"summary", "The webhooks of a unit (without their secrets)"},
               {"parameters", json::array({{{"name", "unit"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}}}}})},
               {"security", key_only}, {"responses", responses(true)}}},
      {"post", {{"summary", "Create a webhook"}, {"security", key_only},
                {"requestBody", {{"required", true}, {"content", {{"application/json", {{"schema", webhook_body}}}}}}},
                {"responses", webhook_create}}}};
  paths["/api/v1/webhooks/{id}"] = {
      {"get", {{"summary", "One webhook (without its secret)"}, {"parameters", id_param}, {"security", key_only},
               {"responses", responses(true)}}}};
  json delivery_params = id_param;
  for (const char* p : {"cursor", "limit"})
    delivery_params.push_back({{"name", p}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
  paths["/api/v1/webhooks/{id}/deliveries"] = {
      {"get", {{"summary", "A webhook's delivery log: pending first, then newest first, each with every attempt"},
               {"parameters", delivery_params}, {"security", key_only}, {"responses", responses(true)}}}};
  paths["/api/v1/compliance"] = {
      {"get", {{"summary", "Compliance KPIs of the schools below a unit (plan target 1.1), from its latest crawl"},
               {"description", "Per criterion (section, division_link, city_banner, recent_post, all): met, not_met, unknown and "
                               "percent (met over every school checked), overall and by school level; the trend over the runs; "
                               "each school's verdicts with the evidence (URL, element, what matched, method, confidence)."},
               {"parameters", json::array({{{"name", "unit"}, {"in", "query"}, {"required", false},
                                             {"description", "The unit whose schools were checked (default: the portal's own unit)"},
                                             {"schema", {{"type", "string"}}}}})},
               {"security", public_only}, {"responses", public_responses}}}};
  paths["/api/v1/banners"] = {
      {"get", {{"summary", "The city portal banner every page carries"}, {"security", public_only}, {"responses", fixed_responses}}}};
  signage_openapi(paths, list_params, id_param, key_only, responses(false));
  // Training records (issue 17): who trained in what names people, so reading needs a key with
  // the read right at the record's unit (the unit's people and the units above); channels and
  // their posts are public like the school site that links them.
  for (const char* c : {"training-courses", "attendances"}) {
    const std::string base = std::string("/api/v1/") + c;
    for (const auto& path : {base, base + "/{id}"}) paths[path]["get"]["security"] = key_only;
  }
  paths["/api/v1/attendances"]["post"]["description"] =
      "course must name a training course of the attendance's unit or of a unit above it (on the course's first day, if "
      "the tree has changed since); status completed needs completed_on";
  paths["/api/v1/channel-posts"]["post"]["description"] = "channel must name a channel of the post's own unit";
  reports_openapi(paths, id_param, key_only, responses(false), responses(true));
  paths["/api/v1"] = {{"get", {{"summary", "API index: every path of this document, as URLs of this server"},
                               {"description", "/api/v1/ (with the slash) redirects here (308)"},
                               {"security", public_only}, {"responses", fixed_responses}}}};
  paths["/api/openapi.json"] = {{"get", {{"summary", "This document"}, {"security", public_only}, {"responses", fixed_responses}}}};
  detail::name_operations(paths);
  json tags = json::array();
  for (const auto& [name, description] : detail::openapi_tags) tags.push_back({{"name", name}, {"description", description}});
  return json{
      {"openapi", "3.0.3"},
      // Relative: the paths start at /api below the site's base; the route serving the document
      // replaces it with the base it is reached under (a vendor's prefix, a router mount).
      {"servers", json::array({{{"url", "/"}, {"description", "This portal"}}})},
      {"tags", std::move(tags)},
      {"info", {{"title", "pbgdpl portal API"}, {"version", PBGDPL_VERSION_STRING},
                {"description", "Phổ biến, giáo dục pháp luật: bài viết, văn bản, hỏi đáp, đơn vị. Errors carry a stable code and messages in Vietnamese and English. "
                                "Without a key, reads return published content only and never askers' contact details. With a key, "
                                "reads also return what the key's account may read (records that are not public of the units where it "
                                "has the read right; askers' contacts where it answers questions); a key that does not authenticate is a 401. "
                                "Writes need a key and the right at the record's unit; making a record public needs the right to publish. "
                                "A host may instead identify callers by its own login (a session cookie): such writes must come from "
                                "the portal's own origin (Origin or Referer) or carry an X-CSRF-Token the host accepts, else 403 csrf. "
                                "Write bodies are JSON only (415 otherwise); a create may leave out the id and gets a generated one. "
                                "author, created_at, updated_at, published_at, revision, asked_at, answered_at, answered_by and the *_html "
                                "fields are set by the server. Every operation has a stable operationId for generated clients; "
                                "public reads declare security [{}] (no key) beside the optional key."},
                // The licence the project's own code declares (its plugins' manifests: MIT); the
                // repository has no LICENSE file of its own to name instead.
                {"license", {{"name", "MIT"}, {"url", "https://spdx.org/licenses/MIT.html"}}}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"apiKey", {{"type", "http"}, {"scheme", "bearer"},
                      {"description", "Authorization: Bearer <key>: an API key of an account (pbgdpl key create), or the host's "
                                      "own token when the portal is embedded with its login"}}},
          // Screens' devices sign each request with their own key (portal/signage_api.hpp).
          {"deviceSignature", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-Pbgdpl-Signature"},
                               {"description", "With X-Pbgdpl-Device and X-Pbgdpl-Time: an Ed25519 signature by the "
                                               "enrolled device's key over the method, target, time and body digest"}}}}},
        {"schemas",
         {{"ArticleSource",
           {{"type", "object"},
            {"required", {"name"}},
            {"description", "Where a news item was first published"},
            {"properties",
             {{"name", {{"type", "string"}}},
              {"url", {{"type", "string"}, {"pattern", "^$|^[Hh][Tt][Tt][Pp][Ss]?://"},
                       {"description", "http:// or https:// only; empty or absent when not online"}}}}}}},
          {"LegalDocument", legal_document_schema()},
          {"Error",
           {{"type", "object"},
            {"required", {"error"}},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", {"code", "code_number", "message", "message_en"}},
                {"properties",
                 {{"code", {{"type", "string"}}},
                  {"code_number", {{"type", "integer"}}},
                  {"message", {{"type", "string"}}},
                  {"message_en", {{"type", "string"}}},
                  {"path", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace portal
PBGDPL_NAMESPACE_END

#include "api_signage.ipp"
#include "api_reports.ipp"
