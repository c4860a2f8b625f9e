// `pbgdpl bookcase import|export`: the National Electronic Legal Bookcase's catalogue into and out
// of a portal's SQLite store, through the `bookcase` plugin loaded by the plugin host (the host
// reads the plugin's manifest in --plugin-dir before it loads any code).
//
// Import is one transaction: every entity is written, or none (a write the store refuses rolls
// the others back). Ids are stable: a document already stored under the same number and year of
// issue (the demo's "kh-19-pgddt-2023") keeps its id and record and takes the catalogue's values
// for what the catalogue carries; anything else is found by the id the plugin gives it, so a
// second import of the same file updates (or leaves alone) instead of duplicating. A catalogue
// with bad rows is refused, nothing written, unless --accept-warnings says to store the good ones.
#include "commands.hpp"

#include <pbgdpl/core/files.hpp>
#include <pbgdpl/plugin/host.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <algorithm>
#include <iostream>
#include <map>

namespace pbgdpl_cli {

using namespace pbgdpl;

namespace {

// What a plugin says, as printed: control characters (an escape sequence in a hostile cell that a
// message quotes) become '?', so a catalogue cannot drive the operator's terminal.
std::string printable(std::string s) {
  for (auto& c : s)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7F) c = '?';
  return s;
}

int fail(const error& e) {
  std::cerr << "Lỗi: " << printable(e.message_vi) << "\nError: " << printable(e.message_en) << "\n";
  for (const auto& d : e.details)
    std::cerr << "  " << printable(d.path) << ": " << printable(d.message_vi) << " / " << printable(d.message_en) << "\n";
  return e.code == errc::invalid_argument || e.code == errc::validation_failed ? 1 : 3;
}

plugin::plugin_host make_host(const std::string& plugin_dir) {
  plugin::host_options ho;
  ho.enabled = true;
  ho.dirs = {plugin_dir};
  ho.use_env_path = false;  // only the directory the operator named
  ho.log = [](pbgdpl_log_level level, std::string_view id, std::string_view message) {
    if (level >= PBGDPL_LOG_WARNING) std::cerr << id << ": " << message << "\n";
  };
  return plugin::plugin_host(std::move(ho));
}

json plugin_config(const bookcase_options& o) {
  json c = json::object();
  if (!o.unit.empty()) c["unit"] = o.unit;
  if (!o.level.empty()) c["default_level"] = o.level;
  return c;
}

template <store::stored_entity T>
result<std::vector<T>> all_of(store::store& db) {
  std::vector<T> out;
  store::list_query q;
  q.limit = 100;
  q.oldest_first = true;
  for (;;) {
    auto page = db.list<T>(q);
    if (!page) return page.err();
    for (auto& x : page->items) out.push_back(std::move(x));
    if (page->next_cursor.empty()) return out;
    q.cursor = page->next_cursor;
  }
}

// "19/KH-PGDĐT" issued in 2023: how one document is found again whatever its id.
std::string identity(const legal_document& d) {
  return d.number + "|" + std::to_string(static_cast<int>(d.issued_on.year()));
}

// What the catalogue carries replaces what is stored; what it leaves empty keeps the stored value,
// and what it never carries (body, signer, relations, unit, state) is left alone. A changed
// validity goes into the history when the record keeps one, dated today (never before the last
// entry), so the record stays consistent.
legal_document merged(legal_document stored, const legal_document& in, date today) {
  stored.number = in.number;
  stored.type_code = in.type_code;
  stored.year = in.year;
  stored.level = in.level;
  stored.issuer = in.issuer;
  stored.issued_on = in.issued_on;
  stored.title = in.title;
  if (!in.summary.empty()) stored.summary = in.summary;
  if (in.family) stored.family = in.family;
  if (in.effective_on) stored.effective_on = in.effective_on;
  if (in.expires_on) stored.expires_on = in.expires_on;
  if (in.period_from) {
    stored.period_from = in.period_from;
    stored.period_to = in.period_to;
  }
  if (!in.fields.empty()) stored.fields = in.fields;
  for (const auto& f : in.files) {
    bool known = false;
    for (const auto& g : stored.files) known = known || (!f.url.empty() && g.url == f.url);
    if (!known) stored.files.push_back(f);
  }
  if (!is_normative(stored)) {
    stored.status.reset();
    stored.status_history.clear();
  } else if (in.status && stored.status != in.status) {
    if (!stored.status_history.empty()) {
      status_change c;
      c.status = *in.status;
      c.on = std::max({today, stored.status_history.back().on, stored.issued_on});
      c.note = "Theo Tủ sách pháp luật điện tử quốc gia";
      stored.status_history.push_back(std::move(c));
    }
    stored.status = in.status;
  }
  return stored;
}

publication merged(publication stored, const publication& in) {
  stored.kind = in.kind;
  stored.title = in.title;
  if (!in.summary.empty()) stored.summary = in.summary;
  if (!in.partners.empty()) stored.partners = in.partners;
  for (const auto& d : in.documents)
    if (std::find(stored.documents.begin(), stored.documents.end(), d) == stored.documents.end())
      stored.documents.push_back(d);
  return stored;
}

// Why the catalogue's `in` may not change the stored `old` it landed on (empty: it may). Numbers
// repeat across issuers (every school has its "01/KH-THCS") and a catalogue may name any id, so a
// match is the same act only with the same number, year and issuer; and a document of one of our
// units is that unit's to change.
std::pair<std::string, std::string> not_the_same(const legal_document& old, const legal_document& in, const std::string& unit) {
  if (identity(old) != identity(in))
    return {"mã \"" + old.id.value + "\" đã là văn bản số " + old.number + ", không phải " + in.number,
            "the id \"" + old.id.value + "\" is already document " + old.number + ", not " + in.number};
  if (old.issuer != in.issuer)
    return {"văn bản số " + old.number + " đã lưu là của \"" + old.issuer + "\", không phải \"" + in.issuer + "\"",
            "document " + old.number + " is stored as issued by \"" + old.issuer + "\", not \"" + in.issuer + "\""};
  if (old.unit && old.unit->value != unit)
    return {"văn bản số " + old.number + " thuộc đơn vị " + old.unit->value + " (nhập với --unit " + old.unit->value + ")",
            "document " + old.number + " belongs to the unit " + old.unit->value + " (import with --unit " + old.unit->value + ")"};
  return {};
}

error refused_change(const std::string& what, const std::pair<std::string, std::string>& why) {
  return error(errc::conflict, {}, what + ": danh mục không được ghi đè: " + why.first,
               what + ": the catalogue may not overwrite it: " + why.second);
}

struct counts {
  std::size_t created = 0, updated = 0, unchanged = 0;
};

}  // namespace

