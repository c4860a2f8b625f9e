// The in-memory store: the reference behaviour of the store interface, for tests and for
// embedding where nothing must persist. Thread-safe; transactions roll back by snapshot.
#pragma once
#include "store.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

PBGDPL_NAMESPACE_BEGIN
namespace store {

class memory_store final : public store {
 public:
  result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) override {
    std::lock_guard lock(mu_);
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
        it->second = r;
        a.version = r.version;
        break;
      case write_op::remove:
        if (it == data_.records.end()) return not_found_error(r.kind, r.id);
        if (expected != 0 && it->second.version != expected) return conflict_error(r.kind, r.id, expected, it->second.version);
        a.previous = it->second.body;
        a.version = it->second.version;
        data_.records.erase(it);
        break;
    }
    data_.audit.push_back(std::move(a));
    return {};
  }

  result<record> read(std::string_view kind, std::string_view id) override {
    std::lock_guard lock(mu_);
    auto it = data_.records.find(std::pair{std::string(kind), std::string(id)});
    if (it == data_.records.end()) return not_found_error(kind, id);
    return it->second;
  }

  result<page<record>> list_records(std::string_view kind, const list_query& q) override {
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
    for (const auto& [k, r] : data_.records) {
      if (k.first != kind || !matches(r, q.where, units)) continue;
      if (after) {
        auto cmp = std::tie(r.sort_key, r.id) <=> std::tie(after->first, after->second);
        if (q.oldest_first ? cmp <= 0 : cmp >= 0) continue;
      }
      rows.push_back(&r);
    }
    std::sort(rows.begin(), rows.end(), [&](const record* a, const record* b) {
      auto ka = std::tie(a->sort_key, a->id), kb = std::tie(b->sort_key, b->id);
      return q.oldest_first ? ka < kb : ka > kb;
    });
    page<record> p;
    for (std::size_t i = 0; i < rows.size() && i < q.limit; ++i) p.items.push_back(*rows[i]);
    if (rows.size() > q.limit) p.next_cursor = key_cursor(p.items.back().sort_key, p.items.back().id);
    return p;
  }

  result<search_page> search(const search_request& req) override {
    if (auto l = check_limit(req.limit); !l) return l.err();
    auto offset = cursor_offset(req.cursor);
    if (!offset) return offset.err();
    auto q = parse_query(req.q, req.where);
    if (!q) return q.err();
    std::lock_guard lock(mu_);
    auto units = expand_units(q->where);
    const auto& kinds = req.kinds.empty() ? searchable_kinds() : req.kinds;
    scorer sc(*q);
    std::vector<std::pair<double, const record*>> hits;
    for (const auto& [k, r] : data_.records) {
      if (!r.searchable || std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) continue;
      if (!matches(r, q->where, units)) continue;
      double s = sc.score(r.title, r.text);
      if (s > 0) hits.emplace_back(s, &r);
    }
    std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return std::tie(a.second->sort_key, a.second->id) > std::tie(b.second->sort_key, b.second->id);
    });
    search_page p;
    for (std::size_t i = *offset; i < hits.size() && i < *offset + req.limit; ++i) {
      const auto& r = *hits[i].second;
      p.items.push_back({r.kind, r.id, r.title, snippet(r.title, *q, 1000), snippet(r.text, *q), hits[i].first});
    }
    if (*offset + req.limit < hits.size()) p.next_cursor = offset_cursor(*offset + req.limit);
    return p;
  }

  result<std::vector<audit_entry>> audit_log(std::string_view kind = {}, std::string_view id = {},
                                             std::size_t limit = 100) override {
    std::lock_guard lock(mu_);
    std::vector<audit_entry> out;
    for (auto it = data_.audit.rbegin(); it != data_.audit.rend() && out.size() < limit; ++it)
      if ((kind.empty() || it->kind == kind) && (id.empty() || it->id == id)) out.push_back(*it);
    return out;
  }

  result<void> transaction(const std::function<result<void>()>& fn) override {
    std::lock_guard lock(mu_);  // recursive: fn's own writes take it again
    auto snapshot = data_;
    try {
      auto r = fn();
      if (!r) data_ = std::move(snapshot);
      return r;
    } catch (...) {
      data_ = std::move(snapshot);
      throw;
    }
  }

 private:
  // The filter's unit and, when asked, every unit below it (walking unit records' parents).
  std::vector<std::string> expand_units(const filter& f) const {
    std::vector<std::string> out;
    if (!f.unit) return out;
    out.push_back(*f.unit);
    if (!f.include_descendants) return out;
    for (std::size_t i = 0; i < out.size(); ++i)
      for (const auto& [k, r] : data_.records)
        if (k.first == "unit" && r.parent == out[i] && std::find(out.begin(), out.end(), r.id) == out.end())
          out.push_back(r.id);
    return out;
  }

  struct state {
    std::map<std::pair<std::string, std::string>, record> records;
    std::vector<audit_entry> audit;
    std::uint64_t audit_seq = 0;
  };
  std::recursive_mutex mu_;
  state data_;
};

inline std::unique_ptr<store> make_memory_store() { return std::make_unique<memory_store>(); }

}  // namespace store
PBGDPL_NAMESPACE_END
