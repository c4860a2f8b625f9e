// Definitions for network/aggregator.hpp (inline in header-only mode, compiled once from
// src/network/aggregator.cpp).
#pragma once
#include "../aggregator.hpp"

#include "../../core/escape.hpp"
#include "../../core/text.hpp"
#include "../../trust/hash.hpp"
#include "../../trust/hmac.hpp"
#include "../sanitize.hpp"
#include "../url.hpp"

#include <gumbo.h>

#include <algorithm>
#include <map>

PBGDPL_NAMESPACE_BEGIN
namespace network {

PBGDPL_DECL std::string_view to_string(feed_result r) noexcept {
  switch (r) {
    case feed_result::updated: return "updated";
    case feed_result::not_modified: return "not_modified";
    case feed_result::failed: return "failed";
    case feed_result::waiting: return "waiting";
  }
  return "?";
}

PBGDPL_DECL std::chrono::seconds backoff_after(const feed_backoff& b, unsigned failures) {
  if (failures == 0) return std::chrono::seconds(0);
  auto d = static_cast<double>(b.first.count());
  const auto cap = static_cast<double>(b.max_delay.count());
  for (unsigned i = 1; i < failures && d < cap; ++i) d *= std::max(1u, b.factor);
  return std::chrono::seconds(static_cast<std::int64_t>(std::min(d, cap)));
}

namespace detail::aggr {

// One line of short text: controls become spaces, cut at a UTF-8 boundary.
inline std::string line(std::string_view s, std::size_t max = 900) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') ? ' ' : c;
  if (out.size() > max) {
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
    out.resize(n);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

inline std::string hashed_id(std::string_view a, std::string_view b) {
  std::string s(a);
  s += '\x1f';
  s += b;
  return trust::to_hex(trust::sha256(s)).substr(0, 32);
}

inline timestamp clock_now(const aggregator_options& o) { return o.now ? o.now() : pbgdpl::now(); }

inline bool is_feed_type(std::string_view t) {
  auto l = text::lower(t).value_or("");
  return l == "application/atom+xml" || l == "application/rss+xml" || l == "application/feed+json" ||
         l == "application/json" || l == "application/rdf+xml" || l == "application/xml" || l == "text/xml";
}

inline std::string http_error(const fetch_response& r) {
  if (!r.ok()) return r.error_en.empty() ? std::string(fetch_failure_name(r.failure)) : r.error_en;
  return "HTTP " + std::to_string(r.status);
}

}  // namespace detail::aggr

PBGDPL_DECL std::string discover_feed_url(std::string_view html, std::string_view page_url) {
  // The <link> elements stand in the head: the body is not parsed (nor its nesting paid for).
  auto in = html.substr(0, std::min<std::size_t>(html.size(), 2u * 1024u * 1024u));
  for (std::size_t i = in.find('<'); i != std::string_view::npos; i = in.find('<', i + 1))
    if (i + 5 <= in.size() && (in[i + 1] == 'b' || in[i + 1] == 'B') && text::lower(in.substr(i + 1, 4)).value_or("") == "body") {
      in = in.substr(0, i);
      break;
    }
  if (!html_parse_is_cheap(in)) return {};
  auto destroy = [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); };
  std::unique_ptr<GumboOutput, decltype(destroy)> doc(gumbo_parse_with_options(&kGumboDefaultOptions, in.data(), in.size()),
                                                      destroy);
  if (!doc || !doc->root) return {};
  // Iterative walk; <link> may stand in head or (broken pages) in body.
  std::vector<const GumboNode*> st{doc->root};
  while (!st.empty()) {
    auto* n = st.back();
    st.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    const auto& el = n->v.element;
    if (el.tag == GUMBO_TAG_LINK) {
      auto* rel = gumbo_get_attribute(&el.attributes, "rel");
      auto* type = gumbo_get_attribute(&el.attributes, "type");
      auto* href = gumbo_get_attribute(&el.attributes, "href");
      if (rel && type && href && text::lower(rel->value).value_or("").find("alternate") != std::string::npos &&
          detail::aggr::is_feed_type(type->value)) {
        auto base = parse_url(page_url);
        if (base)
          if (auto u = resolve(*base, href->value)) return u->str();
        if (auto u = parse_url(href->value)) return u->str();
      }
      continue;
    }
    for (unsigned i = el.children.length; i > 0; --i) st.push_back(static_cast<const GumboNode*>(el.children.data[i - 1]));
  }
  return {};
}

namespace detail::aggr {

inline result<std::vector<feed_subscription>> all_subscriptions(store::store& db) {
  std::vector<feed_subscription> out;
  store::list_query q;
  q.limit = 100;
  q.oldest_first = true;
  for (int pages = 0; pages < 10000; ++pages) {
    auto p = db.list<feed_subscription>(q);
    if (!p) return p.err();
    for (auto& s : p->items) out.push_back(std::move(s));
    if (p->next_cursor.empty()) break;
    q.cursor = p->next_cursor;
  }
  return out;
}

}  // namespace detail::aggr

PBGDPL_DECL result<std::vector<feed_subscription>> subscriptions_under(store::store& db, const unit_id& root, timestamp now) {
  auto tree = db.hierarchy_at(local_date(now));
  if (!tree) return tree.err();
  auto all = detail::aggr::all_subscriptions(db);
  if (!all) return all.err();
  std::vector<feed_subscription> out;
  for (auto& s : *all)
    if (tree->within(s.unit, root)) out.push_back(std::move(s));
  return out;
}

PBGDPL_DECL result<feed_subscription> subscribe(store::store& db, const unit_id& school, std::string url,
                                                const aggregator_options& opt) {
  auto u = parse_url(url);
  if (!u)
    return error(errc::invalid_argument, "/url", "Địa chỉ nguồn tin phải là URL http(s) đầy đủ",
                 "The feed URL must be an absolute http(s) URL");
  if (!db.get<unit>(school.value)) return store::not_found_error("unit", school.value);
  auto all = detail::aggr::all_subscriptions(db);
  if (!all) return all.err();
  for (auto& s : *all)
    if (s.unit == school) {
      if (s.url == u->str() && !s.discovered && s.active) return s;
      s.url = u->str();
      s.discovered = false;
      s.active = true;
      s.last_error.clear();
      s.etag.clear();
      s.last_modified.clear();
      s.failures = 0;
      s.next_attempt_at = detail::aggr::clock_now(opt);
      return db.update(std::move(s), opt.actor);
    }
  feed_subscription s;
  s.id = feed_subscription_id{detail::aggr::hashed_id("subscription", school.value)};
  s.unit = school;
  s.url = u->str();
  s.created_at = detail::aggr::clock_now(opt);
  s.next_attempt_at = s.created_at;
  return db.create(std::move(s), opt.actor);
}

namespace detail::aggr {

// Schools under root with a website and no subscription: their home page is read for a <link
// rel=alternate>. A site without one (or that does not answer) is noted as an inactive
// subscription to the site itself, and looked at again only after the backoff's longest wait.
inline std::size_t discover(store::store& db, const unit_directory& tree, const unit_id& root,
                            const std::vector<feed_subscription>& known, const aggregator_options& opt) {
  const auto now = clock_now(opt);
  std::map<std::string, const feed_subscription*> have;
  for (const auto& s : known) have[s.unit.value] = &s;
  std::size_t found = 0;
  for (const auto& u : tree.subtree(root.value)) {
    if (u.id == root || u.website.empty() || tree.ended(u.id.value)) continue;
    if (auto it = have.find(u.id.value); it != have.end() && (it->second->active || it->second->next_attempt_at > now)) continue;
    auto site = parse_url(u.website);
    if (!site) continue;
    auto get = opt.get ? opt.get : fetcher([](std::string_view x, const header_list& h, const fetch_options& o) {
      return network::fetch(x, h, o);
    });
    auto r = get(site->str(), {}, opt.fetch);
    std::string feed_url;
    if (r.ok() && r.status == 200) feed_url = discover_feed_url(r.body, r.url.empty() ? site->str() : r.url);
    if (!feed_url.empty()) {
      auto s = subscribe(db, u.id, feed_url, opt);
      if (!s) continue;
      s->discovered = true;
      if (db.update(std::move(*s), opt.actor)) ++found;
      continue;
    }
    // Nothing found: remembered, so the next rounds do not read the site again.
    feed_subscription s;
    if (auto it = have.find(u.id.value); it != have.end()) s = *it->second;
    else {
      s.id = feed_subscription_id{hashed_id("subscription", u.id.value)};
      s.unit = u.id;
      s.created_at = now;
    }
    s.url = site->str();
    s.discovered = true;
    s.active = false;
    s.failures += 1;
    s.last_attempt_at = now;
    s.last_status = r.status;
    s.last_error = line(r.ok() && r.status == 200 ? "no <link rel=alternate> to a feed on the site" : http_error(r));
    s.next_attempt_at = now + opt.backoff.max_delay;
    if (s.version == 0) (void)db.create(std::move(s), opt.actor);
    else (void)db.update(std::move(s), opt.actor);
  }
  return found;
}

// The school's stored entries by link (record::category holds it): read once per changed feed,
// ids and index columns only, so matching N entries by link costs one pass over the school's
// entries, not one scan per entry.
inline result<std::map<std::string, std::string>> ids_by_link(store::store& db, const unit_id& school) {
  std::map<std::string, std::string> out;
  store::list_query q;
  q.limit = 100;
  q.bodies = false;
  q.where.unit = school.value;
  q.where.include_descendants = false;
  for (;;) {
    auto p = db.list_records(store::entity_traits<aggregated_entry>::kind, q);
    if (!p) return p.err();
    for (const auto& r : p->items)
      if (!r.category.empty()) out.emplace(r.category, r.id);
    if (p->next_cursor.empty()) break;
    q.cursor = p->next_cursor;
  }
  return out;
}

// The stored entry one read entry is (by id, then by link), or nothing.
inline std::optional<aggregated_entry> existing(store::store& db, const std::map<std::string, std::string>& by_link,
                                                const aggregated_entry_id& id, const std::string& link) {
  if (auto e = db.get<aggregated_entry>(id.value)) return std::move(*e);
  if (link.empty()) return std::nullopt;
  auto it = by_link.find(link);
  if (it == by_link.end()) return std::nullopt;
  if (auto e = db.get<aggregated_entry>(it->second)) return std::move(*e);
  return std::nullopt;
}

inline bool same_content(const aggregated_entry& a, const aggregated_entry& b) {
  return a.title == b.title && a.link == b.link && a.summary_html == b.summary_html && a.content_html == b.content_html &&
         a.authors == b.authors && a.published == b.published && a.updated == b.updated && a.source_id == b.source_id &&
         a.source_title == b.source_title && a.source_link == b.source_link && a.source_url == b.source_url;
}

// A read feed's entries as they would be stored (sanitised, clipped): done before any lock is
// taken, since sanitising is the costly part.
inline std::vector<aggregated_entry> prepare_entries(const feed_subscription& s, const feed& f, const aggregator_options& opt) {
  std::vector<aggregated_entry> out;
  std::set<std::string> seen_ids, seen_links;
  for (const auto& e : f.entries) {
    if (out.size() >= opt.max_entries_per_feed) break;
    auto link = line(e.link);
    auto eid = line(e.id);
    if (eid.empty() && link.empty()) continue;
    // The same entry twice in one document: the first one counts.
    if (!eid.empty() && !seen_ids.insert(eid).second) continue;
    if (!link.empty() && !seen_links.insert(link).second) continue;
    aggregated_entry v;
    v.id = aggregated_entry_id{hashed_id(s.id.value, eid.empty() ? "link:" + link : "id:" + eid)};
    v.unit = s.unit;
    v.subscription = s.id;
    v.entry_id = eid;
    v.link = link;
    v.title = line(e.title);
    sanitize_options so;
    so.base_url = !link.empty() ? link : !f.link.empty() ? f.link : s.url;
    so.images = false;  // no third-party images on our pages (sanitize.hpp)
    v.summary_html = sanitize_html(e.summary_html, so);
    v.content_html = sanitize_html(e.content_html, so);
    for (const auto& a : e.authors)
      if (auto t = line(a, 200); !t.empty() && v.authors.size() < 10) v.authors.push_back(t);
    // A feed's dates are claims: one before 2000 or more than a day ahead is dropped (the entry
    // then sorts by when it was first read). Year 0001 is some feeds' "no date", and a year past
    // 9999 in Hà Nội time would be stored in a form the store cannot read back; a date far ahead
    // would pin the school's entry on top of every list.
    auto plausible = [&opt](std::optional<timestamp> t) -> std::optional<timestamp> {
      static const timestamp floor = local_midnight(date{std::chrono::year{2000}, std::chrono::January, std::chrono::day{1}});
      const auto now = opt.now ? opt.now() : pbgdpl::now();
      if (!t || *t < floor || *t > now + std::chrono::hours(24)) return std::nullopt;
      return t;
    };
    v.published = plausible(e.published);
    v.updated = plausible(e.updated);
    v.source_id = line(f.id);
    v.source_title = line(f.title);
    v.source_link = line(f.link);
    v.source_url = line(s.url);
    out.push_back(std::move(v));
  }
  return out;
}

// The prepared entries into the store, one transaction per feed (one commit, not one per entry:
// 5,000 entries took 25 s on SQLite with a commit each); counts what was added and changed.
inline result<void> store_entries(store::store& db, feed_subscription& s, std::vector<aggregated_entry> entries,
                                  const aggregator_options& opt, timestamp now, feed_outcome& out) {
  std::size_t added = 0, changed = 0;
  auto w = db.transaction([&]() -> result<void> {
    added = changed = 0;
    auto by_link = ids_by_link(db, s.unit);
    if (!by_link) return by_link.err();
    for (auto& v : entries) {
      auto old = existing(db, *by_link, v.id, v.link);
      if (old) {
        v.id = old->id;
        v.version = old->version;
        v.created_at = old->created_at;
        v.sort_at = v.published.value_or(v.updated.value_or(old->sort_at));
        v.updated_at = old->updated_at;
        if (same_content(*old, v) && v.sort_at == old->sort_at) continue;
        v.updated_at = now;
        auto u = db.update(std::move(v), opt.actor);
        if (!u) return u.err();
        ++changed;
      } else {
        v.created_at = now;
        v.updated_at = now;
        v.sort_at = v.published.value_or(v.updated.value_or(now));
        const auto link = v.link, id = v.id.value;
        auto c = db.create(std::move(v), opt.actor);
        if (c && !link.empty()) by_link->emplace(link, id);
        if (!c) {
          if (c.err().code == errc::conflict || c.err().code == errc::already_exists) continue;  // another reader won
          return c.err();
        }
        ++added;
      }
    }
    // At most keep_per_school entries per school, the newest: a feed that makes up new ids at
    // every read would otherwise grow the store and the news lists without end (red team).
    if (added && opt.keep_per_school) {
      store::list_query q;
      q.limit = 100;
      q.bodies = false;
      q.where.unit = s.unit.value;
      q.where.include_descendants = false;
      std::size_t seen = 0;
      std::vector<std::pair<std::string, std::uint64_t>> drop;
      for (;;) {
        auto p = db.list_records(store::entity_traits<aggregated_entry>::kind, q);
        if (!p) return p.err();
        for (const auto& r : p->items)
          if (++seen > opt.keep_per_school) drop.emplace_back(r.id, r.version);
        if (p->next_cursor.empty()) break;
        q.cursor = p->next_cursor;
      }
      for (const auto& [id, version] : drop)
        if (auto r = db.remove<aggregated_entry>(id, version, opt.actor); !r) return r.err();
    }
    return {};
  });
  if (!w) return w.err();
  out.added += added;
  out.changed += changed;
  s.entries += static_cast<std::uint32_t>(added);
  return {};
}

// One feed: the conditional GET, the parse, the entries and the subscription's new state.
inline feed_outcome refresh_one(store::store& db, feed_subscription s, const aggregator_options& opt, std::mutex& write_mu) {
  feed_outcome out;
  out.subscription = s.id;
  out.unit = s.unit;
  out.url = s.url;
  const auto started = clock_now(opt);
  header_list h;
  if (!s.etag.empty()) h.emplace_back("If-None-Match", s.etag);
  if (!s.last_modified.empty()) h.emplace_back("If-Modified-Since", s.last_modified);
  h.emplace_back("Accept", "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5");
  auto get = opt.get ? opt.get : fetcher([](std::string_view x, const header_list& hh, const fetch_options& o) {
    return network::fetch(x, hh, o);
  });
  fetch_options fo = opt.fetch;
  fo.max_body_bytes = std::min(fo.max_body_bytes, opt.limits.max_bytes);
  auto r = get(s.url, h, fo);
  out.status = r.status;
  s.last_attempt_at = started;
  s.last_status = r.status;

  std::optional<feed> parsed;
  std::vector<aggregated_entry> prepared;
  std::string why;
  if (r.ok() && (r.status == 200 || r.status == 304)) {
    if (r.status == 200) {
      auto f = parse_feed(r.body, r.url.empty() ? std::string_view(s.url) : std::string_view(r.url), opt.limits);
      if (f) parsed = std::move(*f);
      else why = f.err().message_en;
    }
    if (parsed) prepared = prepare_entries(s, *parsed, opt);
  } else {
    why = http_error(r);
  }
  const auto now = clock_now(opt);
  std::lock_guard lock(write_mu);
  if (why.empty()) {
    // The validators of this answer replace the old ones: a 200 without an ETag has none any
    // more; a 304 that sends a new one (its Last-Modified unchanged) is believed.
    auto etag = std::string(r.header("ETag"));
    auto lm = std::string(r.header("Last-Modified"));
    if (r.status == 200) {
      s.etag = line(etag);
      s.last_modified = line(lm);
    } else {
      if (!etag.empty()) s.etag = line(etag);
      if (!lm.empty()) s.last_modified = line(lm);
    }
    if (parsed) {
      auto w = store_entries(db, s, std::move(prepared), opt, now, out);
      if (!w) {
        why = w.err().message_en;
      } else {
        s.feed_id = line(parsed->id);
        s.feed_title = line(parsed->title);
        s.feed_link = line(parsed->link);
      }
    }
  }
  if (why.empty()) {
    out.result = r.status == 304 ? feed_result::not_modified : feed_result::updated;
    s.failures = 0;
    s.last_error.clear();
    s.last_success_at = now;
    s.next_attempt_at = now + opt.interval;
  } else {
    out.result = feed_result::failed;
    out.error = why;
    s.failures += 1;
    s.last_error = line(why);
    s.next_attempt_at = now + backoff_after(opt.backoff, s.failures);
  }
  // The subscription as read now (another writer may have changed its URL meanwhile: then the
  // state read here is not its state, and is dropped).
  auto cur = db.get<feed_subscription>(s.id.value);
  if (cur && cur->url == s.url) {
    s.version = cur->version;
    s.active = cur->active;
    s.discovered = cur->discovered;
    (void)db.update(std::move(s), opt.actor);
  }
  return out;
}

}  // namespace detail::aggr

PBGDPL_DECL result<refresh_report> refresh(store::store& db, const unit_id& root, const aggregator_options& opt, bool force) {
  refresh_report rep;
  const auto now = detail::aggr::clock_now(opt);
  auto subs = subscriptions_under(db, root, now);
  if (!subs) return subs.err();
  if (opt.discover) {
    auto tree = db.hierarchy_at(local_date(now));
    if (!tree) return tree.err();
    rep.discovered = detail::aggr::discover(db, *tree, root, *subs, opt);
    if (rep.discovered) {
      subs = subscriptions_under(db, root, now);
      if (!subs) return subs.err();
    }
  }
  std::vector<feed_subscription> due;
  for (auto& s : *subs) {
    if (!s.active) continue;
    // A failing feed waits for its backoff; a healthy one is read once this reader's interval
    // has passed since the last attempt (whoever made it: the portal's timer or the tool).
    const bool due_now = s.failures > 0 ? s.next_attempt_at <= now
                                        : !s.last_attempt_at || *s.last_attempt_at + opt.interval <= now;
    if (!force && !due_now) {
      feed_outcome w;
      w.subscription = s.id;
      w.unit = s.unit;
      w.url = s.url;
      w.result = feed_result::waiting;
      w.error = s.last_error;
      rep.feeds.push_back(std::move(w));
      continue;
    }
    due.push_back(std::move(s));
  }
  // A few feeds at once: each worker takes the next due feed; one slow or failing feed holds
  // one worker for at most the fetch timeout.
  std::mutex mu, write_mu;
  std::size_t next = 0;
  std::vector<feed_outcome> outcomes(due.size());
  auto work = [&] {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard lock(mu);
        if (next >= due.size()) return;
        i = next++;
      }
      try {
        outcomes[i] = detail::aggr::refresh_one(db, due[i], opt, write_mu);
      } catch (const std::exception& e) {  // a bad feed never stops the others
        outcomes[i].subscription = due[i].id;
        outcomes[i].unit = due[i].unit;
        outcomes[i].url = due[i].url;
        outcomes[i].result = feed_result::failed;
        outcomes[i].error = e.what();
      }
    }
  };
  const auto n = std::min<std::size_t>(std::max(1u, opt.concurrency), due.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < n; ++i) threads.emplace_back(work);
  if (n > 0) work();
  for (auto& t : threads) t.join();
  for (auto& o : outcomes) rep.feeds.push_back(std::move(o));
  for (const auto& o : rep.feeds) {
    rep.added += o.added;
    rep.changed += o.changed;
    if (o.added || o.changed) rep.units_changed.insert(o.unit.value);
    switch (o.result) {
      case feed_result::failed: ++rep.failed; break;
      case feed_result::not_modified: ++rep.not_modified; break;
      case feed_result::waiting: ++rep.waiting; break;
      case feed_result::updated: break;
    }
  }
  return rep;
}

