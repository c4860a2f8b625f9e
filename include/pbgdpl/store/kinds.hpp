// The one registry of stored kinds: for each stored model type, its kind name, the columns it is
// filtered and sorted on, and the JSON members search reads. Backends, search, migrations and
// import all ask this registry; a new kind adds one entity_traits specialisation and one entry
// in PBGDPL_STORE_KINDS.
#pragma once
#include "../model/account.hpp"
#include "../model/aggregation.hpp"
#include "../model/approval.hpp"
#include "../model/banner.hpp"
#include "../model/credential.hpp"
#include "../model/article.hpp"
#include "../model/legal_document.hpp"
#include "../model/media.hpp"
#include "../model/question.hpp"
#include "../model/unit.hpp"
#include "../model/syndication.hpp"
#include "../model/webhook.hpp"
#include "../model/compliance.hpp"
#include "../model/kiosk.hpp"
#include "../model/signage.hpp"
#include "../model/signage_ops.hpp"
#include "../model/channel.hpp"
#include "../model/report.hpp"
#include "../model/training.hpp"
#include "record.hpp"

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

// Which JSON members of a kind are searched: one title and the text members, in order. Read from
// the JSON body, so backends (and the re-index after a migration) need no C++ type.
// Members whose name ends in "_markdown" are indexed and shown as plain text (markdown_to_text).
// Optional: `number`, the member holding the record's document number; `cited_ids`, an array of
// legal document ids it cites; `relations`, an array of {target, number} objects naming
// documents (the search puts a document's citers right after it).
struct search_fields {
  std::string_view title;
  std::span<const std::string_view> text;
  std::string_view number = {};
  std::string_view cited_ids = {};
  std::string_view relations = {};
};

// How a type is stored: `kind`, `index(v, record&)` filling the filter and sort columns,
// optionally `search` (a searchable kind) and `on_archive(v&)` (what archiving changes in it).
template <class T>
struct entity_traits;

template <class T>
concept stored_entity = requires(const T& v, record& r) {
  { entity_traits<T>::kind } -> std::convertible_to<std::string_view>;
  entity_traits<T>::index(v, r);
  { v.id.value } -> std::convertible_to<std::string>;
  { v.version } -> std::convertible_to<std::uint64_t>;
};

template <class T>
concept searchable_entity = stored_entity<T> && requires {
  { entity_traits<T>::search } -> std::convertible_to<search_fields>;
};

namespace detail {
inline std::string ts_key(timestamp t) { return format_timestamp_utc(t); }
inline std::string day_of(timestamp t) { return format_date(local_date(t)); }
}  // namespace detail

template <>
struct entity_traits<unit> {
  static constexpr std::string_view kind = "unit";
  static void index(const unit& u, record& r) {
    r.unit = u.id.value;
    r.parent = u.parent ? u.parent->value : std::string();
    r.sub_kind = std::string(to_string(u.kind));
    r.sort_key = text::fold(u.name).value_or(u.name);
  }
};

template <>
struct entity_traits<account> {
  static constexpr std::string_view kind = "account";
  static void index(const account& a, record& r) {
    r.sort_key = a.username;
    r.state = a.disabled ? "disabled" : "active";
    if (!a.grants.empty()) r.unit = a.grants.front().unit.value;
  }
};

template <>
struct entity_traits<legal_document> {
  static constexpr std::string_view kind = "legal_document";
  static constexpr std::string_view search_text[] = {"number", "summary", "body_markdown", "issuer"};
  static constexpr search_fields search{"title", search_text, "number", {}, "relations"};
  static void index(const legal_document& d, record& r) {
    r.unit = d.unit ? d.unit->value : std::string();
    r.state = std::string(to_string(d.state));
    r.doc_type = d.type_code;
    r.doc_level = std::string(to_string(d.level));
    r.doc_status = d.status ? std::string(to_string(*d.status)) : std::string();  // none: administrative
    r.fields = d.fields;
    r.sort_key = format_date(d.issued_on) + detail::ts_key(d.created_at);
    r.day = format_date(d.issued_on);
  }
  static void on_archive(legal_document& d) { d.state = article_state::archived; }
};

template <>
struct entity_traits<media_asset> {
  static constexpr std::string_view kind = "media_asset";
  static void index(const media_asset& m, record& r) {
    r.unit = m.unit.value;
    r.sub_kind = std::string(to_string(m.type));
    if (m.created_at) {
      r.sort_key = detail::ts_key(*m.created_at);
      r.day = detail::day_of(*m.created_at);
    }
  }
};