int run_bookcase_import(const bookcase_options& o) {
  if (o.format != "csv" && o.format != "json")
    throw usage_error{"--format chỉ nhận csv hoặc json", "--format takes csv or json"};
  auto content = files::read_regular(o.file, PBGDPL_MAX_JSON_BYTES);
  if (!content) return fail(content.err());
  auto host = make_host(o.plugin_dir);
  auto connector = plugin::open_connector(host, "bookcase", plugin_config(o));
  if (!connector) return fail(connector.err());
  auto read = (*connector)->import_catalogue(o.format, *content);
  if (!read) return fail(read.err());

  std::size_t skipped = 0;
  for (const auto& w : (*read)["warnings"]) {
    std::cerr << printable(w.value("vi", "")) << "\n  " << printable(w.value("en", "")) << "\n";
    if (w.value("skipped", true)) ++skipped;
  }
  const auto warnings = (*read)["warnings"].size();
  if (warnings && !o.accept_warnings) {
    std::cerr << "Lỗi: danh mục có " << warnings << " cảnh báo (" << skipped
              << " dòng hỏng): không ghi gì. Sửa tệp, hoặc thêm --accept-warnings để nhập các dòng đúng.\n"
              << "Error: the catalogue has " << warnings << " warnings (" << skipped
              << " bad rows): nothing written. Fix the file, or add --accept-warnings to import the good rows.\n";
    return 1;
  }

  std::vector<legal_document> docs;
  std::vector<publication> pubs;
  for (const auto& j : (*read)["legal_documents"]) {
    auto d = from_json_value<legal_document>(j);
    if (!d) return fail(d.err());
    docs.push_back(std::move(*d));
  }
  for (const auto& j : (*read)["publications"]) {
    auto p = from_json_value<publication>(j);
    if (!p) return fail(p.err());
    pubs.push_back(std::move(*p));
  }

  auto db = store::open_sqlite_store(o.db);
  if (!db) return fail(db.err());
  auto& s = **db;
  const std::string actor = "pbgdpl bookcase import";
  const date today = local_date(now());
  counts cd, cp;
  auto done = s.transaction([&]() -> result<void> {
    auto stored_docs = all_of<legal_document>(s);
    if (!stored_docs) return stored_docs.err();
    std::map<std::string, const legal_document*> by_identity, by_id;
    for (const auto& d : *stored_docs) {
      by_identity.emplace(identity(d), &d);
      by_id.emplace(d.id.value, &d);
    }
    std::map<std::string, std::string> stored_id;  // the plugin's id -> the id it is stored under
    for (auto& d : docs) {
      const legal_document* old = nullptr;
      if (auto it = by_identity.find(identity(d)); it != by_identity.end()) old = it->second;
      else if (auto jt = by_id.find(d.id.value); jt != by_id.end()) old = jt->second;
      if (old)
        if (auto why = not_the_same(*old, d, o.unit); !why.first.empty()) return refused_change(d.number, why);
      stored_id[d.id.value] = old ? old->id.value : d.id.value;
      if (!old) {
        auto r = s.create(d, actor);
        if (!r) return error(r.err().code, r.err().path, d.number + ": " + r.err().message_vi, d.number + ": " + r.err().message_en);
        ++cd.created;
        continue;
      }
      auto m = merged(*old, d, today);
      if (m == *old) {
        ++cd.unchanged;
        continue;
      }
      m.updated_at = {};  // set to now by update()
      auto r = s.update(std::move(m), actor);
      if (!r) return error(r.err().code, r.err().path, d.number + ": " + r.err().message_vi, d.number + ": " + r.err().message_en);
      ++cd.updated;
    }
    for (auto& p : pubs) {
      for (auto& id : p.documents)
        if (auto it = stored_id.find(id.value); it != stored_id.end()) id.value = it->second;
      auto old = s.get<publication>(p.id.value);
      if (!old && old.err().code != errc::not_found) return old.err();
      if (!old) {
        auto r = s.create(p, actor);
        if (!r) return error(r.err().code, r.err().path, p.title + ": " + r.err().message_vi, p.title + ": " + r.err().message_en);
        ++cp.created;
        continue;
      }
      if (old->unit != p.unit)
        return refused_change(p.title, {"sách mã \"" + old->id.value + "\" thuộc đơn vị " + old->unit.value,
                                        "the book \"" + old->id.value + "\" belongs to the unit " + old->unit.value});
      auto m = merged(*old, p);
      if (m == *old) {
        ++cp.unchanged;
        continue;
      }
      auto r = s.update(std::move(m), actor);
      if (!r) return error(r.err().code, r.err().path, p.title + ": " + r.err().message_vi, p.title + ": " + r.err().message_en);
      ++cp.updated;
    }
    return {};
  });
  if (!done) {
    std::cerr << "Không ghi gì (đã hoàn tác) / Nothing written (rolled back)\n";
    return fail(done.err());
  }
  std::cout << "Văn bản / documents: tạo mới / created " << cd.created << ", cập nhật / updated " << cd.updated
            << ", không đổi / unchanged " << cd.unchanged << "\n"
            << "Sách / books: tạo mới / created " << cp.created << ", cập nhật / updated " << cp.updated
            << ", không đổi / unchanged " << cp.unchanged << "\n";
  return 0;
}

