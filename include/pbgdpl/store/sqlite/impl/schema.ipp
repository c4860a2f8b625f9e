// Bodies of store/sqlite/schema.hpp: compiled once into the store tier (src/store/sqlite.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../schema.hpp"
#include "../../kinds.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

PBGDPL_DECL result<int> check_file(connection& db, bool existed) {
  auto app = db.query_int("PRAGMA application_id");
  if (!app) return app.err();
  auto ver = db.query_int("PRAGMA user_version");
  if (!ver) return ver.err();
  if (*ver > current_schema)
    return error(errc::unsupported_version, {},
                 "Cơ sở dữ liệu được tạo bởi phiên bản pbgdpl mới hơn (lược đồ " + std::to_string(*ver) +
                     ", phiên bản này hỗ trợ đến " + std::to_string(current_schema) + ")",
                 "The database was made by a newer pbgdpl (schema " + std::to_string(*ver) + ", this one supports up to " +
                     std::to_string(current_schema) + ")");
  if (existed && *app != application_id) {
    auto n = db.query_int("SELECT count(*) FROM sqlite_master");
    if (!n) return n.err();
    if (*app != 0 || *n > 0)
      return error(errc::corrupt, {}, "Tệp này là cơ sở dữ liệu SQLite của chương trình khác, không phải của pbgdpl",
                   "This SQLite file belongs to another program, not pbgdpl");
  }
  return *ver;
}

