// Bodies of store/memory.hpp: compiled once into the store tier (src/store/memory.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../memory.hpp"

#include <algorithm>
#include <tuple>

PBGDPL_NAMESPACE_BEGIN
namespace store {

PBGDPL_DECL std::optional<std::uint64_t> memory_store::change_stamp() {
  std::lock_guard lock(mu_);
  return stamp_;
}

PBGDPL_DECL result<void> memory_store::write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) {
  std::vector<change> batch;
  result<void> out;
  {
    std::lock_guard lock(mu_);
    detail::count_change counted{stamp_};
    change c;
    out = write_locked(op, r, expected, actor, c);
    if (out) pending_.push_back(std::move(c));
    if (depth_ == 0) batch.swap(pending_);
  }
  notify(batch);  // outside mu_: a listener may read (or write) this store
  return out;
}

PBGDPL_DECL result<void> memory_store::write_locked(write_op op, const record& r, std::uint64_t expected,
                                                    std::string_view actor, change& done) {
  auto key = std::pair{r.kind, r.id};
  auto it = data_.records.find(key);
  audit_entry a;
  a.seq = ++data_.audit_seq;
  a.at = now();
  a.actor = std::string(actor);
  a.kind = r.kind;
  a.id = r.id;
  a.action = std::string(to_string(op));
  a.previous = nullptr;
  std::optional<std::string> previous_unit;
  std::string removed_unit;
  switch (op) {
    case write_op::create:
      if (it != data_.records.end())
        return error(errc::already_exists, "/id", "Đã có " + r.kind + " \"" + r.id + "\"", "A " + r.kind + " \"" + r.id + "\" already exists");
      data_.records.emplace(key, r);
      a.version = r.version;
      break;
    case write_op::update:
    case write_op::archive:
      if (it == data_.records.end()) return not_found_error(r.kind, r.id);
      if (it->second.version != expected || r.version != expected + 1)
        return conflict_error(r.kind, r.id, expected, it->second.version);
      a.previous = it->second.body;
      previous_unit = it->second.unit;
      it->second = r;
      a.version = r.version;
      break;
    case write_op::remove:
      if (it == data_.records.end()) return not_found_error(r.kind, r.id);
      if (expected != 0 && it->second.version != expected) return conflict_error(r.kind, r.id, expected, it->second.version);
      a.previous = it->second.body;
      a.version = it->second.version;
      removed_unit = it->second.unit;
      data_.records.erase(it);
      break;
  }
  done.kind = r.kind;
  done.id = r.id;
  done.op = op;
  done.version = a.version;
  done.audit_seq = a.seq;
  if (op == write_op::remove) {
    done.unit = std::move(removed_unit);
  } else {
    done.unit = r.unit;
    if (previous_unit && *previous_unit != r.unit) done.previous_unit = std::move(previous_unit);
  }
  data_.audit.push_back(std::move(a));
  return {};
}

PBGDPL_DECL result<record> memory_store::read(std::string_view kind, std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = data_.records.find(std::pair{std::string(kind), std::string(id)});
  if (it == data_.records.end()) return not_found_error(kind, id);
  return it->second;
}