int run_bookcase_export(const bookcase_options& o) {
  if (o.format != "csv" && o.format != "json")
    throw usage_error{"--format chỉ nhận csv hoặc json", "--format takes csv or json"};
  if (!std::filesystem::exists(o.db)) return fail(error(errc::not_found, {}, "Không có kho dữ liệu: " + o.db, "No store: " + o.db));
  auto db = store::open_sqlite_store(o.db);
  if (!db) return fail(db.err());
  auto host = make_host(o.plugin_dir);
  auto exporter = plugin::open_exporter(host, "bookcase", plugin_config(o));
  if (!exporter) return fail(exporter.err());
  std::vector<store::record> records;
  for (auto kind : {"legal_document", "publication"}) {
    store::list_query q;
    q.limit = 100;
    q.oldest_first = true;
    if (!o.unit.empty() && std::string_view(kind) == "publication") {
      q.where.unit = o.unit;
      q.where.include_descendants = false;
    }
    for (;;) {
      auto page = (*db)->list_records(kind, q);
      if (!page) return fail(page.err());
      for (auto& r : page->items)
        // Drafts stay in the school unless asked for: only what is published goes out.
        if (r.state == "published" || o.include_drafts) records.push_back(std::move(r));
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
  }
  auto bytes = (*exporter)->export_records(o.format == "csv" ? "bookcase-csv" : "bookcase-json", records);
  if (!bytes) return fail(bytes.err());
  if (o.file.empty() || o.file == "-") {
    std::cout << *bytes;
    return 0;
  }
  if (auto w = files::replace_file(o.file, *bytes, 0644); !w) return fail(w.err());
  std::cerr << "Đã ghi / written: " << o.file << " (" << records.size() << ")\n";
  return 0;
}

}  // namespace pbgdpl_cli