// The steps, oldest first. Append only: a released step never changes, so their SQL keeps the
// kind names as they were written then ('unit', 'legal_document').
namespace migrations {

PBGDPL_DECL result<void> step_1(connection& db) {
  return db.exec(R"sql(
CREATE TABLE entities(
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
  unit TEXT NOT NULL DEFAULT '', parent TEXT NOT NULL DEFAULT '',
  sub_kind TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT '',
  sort_key TEXT NOT NULL DEFAULT '', day TEXT NOT NULL DEFAULT '', doc_type TEXT NOT NULL DEFAULT '',
  doc_level TEXT NOT NULL DEFAULT '', doc_status TEXT NOT NULL DEFAULT '', archived INTEGER NOT NULL DEFAULT 0,
  -- Last: filters read the columns before it without walking the JSON's overflow pages.
  body TEXT NOT NULL,
  UNIQUE(kind, id));
CREATE INDEX entities_list ON entities(kind, sort_key, id);
CREATE INDEX entities_unit ON entities(unit);
CREATE INDEX entities_parent ON entities(parent) WHERE kind = 'unit';
CREATE TABLE entity_fields(entity INTEGER NOT NULL REFERENCES entities(seq) ON DELETE CASCADE, field TEXT NOT NULL);
CREATE INDEX entity_fields_by_entity ON entity_fields(entity);
CREATE INDEX entity_fields_by_field ON entity_fields(field, entity);
CREATE TABLE audit_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
  kind TEXT NOT NULL, id TEXT NOT NULL, action TEXT NOT NULL, version INTEGER NOT NULL, previous TEXT);
CREATE INDEX audit_by_entity ON audit_log(kind, id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)sql");
}

// Search: exact and folded title/body columns, the title keys, then index what v1 stored (the
// searchable kinds and their fields are the registry's, kinds.hpp). Archived records stay out,
// as on every write since.
PBGDPL_DECL result<void> step_2(connection& db, search_index& index) {
  auto r = db.exec(R"sql(
ALTER TABLE entities ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
ALTER TABLE entities ADD COLUMN title_fold TEXT NOT NULL DEFAULT '';
CREATE INDEX entities_title_key ON entities(title_key);
CREATE INDEX entities_title_fold ON entities(title_fold);
CREATE VIRTUAL TABLE search_fts USING fts5(title_e, title_f, body_e, body_f, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');
)sql");
  if (!r) return r;
  std::vector<std::pair<std::int64_t, record>> rows;
  {
    auto st = db.prepare("SELECT seq, kind, id, body FROM entities WHERE archived = 0");
    if (!st) return st.err();
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      record rec;
      rec.kind = st->str(1);
      if (!searchable_fields(rec.kind)) continue;
      rec.id = st->str(2);
      auto body = json_io::parse(st->text(3));
      if (!body)
        return error(errc::corrupt, {}, "Bản ghi " + rec.kind + "/" + rec.id + " bị hỏng",
                     "Record " + rec.kind + "/" + rec.id + " is corrupt");
      rec.body = std::move(*body);
      rows.emplace_back(st->i64(0), std::move(rec));
    }
    if (rc != SQLITE_DONE) return db.fail(rc, "migration 2");
  }
  for (auto& [seq, rec] : rows) {
    fill_search_text(rec);
    if (auto w = index.add_with_keys(seq, rec, false); !w) return w;
  }
  return {};
}

// Titles alone, in a small contentless index of their own: "all terms in the title" walks
// only title postings. Over the main index it walked every body posting of the query's words
// when they never met in a title (80-100 ms for a phrase of common words on 100k articles).
// Contentless: the indexed values are entities.title_key/title_fold, which a delete replays.
PBGDPL_DECL result<void> step_3(connection& db) {
  return db.exec(R"sql(
CREATE VIRTUAL TABLE title_fts USING fts5(title_e, title_f, content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO title_fts(rowid, title_e, title_f)
  SELECT e.seq, e.title_key, e.title_fold FROM entities e WHERE e.seq IN (SELECT rowid FROM search_fts);
)sql");
}

// Legal documents gained an editorial state; the ones stored before were published acts.
PBGDPL_DECL result<void> step_4(connection& db) {
  return db.exec("UPDATE entities SET state = 'published' WHERE kind = 'legal_document' AND state = ''");
}

// The audit log names the unit a write touched (and the unit an update moved the record from),
// so that another connection reading the log (store::poll_changes) knows which pages it changes
// without the record, which a remove has taken away. Entries written before say '' (unknown).
// previous_unit is NULL when the write did not move the record.
PBGDPL_DECL result<void> step_5(connection& db) {
  return db.exec(R"sql(
ALTER TABLE audit_log ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN previous_unit TEXT;
)sql");
}

// Search by document number (issue 12): each record's own number as number_key() and what it
// cites ("id:<document id>", "no:<number key>"), so a query naming a number finds the document
// and its citers by index. Filled for what earlier versions stored (unarchived searchable rows).
// The full-text index keeps the text it had: Markdown syntax was never tokenized (punctuation
// splits tokens); a link's address words stay until the record is next written.
PBGDPL_DECL result<void> step_6(connection& db, search_index& index) {
  auto r = db.exec(R"sql(
ALTER TABLE entities ADD COLUMN number_key TEXT NOT NULL DEFAULT '';
CREATE INDEX entities_number_key ON entities(number_key) WHERE number_key <> '';
CREATE TABLE search_cites(entity INTEGER NOT NULL REFERENCES entities(seq) ON DELETE CASCADE, target TEXT NOT NULL);
CREATE INDEX search_cites_by_target ON search_cites(target, entity);
CREATE INDEX search_cites_by_entity ON search_cites(entity);
)sql");
  if (!r) return r;
  std::vector<std::pair<std::int64_t, record>> rows;
  {
    // "+kind": a scan, not the kind index. A query that uses an index of a table never analyzed
    // makes a later PRAGMA optimize (sqlite_store::optimize) run ANALYZE on it, and with those
    // statistics SQLite 3.40 lists one unit's articles ~10x slower (benchmark, 20k articles).
    auto st = db.prepare("SELECT seq, kind, id, body FROM entities WHERE archived = 0 AND +kind IN ('legal_document', 'article')");
    if (!st) return st.err();
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      record rec;
      rec.kind = st->str(1);
      rec.id = st->str(2);
      auto body = json_io::parse(st->text(3));
      if (!body)
        return error(errc::corrupt, {}, "Bản ghi " + rec.kind + "/" + rec.id + " bị hỏng",
                     "Record " + rec.kind + "/" + rec.id + " is corrupt");
      rec.body = std::move(*body);
      rows.emplace_back(st->i64(0), std::move(rec));
    }
    if (rc != SQLITE_DONE) return db.fail(rc, "migration 6");
  }
  for (auto& [seq, rec] : rows) {
    fill_search_text(rec);
    if (auto w = index.add_citations(seq, rec); !w) return w;
  }
  return {};
}

// Exact top-k search (issue 12). The search index is built anew from the records: the tokenizer
// now writes one exact form for both tone placements (hoà/hòa), and the title-only index served
// only the candidate windows the impact lists replace, so it goes. Then each word's impact list
// (term_impacts.hpp), at the rows' average length. One pass over every searchable record: about
// a minute per 100,000 articles, once.
PBGDPL_DECL result<void> step_7(connection& db, search_index& index) {
  auto r = db.exec(R"sql(
DROP TABLE IF EXISTS title_fts;
DROP TABLE IF EXISTS search_vocab;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(title_e, title_f, body_e, body_f, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');
DELETE FROM search_cites;
UPDATE entities SET number_key = '' WHERE number_key <> '';
CREATE TABLE search_impacts(term TEXT NOT NULL, f REAL NOT NULL, seq INTEGER NOT NULL, w REAL NOT NULL, dl INTEGER NOT NULL,
  PRIMARY KEY(term, f, seq)) WITHOUT ROWID;
CREATE INDEX search_impacts_by_seq ON search_impacts(seq);
CREATE TABLE search_impact_terms(term TEXT PRIMARY KEY, n INTEGER NOT NULL, tau REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE search_settings(name TEXT PRIMARY KEY, value REAL NOT NULL) WITHOUT ROWID;
)sql");
  if (!r) return r;
  std::vector<std::pair<std::int64_t, record>> rows;
  {
    // "+kind": a scan, not the kind index (see step 6).
    auto st = db.prepare("SELECT seq, kind, id, body FROM entities WHERE archived = 0 AND +kind <> ''");
    if (!st) return st.err();
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      record rec;
      rec.kind = st->str(1);
      if (!searchable_fields(rec.kind)) continue;
      rec.id = st->str(2);
      auto body = json_io::parse(st->text(3));
      if (!body)
        return error(errc::corrupt, {}, "Bản ghi " + rec.kind + "/" + rec.id + " bị hỏng",
                     "Record " + rec.kind + "/" + rec.id + " is corrupt");
      rec.body = std::move(*body);
      rows.emplace_back(st->i64(0), std::move(rec));
    }
    if (rc != SQLITE_DONE) return db.fail(rc, "migration 7");
  }
  index.set_schema(6);  // the records first (keys, text, numbers, citations), the lists after
  for (auto& [seq, rec] : rows) {
    fill_search_text(rec);
    if (auto w = index.add_with_keys(seq, rec, false); !w) return w;
  }
  index.set_schema(7);
  if (auto l = index.rebuild_impacts(); !l) return l;
  // One segment: the index just written has many, and a search's row look-ups seek each (a row
  // checked by rowid costs 200-700 us instead of 20-50 us until merged; ~2 s per 100k rows).
  return db.exec("INSERT INTO search_fts(search_fts) VALUES('optimize')");
}

// Documents of two families (issue 13): an administrative document (a plan, an individual
// decision) has no validity status, and the model drops the one the old version forced on every
// document when it reads the record (legal_document's upgrade_legacy). The indexed column
// follows, so a status filter no longer lists plans as "in force"; the bodies stay as written.
PBGDPL_DECL result<void> step_8(connection& db) {
  std::vector<std::pair<std::int64_t, std::string>> statuses;
  {
    auto st = db.prepare("SELECT seq, id, body, doc_status FROM entities WHERE kind = 'legal_document'");
    if (!st) return st.err();
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      auto d = from_json_text<legal_document>(st->text(2));
      if (!d)
        return error(errc::corrupt, {}, "Bản ghi legal_document/" + st->str(1) + " bị hỏng: " + d.err().message_vi,
                     "Record legal_document/" + st->str(1) + " is corrupt: " + d.err().message_en);
      std::string want = d->status ? std::string(to_string(*d->status)) : std::string();
      if (want != st->str(3)) statuses.emplace_back(st->i64(0), std::move(want));
    }
    if (rc != SQLITE_DONE) return db.fail(rc, "migration 8");
  }
  for (const auto& [seq, status] : statuses) {
    auto up = db.prepare("UPDATE entities SET doc_status = ? WHERE seq = ?");  // from the cache, reset when dropped
    if (!up) return up.err();
    up->bind(1, std::string_view(status)).bind(2, seq);
    if (int rc = up->step(); rc != SQLITE_DONE) return db.fail(rc, "migration 8");
  }
  return {};
}

// Lists by sub-kind at scale (issue 21): a list filtered on one article kind (the home page's
// "Văn bản mới" box: the 2 legal-document introductions among 374,009 articles) walked
// entities_list over every article of the kind, newest first: 2.7 s. This index seeks to the
// sub-kind and reads it in order.
PBGDPL_DECL result<void> step_9(connection& db) {
  return db.exec("CREATE INDEX entities_list_sub ON entities(kind, sub_kind, sort_key, id)");
}

}  // namespace migrations

PBGDPL_DECL result<void> migrate(connection& db, search_index& index, int from, int target) {
  target = std::min(target, current_schema);
  if (from >= target) return {};
  return db.in_transaction([&]() -> result<void> {
    for (int v = from + 1; v <= target; ++v) {
      auto r = v == 1   ? migrations::step_1(db)
               : v == 2 ? migrations::step_2(db, index)
               : v == 3 ? migrations::step_3(db)
               : v == 4 ? migrations::step_4(db)
               : v == 5 ? migrations::step_5(db)
               : v == 6 ? migrations::step_6(db, index)
               : v == 7 ? migrations::step_7(db, index)
               : v == 8 ? migrations::step_8(db)
                        : migrations::step_9(db);
      if (!r) return r;
      if (auto s = db.exec("PRAGMA user_version=" + std::to_string(v)); !s) return s;
    }
    return db.exec("PRAGMA application_id=" + std::to_string(application_id));
  });
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