PBGDPL_DECL result<page<record>> memory_store::list_records(std::string_view kind, const list_query& q) {
  if (auto l = check_limit(q.limit); !l) return l.err();
  std::optional<std::pair<std::string, std::string>> after;
  if (!q.cursor.empty()) {
    auto c = parse_key_cursor(q.cursor);
    if (!c) return c.err();
    after = std::move(*c);
  }
  std::lock_guard lock(mu_);
  auto units = expand_units(q.where);
  std::vector<const record*> rows;
  // The kind's records only (the map is ordered by kind, then id), and only the page and the one
  // after it sorted: a list over 50,000 records was a full sort per call (issue 21's sitemap test).
  for (auto it = data_.records.lower_bound({std::string(kind), std::string()});
       it != data_.records.end() && it->first.first == kind; ++it) {
    const auto& r = it->second;
    if (!matches(r, q.where, units)) continue;
    if (after) {
      auto cmp = std::tie(r.sort_key, r.id) <=> std::tie(after->first, after->second);
      if (q.oldest_first ? cmp <= 0 : cmp >= 0) continue;
    }
    rows.push_back(&r);
  }
  const auto shown = std::min(rows.size(), q.limit + 1);
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(),
                    [&](const record* a, const record* b) {
                      auto ka = std::tie(a->sort_key, a->id), kb = std::tie(b->sort_key, b->id);
                      return q.oldest_first ? ka < kb : ka > kb;
                    });
  page<record> p;
  for (std::size_t i = 0; i < rows.size() && i < q.limit; ++i) p.items.push_back(*rows[i]);
  if (rows.size() > q.limit) p.next_cursor = key_cursor(p.items.back().sort_key, p.items.back().id);
  return p;
}

PBGDPL_DECL result<search_page> memory_store::search(const search_request& req) {
  if (auto l = check_limit(req.limit); !l) return l.err();
  auto offset = cursor_offset(req.cursor);
  if (!offset) return offset.err();
  auto q = parse_query(req.q, search_filter(req));
  if (!q) return q.err();
  const auto& kinds = req.kinds.empty() ? searchable_kinds() : req.kinds;
  if (auto k = check_searchable(kinds); !k) return k.err();
  std::lock_guard lock(mu_);
  auto units = expand_units(q->where);
  if (req.order == search_order::newest) return search_newest(req, *q, kinds, units, *offset);
  scorer sc(*q);
  // A document number in the query: the (unarchived) documents with that number, whatever the
  // filters, give the ids their citers name; a citer may also name the number itself.
  auto has_number = [&](const record& r) {
    return !r.number_key.empty() && std::find(q->numbers.begin(), q->numbers.end(), r.number_key) != q->numbers.end();
  };
  std::vector<std::string> cited;
  if (!q->numbers.empty()) {
    for (const auto& n : q->numbers) cited.push_back("no:" + n);
    for (const auto& [k, r] : data_.records)
      if (!r.archived && has_number(r)) cited.push_back("id:" + r.id);
  }
  std::vector<std::pair<double, const record*>> hits;
  std::vector<std::size_t> exact_prefix, folded_prefix;  // hits whose title begins with the query
  // As the SQLite store: no prefix boost when prefix_range_cap titles or more, whatever the
  // filters, begin with the query's words (search.hpp).
  bool prefix_rule = false;
  if (static_cast<std::size_t>(std::count(q->folded_key.begin(), q->folded_key.end(), ' ')) + 1 >= min_title_prefix_words) {
    std::size_t sharing = 0;
    for (const auto& [k, r] : data_.records)
      if (r.searchable && !r.title.empty() && title_starts_with_query(title_fold_key(r.title), q->folded_key) &&
          ++sharing >= prefix_range_cap)
        break;
    prefix_rule = sharing < prefix_range_cap;
  }
  for (const auto& [k, r] : data_.records) {
    if (!r.searchable || std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) continue;
    if (!matches(r, q->where, units)) continue;
    int prefix = 0;
    double s = sc.score(r.title, r.text, &prefix);
    if (s > 0 && prefix == 2) exact_prefix.push_back(hits.size());
    if (s > 0 && prefix >= 1) folded_prefix.push_back(hits.size());
    if (!cited.empty()) {
      if (has_number(r)) s += boost_number;
      else if (std::find_first_of(r.cites.begin(), r.cites.end(), cited.begin(), cited.end()) != r.cites.end())
        s += boost_cites_number;
    }
    if (s > 0) hits.emplace_back(s, &r);
  }
  // The prefix boosts, only when few titles share the beginning (search.hpp); a title with the
  // exact accents gets the higher one only.
  bool exact_boost = prefix_rule && exact_prefix.size() < max_boosted_rows;
  if (exact_boost)
    for (auto i : exact_prefix) hits[i].first += boost_prefix_exact;
  if (prefix_rule && folded_prefix.size() < max_boosted_rows)
    for (auto i : folded_prefix)
      if (!exact_boost || std::find(exact_prefix.begin(), exact_prefix.end(), i) == exact_prefix.end())
        hits[i].first += boost_prefix_folded;
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return std::tie(a.second->sort_key, a.second->id) > std::tie(b.second->sort_key, b.second->id);
  });
  search_page p;
  for (std::size_t i = *offset; i < hits.size() && i < *offset + req.limit; ++i) {
    const auto& r = *hits[i].second;
    p.items.push_back({r.kind, r.id, r.title, snippet(r.title, *q, 1000), snippet(r.text, *q), hits[i].first, r});
  }
  if (*offset + req.limit < hits.size()) p.next_cursor = offset_cursor(*offset + req.limit);
  return p;
}