template <>
struct entity_traits<article> {
  static constexpr std::string_view kind = "article";
  static constexpr std::string_view search_text[] = {"summary", "body_markdown"};
  static constexpr search_fields search{"title", search_text, {}, "documents"};
  static void index(const article& a, record& r) {
    auto t = a.published_at.value_or(a.created_at);
    r.unit = a.unit.value;
    r.sub_kind = std::string(to_string(a.kind));
    r.category = a.category;
    r.state = std::string(to_string(a.state));
    r.sort_key = detail::ts_key(t);
    r.day = detail::day_of(t);
  }
  static void on_archive(article& a) { a.state = article_state::archived; }
};

template <>
struct entity_traits<publication> {
  static constexpr std::string_view kind = "publication";
  static constexpr std::string_view search_text[] = {"summary"};
  static constexpr search_fields search{"title", search_text};
  static void index(const publication& p, record& r) {
    r.unit = p.unit.value;
    r.sub_kind = std::string(to_string(p.kind));
    r.state = std::string(to_string(p.state));
    if (p.published_at) {
      r.sort_key = detail::ts_key(*p.published_at);
      r.day = detail::day_of(*p.published_at);
    }
  }
  static void on_archive(publication& p) { p.state = article_state::archived; }
};

template <>
struct entity_traits<question> {
  static constexpr std::string_view kind = "question";
  static constexpr std::string_view search_text[] = {"body", "answer_markdown"};
  static constexpr search_fields search{"title", search_text};
  static void index(const question& q, record& r) {
    r.unit = q.unit.value;
    // Questions have no sub-kind: the column holds the hash of the asker's follow token, so the
    // follow page finds its question by filter (kind=<hash>) among its unit's, not by reading all.
    r.sub_kind = q.follow_hash.value_or(std::string());
    r.category = q.category;
    r.state = std::string(to_string(q.state));
    r.sort_key = detail::ts_key(q.asked_at);
    r.day = detail::day_of(q.asked_at);
  }
};

template <>
struct entity_traits<dialogue_session> {
  static constexpr std::string_view kind = "dialogue_session";
  static void index(const dialogue_session& d, record& r) {
    r.unit = d.unit.value;
    r.state = std::string(to_string(d.state));
    r.sort_key = detail::ts_key(d.starts_at);
    r.day = detail::day_of(d.starts_at);
  }
};

// Credentials and tokens (model/credential.hpp): found by id (an account's id; a token's hash)
// or listed per account (`unit` holds the subject, so "the sessions of account A" is indexed).
template <>
struct entity_traits<credential> {
  static constexpr std::string_view kind = "credential";
  static void index(const credential& c, record& r) { r.unit = c.id.value; }
};

template <>
struct entity_traits<access_token> {
  static constexpr std::string_view kind = "access_token";
  static void index(const access_token& k, record& r) {
    r.unit = k.subject.value;
    r.sub_kind = std::string(to_string(k.kind));
    r.state = k.revoked_at ? "revoked" : "live";
    r.sort_key = detail::ts_key(k.created_at);
  }
};

// Approvals kept with the content they approve: `category` holds the content's id, so "the
// approvals of article A, newest first" is one indexed list (filter::category).
template <>
struct entity_traits<approval_record> {
  static constexpr std::string_view kind = "approval_record";
  static void index(const approval_record& a, record& r) {
    r.unit = a.approver_unit.value;
    r.category = a.content_id;
    r.sub_kind = std::string(to_string(a.use));
    r.sort_key = detail::ts_key(a.valid_from) + ":" + std::to_string(a.sequence + 100000000000000000ull);
  }
};

// A unit's own banner (network/banner_kit.hpp): the image its pages show to link the city portal,
// filed under the unit that uploaded it (`owner`); a banner of no unit is filed under none.
template <>
struct entity_traits<banner> {
  static constexpr std::string_view kind = "banner";
  static void index(const banner& b, record& r) {
    r.unit = b.owner ? b.owner->value : std::string();
    r.sort_key = b.id.value;
  }
};

template <>
struct entity_traits<webhook> {
  static constexpr std::string_view kind = "webhook";
  static void index(const webhook& w, record& r) {
    r.unit = w.unit.value;
    r.state = w.active ? "active" : "inactive";
    r.sort_key = detail::ts_key(w.created_at);
    r.day = detail::day_of(w.created_at);
  }
};