PBGDPL_DECL result<store::page<aggregated_entry>> entries_under(store::store& db, const unit_id& root, std::size_t limit,
                                                                const std::string& cursor) {
  store::list_query q;
  q.limit = std::clamp<std::size_t>(limit, 1, 100);
  q.cursor = cursor;
  q.where.unit = root.value;
  q.where.include_descendants = true;
  return db.list<aggregated_entry>(q);
}

PBGDPL_DECL std::string aggregated_atom(const std::vector<aggregated_entry>& entries, std::string_view id,
                                        std::string_view title, std::string_view self, std::string_view alternate,
                                        timestamp now) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n";
  auto el = [&](std::string_view name, std::string_view v, std::string_view indent) {
    x += indent;
    x += '<';
    x += name;
    x += '>';
    append_xml_escaped(x, v);
    x += "</";
    x += name;
    x += ">\n";
  };
  auto link = [&](std::string_view rel, std::string_view href, std::string_view indent) {
    if (href.empty()) return;
    x += indent;
    x += "<link rel=\"";
    x += rel;
    x += "\" href=\"";
    append_xml_escaped(x, href);
    x += "\"/>\n";
  };
  timestamp newest = entries.empty() ? now : timestamp{};
  for (const auto& e : entries) newest = std::max(newest, e.updated_at);
  el("id", id, "  ");
  el("title", title, "  ");
  el("updated", format_timestamp_utc(newest), "  ");
  link("self", self, "  ");
  link("alternate", alternate, "  ");
  x += "  <author><name>";
  append_xml_escaped(x, title);
  x += "</name></author>\n";
  for (const auto& e : entries) {
    x += "  <entry>\n";
    el("id", !e.entry_id.empty() ? std::string_view(e.entry_id) : std::string_view(e.link), "    ");
    el("title", e.title, "    ");
    link("alternate", e.link, "    ");
    if (e.published) el("published", format_timestamp_utc(*e.published), "    ");
    el("updated", format_timestamp_utc(e.updated.value_or(e.sort_at)), "    ");
    for (const auto& a : e.authors) {
      x += "    <author><name>";
      append_xml_escaped(x, a);
      x += "</name></author>\n";
    }
    if (!e.summary_html.empty()) {
      x += "    <summary type=\"html\">";
      append_xml_escaped(x, e.summary_html);
      x += "</summary>\n";
    }
    if (!e.content_html.empty()) {
      x += "    <content type=\"html\">";
      append_xml_escaped(x, e.content_html);
      x += "</content>\n";
    }
    // atom:source (RFC 4287 4.2.11): the school's feed as it named itself.
    x += "    <source>\n";
    el("id", e.source_id.empty() ? std::string_view(e.source_url) : std::string_view(e.source_id), "      ");
    if (!e.source_title.empty()) el("title", e.source_title, "      ");
    link("alternate", e.source_link, "      ");
    link("self", e.source_url, "      ");
    x += "    </source>\n  </entry>\n";
  }
  x += "</feed>\n";
  return x;
}