PBGDPL_DECL result<search_page> memory_store::search_newest(const search_request& req, const parsed_query& q,
                                                          const std::vector<std::string>& kinds,
                                                          const std::vector<std::string>& units, std::size_t offset) {
  // Every match (the scorer's rule: every term, folded), by main date; no boost, no score.
  scorer sc(q);
  std::vector<const record*> rows;
  for (const auto& [k, r] : data_.records) {
    if (!r.searchable || std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) continue;
    if (!matches(r, q.where, units) || sc.score(r.title, r.text) <= 0) continue;
    rows.push_back(&r);
  }
  auto newest_first = [](const record* a, const record* b) {
    return std::tie(a->sort_key, a->id, a->kind) > std::tie(b->sort_key, b->id, b->kind);
  };
  auto end = std::min(rows.size(), offset + req.limit);
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(end), rows.end(), newest_first);
  search_page p;
  for (std::size_t i = offset; i < end; ++i) {
    const auto& r = *rows[i];
    p.items.push_back({r.kind, r.id, r.title, snippet(r.title, q, 1000), snippet(r.text, q), 0, r});
  }
  if (end < rows.size()) p.next_cursor = offset_cursor(end);
  return p;
}

PBGDPL_DECL result<std::vector<audit_entry>> memory_store::audit_log(std::string_view kind, std::string_view id, std::size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<audit_entry> out;
  for (auto it = data_.audit.rbegin(); it != data_.audit.rend() && out.size() < limit; ++it)
    if ((kind.empty() || it->kind == kind) && (id.empty() || it->id == id)) out.push_back(*it);
  return out;
}

PBGDPL_DECL result<void> memory_store::transaction(const std::function<result<void>()>& fn) {
  std::vector<change> batch;
  result<void> out;
  {
    std::lock_guard lock(mu_);  // recursive: fn's own writes take it again
    detail::count_change counted{stamp_};  // a rollback changes what reads return too
    auto snapshot = data_;
    auto mark = pending_.size();  // what rolls back is never told
    auto roll_back = [&] {
      data_ = std::move(snapshot);
      pending_.resize(mark);
    };
    ++depth_;
    try {
      out = fn();
    } catch (...) {
      --depth_;
      roll_back();
      throw;
    }
    --depth_;
    if (!out) roll_back();
    if (depth_ == 0) batch.swap(pending_);
  }
  notify(batch);  // after the outermost commit, outside mu_
  return out;
}

PBGDPL_DECL std::vector<std::string> memory_store::expand_units(const filter& f) const {
  std::vector<std::string> out;
  if (!f.unit) return out;
  out.push_back(*f.unit);
  if (!f.include_descendants) return out;
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& [k, r] : data_.records)
      if (k.first == entity_traits<unit>::kind && r.parent == out[i] && std::find(out.begin(), out.end(), r.id) == out.end())
        out.push_back(r.id);
  return out;
}

PBGDPL_DECL std::unique_ptr<store> make_memory_store() { return std::make_unique<memory_store>(); }

}  // namespace store
PBGDPL_NAMESPACE_END
