// Bodies of store/sqlite/search_order.hpp: compiled once into the store tier
// (src/store/sqlite.cpp), or included by the header in header-only builds.
#pragma once
#include "../search_order.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

// A row of a newest-first list, with what orders it.
struct newest_row {
  std::string sort_key, id, kind;
  std::int64_t seq = 0;
  friend bool operator>(const newest_row& a, const newest_row& b) {
    return std::tie(a.sort_key, a.id, a.kind) > std::tie(b.sort_key, b.id, b.kind);
  }
};

PBGDPL_DECL result<std::vector<scored_row>> rank_newest(connection& db, const parsed_query& q, const std::vector<std::string>& kinds,
                                                        bool all_kinds, std::size_t best, newest_stats* stats,
                                                        std::optional<newest_plan> force) {
  newest_stats local;
  newest_stats& did = stats ? *stats : local;
  did = {};
  std::vector<scored_row> out;
  if (kinds.empty() || q.terms.empty()) return out;
  // One row past `best` when there is one: the caller's next-page test (search_index::rank also
  // returns more rows than it sorts).
  const std::size_t want = best + 1;
  const std::string expr = match_expression(q);
  const auto f = build_filter(q.where);

  // The plan. The rarest word's document frequency bounds the matches (estimate_dfs, as
  // search_index::rank uses it: no common word's doclist is read whole to choose).
  // What the walk may spend, in rows of the scan (a posting read and a row joined and sorted).
  double allowance = std::numeric_limits<double>::infinity();
  bool walk = force == newest_plan::index_walk;
  if (!force) {
    std::int64_t rows = 0;
    auto dfs = estimate_dfs(db, q, rows);
    if (!dfs) return dfs.err();
    double rarest = static_cast<double>(rows);
    for (double df : *dfs) rarest = std::min(rarest, df);
    did.rarest_df = rarest;
    // Matches spread over the rows: the walk reads about best x rows / df of them before it has
    // `best` (one range query per batch when rows are stored in date order); the scan reads
    // about df postings and sorts what matches. The walk may spend what the scan would: when
    // its rows turn out to be spread over the file (checked one by one) or rarer than the
    // rarest word, it hands over, and the query has cost at most about twice the scan.
    double expected = static_cast<double>(best) * static_cast<double>(rows) / std::max(rarest, 1.0);
    walk = expected <= rarest;
    allowance = rarest;
  }

  if (walk) {
    did.plan = newest_plan::index_walk;
    double spent = 0;  // in rows of the scan, as `allowance`
    std::vector<newest_row> found;  // the newest `want` so far, over the kinds walked, newest first
    std::vector<newest_row> batch;
    std::vector<std::int64_t> hits;  // the batch's rows that match, sorted
    bool gave_up = false;
    for (const auto& kind : kinds) {
      // A kind's rows (filtered) newest first, along entities_list, checked against the full-text
      // index a batch at a time until `want` of this kind match, or until the rows are older
      // than the want-th found in the kinds before: those could not enter the list.
      auto st = db.prepare(f.cte + "SELECT e.seq, e.sort_key, e.id FROM entities e WHERE e.kind = ?" + f.where +
                           " ORDER BY e.sort_key DESC, e.id DESC");
      if (!st) return st.err();
      int i = 1;
      bind_each(*st, i, f.cte_binds);
      st->bind(i++, kind);
      bind_each(*st, i, f.binds);
      std::optional<newest_row> floor;  // the want-th of the kinds before (found is sorted here)
      if (found.size() >= want) floor = found[want - 1];
      std::size_t matched = 0, size = std::max<std::size_t>(want, 16);
      bool rows_left = true;
      int rc = SQLITE_ROW;
      while (rows_left && matched < want) {
        batch.clear();
        while (batch.size() < size && (rc = st->step()) == SQLITE_ROW) {
          newest_row r{st->str(1), st->str(2), kind, st->i64(0)};
          if (floor && !(r > *floor)) {
            rows_left = false;
            break;
          }
          batch.push_back(std::move(r));
        }
        if (rc != SQLITE_ROW) rows_left = false;
        if (batch.empty()) break;
        // Rows are most often stored in date order (seq grows with time), so a batch of the
        // newest spans a short rowid range: one query over the range returns its matches, at
        // the cost of reading the range's postings. A batch spread over the file (old records
        // stored late) is checked a row at a time: each check parses the expression and seeks
        // every phrase in every segment, which is what newest_walk_row_cost measures.
        auto [lo, hi] = std::minmax_element(batch.begin(), batch.end(),
                                            [](const newest_row& x, const newest_row& y) { return x.seq < y.seq; });
        const double width = static_cast<double>(hi->seq - lo->seq + 1);
        const double per_row = static_cast<double>(batch.size()) * newest_walk_row_cost;
        if (spent + std::min(width, per_row) > allowance) {
          gave_up = true;
          break;
        }
        hits.clear();
        did.checked += batch.size();
        if (width <= per_row) {
          spent += width;
          ++did.ranges;
          auto check = db.prepare("SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ?");
          if (!check) return check.err();
          check->bind(1, expr).bind(2, lo->seq).bind(3, hi->seq);
          int crc;
          while ((crc = check->step()) == SQLITE_ROW) hits.push_back(check->i64(0));
          if (crc != SQLITE_DONE) return query_error(db, crc);
        } else {
          spent += per_row;
          for (const auto& r : batch) {
            auto check = db.prepare("SELECT 1 FROM search_fts WHERE search_fts MATCH ? AND rowid = ?");
            if (!check) return check.err();
            check->bind(1, expr).bind(2, r.seq);
            int crc = check->step();
            if (crc == SQLITE_ROW) hits.push_back(r.seq);
            else if (crc != SQLITE_DONE) return query_error(db, crc);
          }
        }
        std::sort(hits.begin(), hits.end());
        for (auto& r : batch) {
          if (!std::binary_search(hits.begin(), hits.end(), r.seq)) continue;
          found.push_back(std::move(r));
          if (++matched >= want) break;
        }
        size = std::min<std::size_t>(size * 2, 1024);  // rarer matches than hoped: larger steps
      }
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.fail(rc, "search: newest");
      if (gave_up) break;
      std::sort(found.begin(), found.end(), [](const newest_row& x, const newest_row& y) { return x > y; });
      if (found.size() > want) found.resize(want);
    }
    if (!gave_up) {
      for (const auto& r : found) out.push_back({0, r.seq});
      return out;
    }
    did.walk_gave_up = true;
  }

  // The scan: every match, joined to its row, filtered, sorted by date. The index holds only
  // searchable, unarchived records, so with every kind no kind test is needed.
  did.plan = newest_plan::match_scan;
  std::string kind_in;
  if (!all_kinds) {
    kind_in = " AND e.kind IN (";
    for (std::size_t i = 0; i < kinds.size(); ++i) kind_in += i ? ",?" : "?";
    kind_in += ")";
  }
  auto st = db.prepare(f.cte + "SELECT e.seq FROM search_fts CROSS JOIN entities e ON e.seq = search_fts.rowid WHERE search_fts MATCH ?" +
                       kind_in + f.where + " ORDER BY e.sort_key DESC, e.id DESC, e.kind DESC LIMIT ?");
  if (!st) return st.err();
  int i = 1;
  bind_each(*st, i, f.cte_binds);
  st->bind(i++, expr);
  if (!all_kinds) bind_each(*st, i, kinds);
  bind_each(*st, i, f.binds);
  st->bind(i++, static_cast<std::int64_t>(std::min<std::size_t>(want, std::numeric_limits<std::int64_t>::max())));
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) out.push_back({0, st->i64(0)});
  if (rc != SQLITE_DONE) return query_error(db, rc);
  return out;
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