PBGDPL_DECL aggregator::aggregator(store::store& db, std::vector<unit_id> roots, aggregator_options opt)
    : db_(db), roots_(std::move(roots)), opt_(std::move(opt)) {}

PBGDPL_DECL aggregator::~aggregator() { stop(); }

PBGDPL_DECL refresh_report aggregator::run_once(bool force) {
  std::lock_guard run(run_mu_);
  refresh_report all;
  for (const auto& r : roots_) {
    auto rep = refresh(db_, r, opt_, force);
    if (!rep) continue;
    all.added += rep->added;
    all.changed += rep->changed;
    all.failed += rep->failed;
    all.not_modified += rep->not_modified;
    all.waiting += rep->waiting;
    all.discovered += rep->discovered;
    all.units_changed.insert(rep->units_changed.begin(), rep->units_changed.end());
    for (auto& f : rep->feeds) all.feeds.push_back(std::move(f));
  }
  if (on_refreshed) on_refreshed(all);
  return all;
}

PBGDPL_DECL void aggregator::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    // Each round reads only what is due, so waking once a minute costs one list of the
    // subscriptions; a feed's own interval and backoff say when it is read.
    const auto tick = std::min<std::chrono::seconds>(opt_.interval, std::chrono::seconds(60));
    for (;;) {
      run_once(false);
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, tick, [this] { return stopping_; })) return;
    }
  });
}

PBGDPL_DECL void aggregator::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace network
PBGDPL_NAMESPACE_END