// A delivery's place in the one (kind, sort_key, id) index serves both of its queries as a range
// scan: a pending one sorts by when it is due ("due <next_attempt_at>": "pending deliveries due by
// t"), a finished one by its webhook and age ("log <webhook> <created_at>": "the deliveries of
// webhook W, newest first"); network/webhooks.hpp reads both ranges.
namespace detail {
inline std::string delivery_due_key(timestamp t) { return "due " + ts_key(t); }
inline std::string delivery_log_prefix(std::string_view webhook) { return "log " + std::string(webhook) + " "; }
}  // namespace detail

template <>
struct entity_traits<webhook_delivery> {
  static constexpr std::string_view kind = "webhook_delivery";
  static void index(const webhook_delivery& d, record& r) {
    r.unit = d.unit.value;
    r.parent = d.webhook.value;
    r.category = d.event;
    r.state = std::string(to_string(d.state));
    r.sort_key = d.state == delivery_state::pending ? detail::delivery_due_key(d.next_attempt_at)
                                                    : detail::delivery_log_prefix(d.webhook.value) + detail::ts_key(d.created_at);
    r.day = detail::day_of(d.created_at);
  }
};

// One school's result in a compliance run: listed by run (category: filters have no parent), by
// school (unit), by whether it complied (state), in the order the run checked them.
template <>
struct entity_traits<compliance_check> {
  static constexpr std::string_view kind = "compliance_check";
  static void index(const compliance_check& c, record& r) {
    r.unit = c.unit.value;
    r.parent = c.run.value;
    r.category = c.run.value;
    r.state = c.compliant ? "compliant" : "not_compliant";
    r.sort_key = detail::ts_key(c.checked_at);
    r.day = detail::day_of(c.checked_at);
  }
};

// A compliance run: listed by the unit whose schools it crawled, oldest first (the trend).
template <>
struct entity_traits<compliance_run> {
  static constexpr std::string_view kind = "compliance_run";
  static void index(const compliance_run& c, record& r) {
    r.unit = c.unit.value;
    r.category = c.trigger;
    r.state = c.finished_at ? "finished" : "running";
    r.sort_key = detail::ts_key(c.started_at);
    r.day = detail::day_of(c.started_at);
  }
};

// A school's feed as a unit's aggregator follows it.
template <>
struct entity_traits<feed_subscription> {
  static constexpr std::string_view kind = "feed_subscription";
  static void index(const feed_subscription& s, record& r) {
    r.unit = s.unit.value;
    r.state = s.active ? "active" : "inactive";
    r.sort_key = detail::ts_key(s.created_at);
  }
};

// An entry read from a school's feed: listed per unit newest first (sort_key), found by its
// link for deduplication (`category` holds the link: filter::category).
template <>
struct entity_traits<aggregated_entry> {
  static constexpr std::string_view kind = "aggregated_entry";
  static void index(const aggregated_entry& e, record& r) {
    r.unit = e.unit.value;
    r.parent = e.subscription.value;
    r.category = e.link;
    r.sort_key = detail::ts_key(e.sort_at);
    r.day = detail::day_of(e.sort_at);
  }
};

// The syndication delivery log (model/syndication.hpp): a unit's pushes, newest first.
template <>
struct entity_traits<syndication_push> {
  static constexpr std::string_view kind = "syndication_push";
  static void index(const syndication_push& p, record& r) {
    r.unit = p.unit.value;
    r.state = std::string(to_string(p.state));
    r.sort_key = detail::ts_key(p.created_at);
    r.day = detail::day_of(p.created_at);
  }
};

// Signage (model/signage.hpp). Filters have no parent field, so a group's parent, a display's
// group and a schedule entry's group sit in `category` (filter::category) and a schedule entry's
// playlist in `sub_kind` (filter::kind): "the displays of group G", "the entries naming playlist P"
// are indexed lists. None is searched: names of screens and playlists are not public content.
template <>
struct entity_traits<display_group> {
  static constexpr std::string_view kind = "display_group";
  static void index(const display_group& g, record& r) {
    r.unit = g.unit.value;
    r.category = g.parent ? g.parent->value : std::string();
    r.sort_key = text::fold(g.name).value_or(g.name);
  }
};

template <>
struct entity_traits<display> {
  static constexpr std::string_view kind = "display";
  static void index(const display& d, record& r) {
    r.unit = d.unit.value;
    r.category = d.group ? d.group->value : std::string();
    r.state = d.enabled ? "enabled" : "disabled";
    r.sort_key = text::fold(d.name).value_or(d.name);
  }
};

template <>
struct entity_traits<layout> {
  static constexpr std::string_view kind = "layout";
  static void index(const layout& l, record& r) { r.sort_key = l.id.value; }
};

template <>
struct entity_traits<playlist> {
  static constexpr std::string_view kind = "playlist";
  static void index(const playlist& p, record& r) {
    r.unit = p.unit.value;
    r.sort_key = text::fold(p.name).value_or(p.name);
  }
};

template <>
struct entity_traits<schedule_entry> {
  static constexpr std::string_view kind = "schedule_entry";
  static void index(const schedule_entry& e, record& r) {
    r.category = e.group.value;
    r.sub_kind = e.playlist.value;
    r.state = e.emergency ? "emergency" : e.fallback ? "fallback" : "scheduled";
    r.sort_key = format_date(e.valid_from) + " " + e.start_time;
    r.day = format_date(e.valid_from);
  }
};

// A device's enrolment (model/signage_ops.hpp): found by its key id; listed by state, oldest
// first (pending ones expire and are capped), by the display it is bound to (`category`), and by
// the code the administrator types (`sub_kind`: filter::kind), so authorising is one indexed read.
template <>
struct entity_traits<display_enrolment> {
  static constexpr std::string_view kind = "display_enrolment";
  static void index(const display_enrolment& e, record& r) {
    r.category = e.display ? e.display->value : std::string();
    r.state = std::string(to_string(e.state));
    r.sub_kind = e.code;
    r.sort_key = detail::ts_key(e.created_at);
    r.day = detail::day_of(e.created_at);
  }
};

// A verified play: listed by unit, by display (`category`), by media (`sub_kind`: filter::kind)
// and by the local day it started (from/to), in the order they started.
template <>
struct entity_traits<play_record> {
  static constexpr std::string_view kind = "play_record";
  static void index(const play_record& p, record& r) {
    r.unit = p.unit.value;
    r.category = p.display.value;
    r.sub_kind = p.media;
    r.state = p.player;
    r.sort_key = detail::ts_key(p.start);
    r.day = detail::day_of(p.start);
  }
};

// A display's latest heartbeat: listed by unit, by status (`state`), most recently seen first.
template <>
struct entity_traits<display_status> {
  static constexpr std::string_view kind = "display_status";
  static void index(const display_status& s, record& r) {
    r.unit = s.unit.value;
    r.state = s.status;
    r.sort_key = detail::ts_key(s.last_seen);
    r.day = detail::day_of(s.last_seen);
  }
};

// A browser kiosk's link (model/kiosk.hpp), under its display's unit: `category` holds the display
// ("the links of display D" is one indexed list), `state` live or revoked.
template <>
struct entity_traits<kiosk_link> {
  static constexpr std::string_view kind = "kiosk_link";
  static void index(const kiosk_link& k, record& r) {
    r.unit = k.unit.value;
    r.category = k.display.value;
    r.state = k.revoked_at ? "revoked" : "live";
    r.sort_key = detail::ts_key(k.created_at);
  }
};

// Yearly reporting (issue 17). A template under the unit that collects, its editions of one form
// by `category` (family) and in edition order; a period by template (`category`), round
// (`sub_kind`) and open/locked; a submission by unit, period (`category`), template (`sub_kind`)
// and state, so "the reports of period P" and "unit U's report for P" are indexed reads.
template <>
struct entity_traits<report_template> {
  static constexpr std::string_view kind = "report_template";
  static void index(const report_template& t, record& r) {
    r.unit = t.owner.value;
    r.category = t.family.empty() ? t.id.value : t.family;
    auto e = std::to_string(t.edition);
    r.sort_key = std::string(10 - std::min<std::size_t>(10, e.size()), '0') + e;
  }
};

template <>
struct entity_traits<report_period> {
  static constexpr std::string_view kind = "report_period";
  static void index(const report_period& p, record& r) {
    r.category = p.template_id.value;
    r.sub_kind = std::string(to_string(p.round));
    r.state = p.locked_at ? "locked" : "open";
    r.sort_key = std::to_string(p.calendar_year) + (p.round == report_round::first ? "-1" : "-2");
    r.day = format_date(p.due_on);
  }
};

template <>
struct entity_traits<report_submission> {
  static constexpr std::string_view kind = "report_submission";
  static void index(const report_submission& s, record& r) {
    r.unit = s.unit.value;
    r.category = s.period_id.value;
    r.sub_kind = s.template_id.value;
    r.state = std::string(to_string(s.state));
    if (s.submitted_at) {
      r.sort_key = detail::ts_key(*s.submitted_at);
      r.day = detail::day_of(*s.submitted_at);
    }
  }
};

template <>
struct entity_traits<report_reminder> {
  static constexpr std::string_view kind = "report_reminder";
  static void index(const report_reminder& x, record& r) {
    r.unit = x.unit.value;
    r.category = x.period.value;
    r.sort_key = detail::ts_key(x.sent_at);
    r.day = detail::day_of(x.sent_at);
  }
};

// Training (plan task 6): courses by the unit that runs or sends staff to them, by mode, in the
// order they start; attendance by unit, course (`category`) and status (`sub_kind`).
template <>
struct entity_traits<training_course> {
  static constexpr std::string_view kind = "training_course";
  static void index(const training_course& c, record& r) {
    r.unit = c.unit.value;
    r.sub_kind = std::string(to_string(c.mode));
    r.sort_key = format_date(c.starts_on);
    r.day = format_date(c.starts_on);
  }
};

template <>
struct entity_traits<attendance> {
  static constexpr std::string_view kind = "attendance";
  static void index(const attendance& a, record& r) {
    r.unit = a.unit.value;
    r.category = a.course.value;
    r.sub_kind = std::string(to_string(a.status));
    if (a.completed_on) {
      r.sort_key = format_date(*a.completed_on);
      r.day = format_date(*a.completed_on);
    }
  }
};

// A unit's channels (plan task 5) by kind and active state, and the posts made on them by
// channel (`category`) in the order they were posted.
template <>
struct entity_traits<channel> {
  static constexpr std::string_view kind = "channel";
  static void index(const channel& c, record& r) {
    r.unit = c.unit.value;
    r.sub_kind = std::string(to_string(c.kind));
    r.state = c.active ? "active" : "inactive";
  }
};

template <>
struct entity_traits<channel_post> {
  static constexpr std::string_view kind = "channel_post";
  static void index(const channel_post& p, record& r) {
    r.unit = p.unit.value;
    r.category = p.channel.value;
    r.sort_key = detail::ts_key(p.posted_at);
    r.day = detail::day_of(p.posted_at);
  }
};

// Every stored kind, in the order an import creates them: kinds others refer to come first
// (units before the articles that name them). A macro, X(type) per kind, so that the compiled
// mode can also instantiate each kind's decoding once in the library (store.hpp).
#define PBGDPL_STORE_KINDS(X) \
  X(unit) X(account) X(legal_document) X(media_asset) X(article) X(publication) X(question) X(dialogue_session) \
  X(credential) X(access_token) X(approval_record) X(webhook) X(webhook_delivery) X(banner) \
  X(compliance_run) X(compliance_check) X(feed_subscription) X(aggregated_entry) X(syndication_push) \
  X(display_group) X(display) X(layout) X(playlist) X(schedule_entry) \
  X(display_enrolment) X(play_record) X(display_status) X(kiosk_link) \
  X(report_template) X(report_period) X(report_submission) X(report_reminder) \
  X(training_course) X(attendance) X(channel) X(channel_post)

template <class... T>
struct kind_list {};

namespace detail {
template <class L>
struct without_first;
template <class First, class... T>
struct without_first<kind_list<First, T...>> {
  using type = kind_list<T...>;
};
}  // namespace detail

// The same list as types: stored_kinds = kind_list<unit, account, ...>.
#define PBGDPL_STORE_KIND_ARG(T) , T
using stored_kinds = detail::without_first<kind_list<void PBGDPL_STORE_KINDS(PBGDPL_STORE_KIND_ARG)>>::type;
#undef PBGDPL_STORE_KIND_ARG

// Calls f(std::type_identity<T>{}) for each stored kind in registry order while f returns true;
// returns whether every call did.
template <class F>
bool for_each_stored_kind(F&& f) {
  return [&]<class... T>(kind_list<T...>) { return (f(std::type_identity<T>{}) && ...); }(stored_kinds{});
}

// The registry at run time, for code that has a kind name and no type (backends, the portal's
// routes, tools).
struct kind_info {
  std::string_view kind;
  const search_fields* search = nullptr;  // nullptr: the kind is not searched
};

// Every stored kind, in registry order.
const std::vector<kind_info>& stored_kind_infos();
// nullptr when `kind` is not a stored kind.
const kind_info* find_kind(std::string_view kind);
// The search fields of a kind; nullptr when it is not searched (or not a kind).
const search_fields* searchable_fields(std::string_view kind);
// The searchable kinds, in registry order: what a search with no kinds searches.
const std::vector<std::string>& searchable_kinds();

// Refuses (errc::invalid_argument, /kinds) a kind that is not searchable.
result<void> check_searchable(const std::vector<std::string>& kinds);

// Fills a record's searchable/title/text from its kind's search fields and its JSON body.
void fill_search_text(record& r);

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/kinds.ipp"
#endif
