// The PostgreSQL store (pg_store.hpp) over libpq. Every statement is constant text with $n
// parameters; the only names written into SQL are the schema and the channel, checked against
// [a-z_][a-z0-9_]* and quoted by libpq.
#include "pg_store.hpp"

#include <pbgdpl/core/text.hpp>
#include <pbgdpl/store/search.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <utility>

PBGDPL_NAMESPACE_BEGIN
namespace store {

namespace pg_detail {

using params = std::vector<std::optional<std::string>>;

error pg_failure(errc code, std::string_view what, std::string_view detail) {
  return error(code, {}, "PostgreSQL: " + std::string(what) + " thất bại: " + std::string(detail),
               "PostgreSQL: " + std::string(what) + " failed: " + std::string(detail));
}

// One PGresult, cleared when it goes.
class pg_result {
 public:
  explicit pg_result(PGresult* r) : r_(r) {}
  pg_result(pg_result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  pg_result& operator=(pg_result&& o) noexcept {
    if (this != &o) {
      if (r_) PQclear(r_);
      r_ = std::exchange(o.r_, nullptr);
    }
    return *this;
  }
  ~pg_result() {
    if (r_) PQclear(r_);
  }
  int rows() const { return PQntuples(r_); }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string str(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
  }
  std::string_view view(int row, int col) const {
    return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
  }
  std::int64_t i64(int row, int col) const {
    auto v = view(row, col);
    std::int64_t n = 0;
    bool neg = !v.empty() && v[0] == '-';
    for (std::size_t i = neg ? 1 : 0; i < v.size(); ++i) n = n * 10 + (v[i] - '0');
    return neg ? -n : n;
  }
  bool boolean(int row, int col) const { return view(row, col) == "t"; }
  const PGresult* get() const noexcept { return r_; }
  // A text[] column ({a,"b c"}): PostgreSQL's array output, unquoted.
  std::vector<std::string> text_array(int row, int col) const {
    std::vector<std::string> out;
    auto v = view(row, col);
    if (v.size() < 2) return out;
    std::size_t i = 1;
    while (i + 1 < v.size()) {
      std::string item;
      if (v[i] == '"') {
        for (++i; i < v.size() && v[i] != '"'; ++i) {
          if (v[i] == '\\' && i + 1 < v.size()) ++i;
          item += v[i];
        }
        ++i;  // the closing quote
      } else {
        for (; i + 1 < v.size() && v[i] != ','; ++i) item += v[i];
      }
      out.push_back(std::move(item));
      if (i < v.size() && v[i] == ',') ++i;
    }
    return out;
  }

 private:
  PGresult* r_;
};

// A text[] parameter in PostgreSQL's array input syntax, every element quoted.
std::string array_literal(const std::vector<std::string>& items) {
  std::string s = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += ',';
    s += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  return s + "}";
}

// A lexeme quoted for tsvector / tsquery input (our tokens are letters and digits, but quoting
// keeps anything else a lexeme too).
void append_lexeme(std::string& s, std::string_view lex) {
  s += '\'';
  for (char c : lex) {
    if (c == '\'' || c == '\\') s += c == '\'' ? '\'' : '\\';
    s += c;
  }
  s += '\'';
}

// The folded tokens of a record's title and text as a tsvector, positions included (phrases use
// them). The text's positions start after a gap, so a phrase cannot run from the title into the
// text. PostgreSQL keeps 256 positions per lexeme and positions up to 16383: past those a phrase
// may be missed (the scorer decides on the text itself; only candidates are lost).
std::string words_vector(std::string_view title, std::string_view text) {
  std::map<std::string, std::vector<int>, std::less<>> positions;
  int pos = 1;
  // A tsvector holds at most 1 MiB: past ~900 KB (lexemes and 2 bytes a position) a huge text's
  // further words are left out of the index (the record is still stored and readable).
  std::size_t budget = 900000;
  auto add = [&](std::string_view folded) {
    std::size_t i = 0;
    while (i < folded.size()) {
      auto sp = folded.find(' ', i);
      if (sp == std::string_view::npos) sp = folded.size();
      if (sp > i && sp - i < 2000) {  // PostgreSQL's lexeme limit is 2 KiB
        auto lex = folded.substr(i, sp - i);
        auto it = positions.find(lex);
        if (it == positions.end() && budget > lex.size() + 8) {
          budget -= lex.size() + 8;
          it = positions.emplace(std::string(lex), std::vector<int>{}).first;
        }
        if (it != positions.end() && it->second.size() < 256 && budget > 2) {
          budget -= 2;
          it->second.push_back(std::min(pos, 16383));
        }
      }
      ++pos;
      i = sp + 1;
    }
  };
  add(index_form(title).folded);
  pos += 2;
  add(index_form(text).folded);
  std::string s;
  for (const auto& [lex, ps] : positions) {
    if (!s.empty()) s += ' ';
    append_lexeme(s, lex);
    if (ps.empty()) continue;
    char sep = ':';
    int last = 0;
    for (int p : ps) {
      if (p == last) continue;  // clamped positions: once
      s += sep;
      s += std::to_string(p);
      sep = ',';
      last = p;
    }
  }
  return s;
}

// Every term (folded) as a tsquery: phrases with <->, a prefix with :*. Empty without terms.
std::string words_query(const parsed_query& q) {
  std::string s;
  for (const auto& t : q.terms) {
    if (t.folded.empty()) continue;
    if (!s.empty()) s += " & ";
    s += '(';
    for (std::size_t i = 0; i < t.folded.size(); ++i) {
      if (i) s += " <-> ";
      append_lexeme(s, t.folded[i]);
      if (t.prefix && i + 1 == t.folded.size()) s += ":*";
    }
    s += ')';
  }
  return s;
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

std::string without_nul(std::string s) {
  std::replace(s.begin(), s.end(), '\0', ' ');
  return s;
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The columns row_record() reads, in its order.
constexpr const char* record_columns =
    "e.kind, e.id, e.version, e.body, e.unit, e.parent, e.sub_kind, e.category, e.state, e.sort_key, e.day, "
    "e.doc_type, e.doc_level, e.doc_status, e.archived, e.fields";
constexpr const char* record_columns_no_body =
    "e.kind, e.id, e.version, NULL, e.unit, e.parent, e.sub_kind, e.category, e.state, e.sort_key, e.day, "
    "e.doc_type, e.doc_level, e.doc_status, e.archived, e.fields";

result<record> row_record(const pg_result& res, int row, bool with_body) {
  record r;
  r.kind = res.str(row, 0);
  r.id = res.str(row, 1);
  r.version = static_cast<std::uint64_t>(res.i64(row, 2));
  if (with_body) {
    auto body = json_io::parse(res.view(row, 3));
    if (!body) return detail::undecodable_record(r.kind, r.id, body.err());
    r.body = std::move(*body);
  }
  r.unit = res.str(row, 4);
  r.parent = res.str(row, 5);
  r.sub_kind = res.str(row, 6);
  r.category = res.str(row, 7);
  r.state = res.str(row, 8);
  r.sort_key = res.str(row, 9);
  r.day = res.str(row, 10);
  r.doc_type = res.str(row, 11);
  r.doc_level = res.str(row, 12);
  r.doc_status = res.str(row, 13);
  r.archived = res.boolean(row, 14);
  r.fields = res.text_array(row, 15);
  r.searchable = searchable_fields(r.kind) != nullptr;
  return r;
}

// A filter as SQL over `entities e`: fixed fragments, every value a parameter appended to `p`.
// The unit filter arrives expanded (pg_store::expand_units) in `units`.
std::string filter_sql(const filter& f, const std::optional<std::vector<std::string>>& units, params& p) {
  std::string s;
  auto param = [&](std::string v) {
    p.push_back(std::move(v));
    return "$" + std::to_string(p.size());
  };
  if (!f.unit_in.empty()) s += " AND e.unit = ANY(" + param(array_literal(f.unit_in)) + "::text[])";
  if (units) s += " AND e.unit = ANY(" + param(array_literal(*units)) + "::text[])";
  auto eq = [&](const std::optional<std::string>& v, const char* col) {
    if (v) s += std::string(" AND e.") + col + " = " + param(*v);
  };
  eq(f.kind, "sub_kind");
  eq(f.category, "category");
  eq(f.state, "state");
  eq(f.doc_type, "doc_type");
  eq(f.doc_level, "doc_level");
  eq(f.doc_status, "doc_status");
  if (f.field) s += " AND e.fields @> ARRAY[" + param(*f.field) + "::text]";
  if (f.from) s += " AND e.day >= " + param(format_date(*f.from));
  if (f.to) s += " AND e.day <= " + param(format_date(*f.to)) + " AND e.day <> ''";
  if (!f.include_archived) s += " AND NOT e.archived";
  if (f.visible_at)
    s += " AND NOT (e.kind = 'article' AND e.sort_key > " + param(detail::ts_key(*f.visible_at)) + ")";
  return s;
}

// (e.sort_key, e.id) beyond a cursor's pair, in byte order as every store compares. Text columns in
// the "C" collation compare by bytes, but PostgreSQL refuses text that is not UTF-8, and callers
// build cursors with bytes no id has ("\xff" as a ceiling: portal/schedule, network/webhooks):
// such a part is compared as bytea (exact, not through the index; the other part still is).
std::string keyset_sql(const std::string& key, const std::string& id, const char* op, params& p) {
  auto part = [&](const char* col, const std::string& v) -> std::pair<std::string, std::string> {
    if (text::is_valid_utf8(v) && !has_nul(v)) {
      p.push_back(v);
      return {std::string("e.") + col, "$" + std::to_string(p.size())};
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string b = "\\x";
    for (unsigned char c : v) b += hex[c >> 4], b += hex[c & 15];
    p.push_back(std::move(b));
    return {std::string("convert_to(e.") + col + ", 'UTF8')", "$" + std::to_string(p.size()) + "::bytea"};
  };
  auto [kc, kv] = part("sort_key", key);
  auto [ic, iv] = part("id", id);
  if (kc == "e.sort_key" && ic == "e.id")
    return std::string(" AND (e.sort_key, e.id) ") + op + " (" + kv + ", " + iv + ")";
  return " AND (" + kc + " " + op + " " + kv + " OR (" + kc + " = " + kv + " AND " + ic + " " + op + " " +
         iv + "))";
}

bool parse_write_op(std::string_view action, write_op& op) {
  for (auto o : {write_op::create, write_op::update, write_op::archive, write_op::remove})
    if (to_string(o) == action) {
      op = o;
      return true;
    }
  return false;
}

// The migrations, in order: migration i brings the schema to version i + 1.
const char* const migrations[] = {
    R"sql(
CREATE TABLE schema_meta(id int PRIMARY KEY CHECK (id = 1), version int NOT NULL, app text NOT NULL);
INSERT INTO schema_meta VALUES (1, 0, 'pbgdpl');
CREATE TABLE entities(
  kind text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  body text NOT NULL,
  unit text COLLATE "C" NOT NULL DEFAULT '',
  parent text COLLATE "C" NOT NULL DEFAULT '',
  sub_kind text COLLATE "C" NOT NULL DEFAULT '',
  category text COLLATE "C" NOT NULL DEFAULT '',
  state text COLLATE "C" NOT NULL DEFAULT '',
  doc_type text COLLATE "C" NOT NULL DEFAULT '',
  doc_level text COLLATE "C" NOT NULL DEFAULT '',
  doc_status text COLLATE "C" NOT NULL DEFAULT '',
  sort_key text COLLATE "C" NOT NULL DEFAULT '',
  day text COLLATE "C" NOT NULL DEFAULT '',
  fields text[] NOT NULL DEFAULT '{}',
  archived boolean NOT NULL DEFAULT false,
  title text NOT NULL DEFAULT '',
  search_text text NOT NULL DEFAULT '',
  title_fold text COLLATE "C" NOT NULL DEFAULT '',
  number_key text COLLATE "C" NOT NULL DEFAULT '',
  cites text[] NOT NULL DEFAULT '{}',
  words tsvector,
  PRIMARY KEY (kind, id));
CREATE INDEX entities_order ON entities(kind, sort_key, id);
CREATE INDEX entities_parent ON entities(parent) WHERE kind = 'unit';
CREATE INDEX entities_unit ON entities(unit);
CREATE INDEX entities_words ON entities USING gin(words);
CREATE INDEX entities_title_fold ON entities(title_fold) WHERE title_fold <> '';
CREATE INDEX entities_number ON entities(number_key) WHERE number_key <> '';
CREATE INDEX entities_cites ON entities USING gin(cites);
CREATE INDEX entities_fields ON entities USING gin(fields);
CREATE TABLE audit_log(
  seq bigserial PRIMARY KEY,
  at text NOT NULL,
  actor text NOT NULL,
  kind text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  action text NOT NULL,
  version bigint NOT NULL,
  previous text,
  unit text NOT NULL DEFAULT '',
  previous_unit text);
CREATE INDEX audit_entity ON audit_log(kind, id, seq);
)sql",
    // 2: the title's words alone (search's first stage: title matches, few even for common
    // words). Filled for stored rows by pg_store::open (the tokens are the project's own).
    R"sql(
ALTER TABLE entities ADD COLUMN title_words tsvector;
CREATE INDEX entities_title_words ON entities USING gin(title_words);
)sql",
    // 3: the searchable rows newest first, across kinds: a word most rows hold finds its newest
    // matches by walking this index (66 ms instead of 820 ms for "pháp luật" on 100,000 articles)
    // instead of visiting every match.
    R"sql(
CREATE INDEX entities_newest ON entities(sort_key, id) WHERE words IS NOT NULL;
)sql",
};
constexpr int latest_schema = static_cast<int>(std::size(migrations));

}  // namespace pg_detail

using pg_detail::params;
using pg_detail::pg_result;

// The connection: libpq calls with the store's error shape.
class pg_store::connection {
 public:
  ~connection() {
    if (c_) PQfinish(c_);
  }
  PGconn* handle() const noexcept { return c_; }

  result<void> connect(const std::string& conninfo) {
    if (pg_detail::has_nul(conninfo)) return error(errc::invalid_argument, "/conninfo");
    c_ = PQconnectdb(conninfo.c_str());
    if (!c_)
      return error(errc::internal, {}, "Không đủ bộ nhớ để kết nối PostgreSQL",
                   "Out of memory connecting to PostgreSQL");
    if (PQstatus(c_) != CONNECTION_OK) {
      std::string why = PQerrorMessage(c_);
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      return error(errc::io_error, "/conninfo", "Không kết nối được PostgreSQL: " + why,
                   "Cannot connect to PostgreSQL: " + why);
    }
    if (PQsetClientEncoding(c_, "UTF8") != 0) return failure("client_encoding", nullptr);
    // The server's notices ("schema already exists, skipping") are not for anyone's terminal.
    PQsetNoticeProcessor(
        c_, [](void*, const char*) {}, nullptr);
    return {};
  }

  bool healthy() const { return c_ && PQstatus(c_) == CONNECTION_OK; }
  bool reset() {
    PQreset(c_);
    return healthy() && PQsetClientEncoding(c_, "UTF8") == 0;
  }

  // One statement with parameters (text format).
  result<pg_result> exec(std::string_view what, const std::string& sql, const params& p = {}) {
    std::vector<const char*> values;
    std::vector<int> lengths;
    values.reserve(p.size());
    for (const auto& v : p) {
      if (v && pg_detail::has_nul(*v))
        return error(errc::invalid_argument, {}, "Dữ liệu chứa ký tự NUL, không lưu được",
                     "The data contains a NUL character and cannot be stored");
      values.push_back(v ? v->c_str() : nullptr);
      lengths.push_back(v ? static_cast<int>(v->size()) : 0);
    }
    pg_result res(PQexecParams(c_, sql.c_str(), static_cast<int>(p.size()), nullptr, values.data(),
                               lengths.data(), nullptr, 0));
    return check(what, std::move(res));
  }

  // Statements without parameters (several, separated by ';'): constant SQL only.
  result<pg_result> exec_script(std::string_view what, const std::string& sql) {
    return check(what, pg_result(PQexec(c_, sql.c_str())));
  }

  std::string quote_identifier(std::string_view s) {
    char* q = PQescapeIdentifier(c_, s.data(), s.size());
    std::string out = q ? q : "";
    PQfreemem(q);
    return out;
  }
  std::string quote_literal(std::string_view s) {
    char* q = PQescapeLiteral(c_, s.data(), s.size());
    std::string out = q ? q : "''";
    PQfreemem(q);
    return out;
  }

 private:
  result<pg_result> check(std::string_view what, pg_result res) {
    // PQresultStatus of a null result (out of memory, lost connection) is PGRES_FATAL_ERROR.
    auto st = PQresultStatus(res.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      last_sqlstate_.clear();
      return res;
    }
    return failure(what, res.get());
  }

  error failure(std::string_view what, const PGresult* res) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string detail = primary ? primary : PQerrorMessage(c_);
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    std::string code = state ? state : "";
    errc e = errc::io_error;
    if (code == "23505")
      e = errc::already_exists;
    else if (code == "40001" || code == "40P01" || code == "55P03")
      e = errc::busy;
    else if (code == "57014")
      e = errc::busy;  // statement_timeout: the caller words it
    else if (code == "53100")
      e = errc::storage_full;
    else if (code == "25006")
      e = errc::read_only;
    else if (code.rfind("22", 0) == 0)
      e = errc::invalid_argument;
    else if (code.rfind("42", 0) == 0 || code.rfind("XX", 0) == 0)
      e = errc::corrupt;
    auto err = pg_detail::pg_failure(e, what, detail);
    if (!code.empty()) err.path = {};
    last_sqlstate_ = code;
    return err;
  }

 public:
  std::string last_sqlstate_;

 private:
  PGconn* c_ = nullptr;
};

// --- options ------------------------------------------------------------------------------------

result<pg_options> pg_options_from_json(const json& config) {
  pg_options o;
  if (config.is_null())
    return error(errc::missing_field, "/conninfo", "Thiếu \"conninfo\" (chuỗi kết nối PostgreSQL)",
                 "Missing \"conninfo\" (the PostgreSQL connection string)");
  if (!config.is_object())
    return error(errc::wrong_type, "", "Cấu hình phải là một đối tượng JSON",
                 "The configuration must be a JSON object");
  for (auto it = config.begin(); it != config.end(); ++it) {
    const auto& k = it.key();
    const auto& v = it.value();
    auto wrong = [&](const char* vi, const char* en) {
      return error(errc::wrong_type, "/" + k, "\"" + k + "\" phải là " + vi, "\"" + k + "\" must be " + en);
    };
    if (k == "conninfo") {
      if (!v.is_string()) return wrong("một chuỗi", "a string");
      o.conninfo = v.get<std::string>();
    } else if (k == "schema") {
      if (!v.is_string()) return wrong("một chuỗi", "a string");
      o.schema = v.get<std::string>();
    } else if (k == "max_scored_matches" || k == "max_title_matches") {
      if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 100 || v.get<std::uint64_t>() > 1000000)
        return wrong("một số nguyên từ 100 đến 1000000", "an integer from 100 to 1000000");
      (k == "max_scored_matches" ? o.max_scored_matches : o.max_title_matches) = v.get<std::size_t>();
    } else if (k == "search_time_limit_ms") {
      if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 600000)
        return wrong("một số nguyên từ 0 đến 600000", "an integer from 0 to 600000");
      o.search_time_limit_ms = v.get<int>();
    } else if (k == "exact_polling") {
      if (!v.is_boolean()) return wrong("true hoặc false", "true or false");
      o.exact_polling = v.get<bool>();
    } else {
      return error(errc::invalid_argument, "/" + k, "Cấu hình không có mục \"" + k + "\"",
                   "Unknown configuration member \"" + k + "\"");
    }
  }
  if (o.conninfo.empty())
    return error(errc::missing_field, "/conninfo", "Thiếu \"conninfo\" (chuỗi kết nối PostgreSQL)",
                 "Missing \"conninfo\" (the PostgreSQL connection string)");
  return o;
}

// --- open and migrate ---------------------------------------------------------------------------

pg_store::pg_store(pg_options opt) : opt_(std::move(opt)), db_(std::make_unique<connection>()) {}
pg_store::~pg_store() = default;

result<std::unique_ptr<pg_store>> pg_store::open(pg_options opt) {
  const auto& s = opt.schema;
  bool ok = !s.empty() && s.size() <= 48 && !(s[0] >= '0' && s[0] <= '9') && !s.starts_with("pg_");
  for (char c : s) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok)
    return error(errc::invalid_argument, "/schema",
                 "Tên lược đồ \"" + s +
                     "\" không hợp lệ: chỉ chữ thường a-z, chữ số và '_', không bắt đầu bằng chữ số hay "
                     "\"pg_\", tối đa 48 ký tự",
                 "Invalid schema name \"" + s +
                     "\": lower-case a-z, digits and '_' only, not starting with a digit or \"pg_\", at most "
                     "48 characters");
  if (opt.schema_version < 1 || opt.schema_version > pg_detail::latest_schema)
    return error(errc::invalid_argument, "/schema_version");
  std::unique_ptr<pg_store> st(new pg_store(std::move(opt)));
  if (auto r = st->open_impl(); !r) return r.err();
  return st;
}

result<void> pg_store::open_impl() {
  if (auto c = db_->connect(opt_.conninfo); !c) return c;
  channel_ = "pbgdpl_" + opt_.schema;
  const std::string schema_q = db_->quote_identifier(opt_.schema);
  const std::string lock_key =
      std::to_string(static_cast<std::int64_t>(pg_detail::fnv1a("pbgdpl schema " + opt_.schema)));
  // Migrations under a lock of their own, so that nodes starting together migrate once.
  if (auto b = db_->exec_script("open", "BEGIN; SELECT pg_advisory_xact_lock(" + lock_key + ")"); !b)
    return b.err();
  auto fail = [&](error e) -> result<void> {
    (void)db_->exec_script("open", "ROLLBACK");
    return e;
  };
  if (auto c = db_->exec_script("open: schema", "CREATE SCHEMA IF NOT EXISTS " + schema_q); !c)
    return fail(c.err());
  if (auto sp = db_->exec("open: search_path", "SELECT set_config('search_path', $1, false)", {schema_q});
      !sp)
    return fail(sp.err());
  auto tables = db_->exec("open: tables",
                          "SELECT count(*), count(*) FILTER (WHERE tablename = 'schema_meta') FROM pg_tables "
                          "WHERE schemaname = $1",
                          {opt_.schema});
  if (!tables) return fail(tables.err());
  int version = 0;
  if (tables->i64(0, 1) == 1) {
    auto v = db_->exec("open: version", "SELECT version, app FROM schema_meta WHERE id = 1");
    if (!v) return fail(v.err());
    if (v->rows() != 1 || v->str(0, 1) != "pbgdpl")
      return fail(error(errc::corrupt, "/schema", "Lược đồ \"" + opt_.schema + "\" không phải của pbgdpl",
                        "The schema \"" + opt_.schema + "\" does not belong to pbgdpl"));
    version = static_cast<int>(v->i64(0, 0));
  } else if (tables->i64(0, 0) > 0) {
    return fail(error(errc::corrupt, "/schema",
                      "Lược đồ \"" + opt_.schema + "\" đã chứa các bảng khác, không phải của pbgdpl",
                      "The schema \"" + opt_.schema + "\" already holds other tables, not pbgdpl's"));
  }
  if (version > pg_detail::latest_schema)
    return fail(error(
        errc::unsupported_version, "/schema",
        "Lược đồ \"" + opt_.schema + "\" do phiên bản pbgdpl mới hơn tạo (phiên bản " +
            std::to_string(version) + ", bản này đọc đến " + std::to_string(pg_detail::latest_schema) + ")",
        "The schema \"" + opt_.schema + "\" was made by a newer pbgdpl (version " + std::to_string(version) +
            ", this one reads up to " + std::to_string(pg_detail::latest_schema) + ")"));
  for (int v = version; v < opt_.schema_version; ++v) {
    if (auto m = db_->exec_script("migration " + std::to_string(v + 1), pg_detail::migrations[v]); !m)
      return fail(m.err());
    if (v + 1 == 2)  // the stored titles' words, in batches
      for (;;) {
        auto rows = db_->exec("migration 2",
                              "SELECT kind, id, title FROM entities WHERE words IS NOT NULL AND title_words "
                              "IS NULL LIMIT 1000");
        if (!rows) return fail(rows.err());
        for (int i = 0; i < rows->rows(); ++i)
          if (auto u = db_->exec(
                  "migration 2", "UPDATE entities SET title_words = $3::tsvector WHERE kind = $1 AND id = $2",
                  {rows->str(i, 0), rows->str(i, 1), pg_detail::words_vector(rows->view(i, 2), {})});
              !u)
            return fail(u.err());
        if (rows->rows() < 1000) break;
      }
    if (auto u = db_->exec("migration", "UPDATE schema_meta SET version = $1 WHERE id = 1",
                           {std::to_string(v + 1)});
        !u)
      return fail(u.err());
  }
  schema_ = std::max(version, opt_.schema_version);
  if (auto c = db_->exec_script("open: commit", "COMMIT"); !c) return c.err();
  if (auto l = db_->exec_script("open: listen", "LISTEN " + db_->quote_identifier(channel_)); !l)
    return l.err();
  auto m = max_audit_seq();
  if (!m) return m.err();
  seen_seq_ = stamp_seq_ = *m;
  return {};
}

int pg_store::schema_version() {
  std::lock_guard lock(mu_);
  auto v = db_->exec("schema_version", "SELECT version FROM schema_meta WHERE id = 1");
  return v && v->rows() == 1 ? static_cast<int>(v->i64(0, 0)) : -1;
}

result<std::int64_t> pg_store::max_audit_seq() {
  auto r = db_->exec("audit log", "SELECT coalesce(max(seq), 0) FROM audit_log");
  if (!r) return r.err();
  return r->i64(0, 0);
}

// --- writes and transactions --------------------------------------------------------------------

result<void> pg_store::ensure_connection() {
  if (depth_ > 0 || db_->healthy()) return {};
  // The server restarted or the network dropped: one new attempt per call, outside transactions
  // (a transaction cut off is lost with its connection and reported by the statement that failed).
  if (!db_->reset())
    return error(errc::io_error, {}, "Mất kết nối tới PostgreSQL", "Lost the connection to PostgreSQL");
  auto sp = db_->exec("reconnect", "SELECT set_config('search_path', $1, false)",
                      {db_->quote_identifier(opt_.schema)});
  if (!sp) return sp.err();
  if (auto l = db_->exec_script("reconnect", "LISTEN " + db_->quote_identifier(channel_)); !l) return l.err();
  others_for_poll_ = others_for_stamp_ = true;  // notifications sent meanwhile were lost
  return {};
}

result<void> pg_store::in_transaction(const std::function<result<void>()>& fn) {
  const bool outer = depth_ == 0;
  const std::string savepoint = "pbgdpl_" + std::to_string(depth_);
  if (outer)
    if (auto c = ensure_connection(); !c) return c;
  if (auto b = db_->exec_script("begin", outer ? "BEGIN" : "SAVEPOINT " + savepoint); !b) return b.err();
  auto undo = [&] {
    (void)db_->exec_script(
        "rollback",
        outer ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT " + savepoint + "; RELEASE SAVEPOINT " + savepoint);
    if (outer) {
      locked_ = false;
      notify_seq_ = 0;
    }
  };
  ++depth_;
  result<void> out;
  try {
    out = fn();
  } catch (...) {
    --depth_;
    undo();
    throw;
  }
  --depth_;
  if (!out) {
    undo();
    return out;
  }
  if (!outer) {
    if (auto r = db_->exec_script("release", "RELEASE SAVEPOINT " + savepoint); !r) {
      undo();
      return r.err();
    }
    return out;
  }
  // The notification is sent by the commit itself (and not at all when it fails).
  if (notify_seq_ > 0)
    if (auto n = db_->exec("notify", "SELECT pg_notify($1, $2)", {channel_, std::to_string(notify_seq_)});
        !n) {
      undo();
      return n.err();
    }
  auto c = db_->exec_script("commit", "COMMIT");
  locked_ = false;
  notify_seq_ = 0;
  if (!c) {
    (void)db_->exec_script("rollback", "ROLLBACK");
    return c.err();
  }
  return out;
}

result<void> pg_store::write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) {
  std::vector<change> batch;
  result<void> out;
  {
    std::lock_guard lock(mu_);
    detail::count_change counted{stamp_};
    change c;
    out = in_transaction([&] { return write_impl(op, r, expected, actor, c); });
    if (out) pending_.push_back(std::move(c));
    batch = take_committed();
  }
  notify(batch);  // outside mu_: a listener may read (or write) this store
  return out;
}

result<void> pg_store::transaction(const std::function<result<void>()>& fn) {
  std::vector<change> batch;
  result<void> out;
  {
    std::lock_guard lock(mu_);
    detail::count_change counted{stamp_};  // a rollback changes what reads return too
    auto mark = pending_.size();           // what rolls back is never told
    try {
      out = in_transaction(fn);
    } catch (...) {
      pending_.resize(mark);
      throw;
    }
    if (!out) pending_.resize(mark);
    batch = take_committed();
  }
  notify(batch);
  return out;
}

std::vector<change> pg_store::take_committed() {
  std::vector<change> batch;
  if (depth_ > 0 || pending_.empty()) return batch;
  batch.swap(pending_);
  // Writers serialise on the lock, so nobody committed between the log's end we saw when we took
  // it (lock_seq_) and our commit. When that end is where poll_changes() and change_stamp() had
  // got to, they may move past our entries; otherwise others' entries lie before ours and the
  // polls must still read them (ours are skipped by number).
  std::int64_t ours = 0;
  for (const auto& c : batch) ours = std::max(ours, static_cast<std::int64_t>(c.audit_seq));
  if (lock_seq_ == seen_seq_) {
    seen_seq_ = std::max(seen_seq_, ours);
    own_seqs_.clear();
  } else {
    for (const auto& c : batch) own_seqs_.insert(static_cast<std::int64_t>(c.audit_seq));
  }
  if (lock_seq_ == stamp_seq_) stamp_seq_ = std::max(stamp_seq_, ours);  // counted by count_change
  return batch;
}

result<void> pg_store::write_impl(write_op op, const record& r, std::uint64_t expected,
                                  std::string_view actor, change& done) {
  if (!locked_) {
    // One writer at a time across every node: the audit log's order is the commit order, which
    // is what lets poll_changes() read it from a mark without missing an entry.
    const std::string key =
        std::to_string(static_cast<std::int64_t>(pg_detail::fnv1a("pbgdpl writes " + opt_.schema)));
    if (auto l = db_->exec_script("write: lock", "SELECT pg_advisory_xact_lock(" + key + ")"); !l)
      return l.err();
    auto m = max_audit_seq();
    if (!m) return m.err();
    lock_seq_ = *m;
    locked_ = true;
  }
  std::uint64_t stored = 0;
  std::string previous, old_unit;
  if (op != write_op::create) {
    auto cur =
        db_->exec("write", "SELECT version, body, unit FROM entities WHERE kind = $1 AND id = $2 FOR UPDATE",
                  {r.kind, r.id});
    if (!cur) return cur.err();
    if (cur->rows() == 0) return not_found_error(r.kind, r.id);
    stored = static_cast<std::uint64_t>(cur->i64(0, 0));
    previous = cur->str(0, 1);
    old_unit = cur->str(0, 2);
    bool version_ok = op == write_op::remove ? (expected == 0 || stored == expected)
                                             : (stored == expected && r.version == expected + 1);
    if (!version_ok) return conflict_error(r.kind, r.id, expected, stored);
  }
  if (op == write_op::remove) {
    if (auto d = db_->exec("remove", "DELETE FROM entities WHERE kind = $1 AND id = $2", {r.kind, r.id}); !d)
      return d.err();
  } else {
    const bool indexed = r.searchable && !r.archived;
    params p{r.kind,
             r.id,
             std::to_string(r.version),
             r.body.dump(),
             r.unit,
             r.parent,
             r.sub_kind,
             r.category,
             r.state,
             r.doc_type,
             r.doc_level,
             r.doc_status,
             r.sort_key,
             r.day,
             pg_detail::array_literal(r.fields),
             r.archived ? "t" : "f",
             pg_detail::without_nul(r.searchable ? r.title : std::string()),
             pg_detail::without_nul(r.searchable ? r.text : std::string()),
             r.searchable ? title_fold_key(r.title) : std::string(),
             r.number_key,
             pg_detail::array_literal(r.cites),
             indexed ? std::optional<std::string>(pg_detail::words_vector(r.title, r.text)) : std::nullopt,
             indexed ? std::optional<std::string>(pg_detail::words_vector(r.title, {})) : std::nullopt};
    // Schema 1 (tests of the migration) has no title_words: its parameter is then unused.
    if (schema_ < 2) p.pop_back();
    const char* sql =
        schema_ < 2
            ? (op == write_op::create ? "INSERT INTO entities(kind, id, version, body, unit, parent, "
                                        "sub_kind, category, state, doc_type, doc_level, "
                                        "doc_status, sort_key, day, fields, archived, title, search_text, "
                                        "title_fold, number_key, cites, words) "
                                        "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15::text[],$"
                                        "16,$17,$18,$19,$20,$21::text[],$22::tsvector) "
                                        "ON CONFLICT (kind, id) DO NOTHING RETURNING 1"
                                      : "UPDATE entities SET version=$3, body=$4, unit=$5, parent=$6, "
                                        "sub_kind=$7, category=$8, state=$9, doc_type=$10, "
                                        "doc_level=$11, doc_status=$12, sort_key=$13, day=$14, "
                                        "fields=$15::text[], archived=$16, title=$17, "
                                        "search_text=$18, title_fold=$19, number_key=$20, cites=$21::text[], "
                                        "words=$22::tsvector "
                                        "WHERE kind=$1 AND id=$2 RETURNING 1")
        : op == write_op::create ? "INSERT INTO entities(kind, id, version, body, unit, parent, sub_kind, "
                                   "category, state, doc_type, doc_level, "
                                   "doc_status, sort_key, day, fields, archived, title, search_text, "
                                   "title_fold, number_key, cites, words, title_words) "
                                   "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15::text[],$16,$"
                                   "17,$18,$19,$20,$21::text[],$22::tsvector,"
                                   "$23::tsvector) "
                                   "ON CONFLICT (kind, id) DO NOTHING RETURNING 1"
                                 : "UPDATE entities SET version=$3, body=$4, unit=$5, parent=$6, "
                                   "sub_kind=$7, category=$8, state=$9, doc_type=$10, "
                                   "doc_level=$11, doc_status=$12, sort_key=$13, day=$14, "
                                   "fields=$15::text[], archived=$16, title=$17, "
                                   "search_text=$18, title_fold=$19, number_key=$20, cites=$21::text[], "
                                   "words=$22::tsvector, title_words=$23::tsvector "
                                   "WHERE kind=$1 AND id=$2 RETURNING 1";
    auto w = db_->exec("write", sql, p);
    if (!w) return w.err();
    if (w->rows() == 0) {
      if (op == write_op::create)
        return error(errc::already_exists, "/id", "Đã có " + r.kind + " \"" + r.id + "\"",
                     "A " + r.kind + " \"" + r.id + "\" already exists");
      return not_found_error(r.kind, r.id);
    }
  }
  done.kind = r.kind;
  done.id = r.id;
  done.op = op;
  done.version = op == write_op::remove ? stored : r.version;
  done.unit = op == write_op::remove ? old_unit : r.unit;
  if ((op == write_op::update || op == write_op::archive) && old_unit != r.unit)
    done.previous_unit = old_unit;
  auto a = db_->exec(
      "audit",
      "INSERT INTO audit_log(at, actor, kind, id, action, version, previous, unit, previous_unit) "
      "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING seq",
      {format_timestamp_utc(now()), std::string(actor), r.kind, r.id, std::string(to_string(op)),
       std::to_string(done.version), previous.empty() ? std::nullopt : std::optional<std::string>(previous),
       done.unit, done.previous_unit});
  if (!a) return a.err();
  done.audit_seq = static_cast<std::uint64_t>(a->i64(0, 0));
  notify_seq_ = std::max(notify_seq_, a->i64(0, 0));
  return {};
}

// --- reads --------------------------------------------------------------------------------------

result<record> pg_store::read(std::string_view kind, std::string_view id) {
  std::lock_guard lock(mu_);
  if (auto c = ensure_connection(); !c) return c.err();
  auto res = db_->exec(
      "read",
      std::string("SELECT ") + pg_detail::record_columns + " FROM entities e WHERE e.kind = $1 AND e.id = $2",
      {std::string(kind), std::string(id)});
  if (!res) return res.err();
  if (res->rows() == 0) return not_found_error(kind, id);
  return pg_detail::row_record(*res, 0, true);
}

result<std::vector<std::string>> pg_store::expand_units(const filter& f) {
  // The unit and every unit below it, at most max_unit_depth levels down (a damaged tree with a
  // cycle cannot make this loop).
  auto res = db_->exec("units",
                       "WITH RECURSIVE sub(id, depth) AS (SELECT $1::text COLLATE \"C\", 0 UNION "
                       "SELECT c.id, sub.depth + 1 FROM entities c JOIN sub ON c.parent = sub.id "
                       "WHERE c.kind = 'unit' AND sub.depth < $2) SELECT DISTINCT id FROM sub",
                       {*f.unit, std::to_string(max_unit_depth)});
  if (!res) return res.err();
  std::vector<std::string> ids;
  for (int i = 0; i < res->rows(); ++i) ids.push_back(res->str(i, 0));
  return ids;
}

// The units a filter's unit clause admits: none when it has none, the unit alone, or the unit
// and every unit below it.
result<std::optional<std::vector<std::string>>> pg_store::unit_scope(const filter& f) {
  if (!f.unit) return std::optional<std::vector<std::string>>{};
  if (!f.include_descendants) return std::optional<std::vector<std::string>>{std::vector<std::string>{*f.unit}};
  auto u = expand_units(f);
  if (!u) return u.err();
  return std::optional<std::vector<std::string>>{std::move(*u)};
}

result<page<record>> pg_store::list_records(std::string_view kind, const list_query& q) {
  if (auto l = check_limit(q.limit); !l) return l.err();
  std::optional<std::pair<std::string, std::string>> after;
  if (!q.cursor.empty()) {
    auto c = parse_key_cursor(q.cursor);
    if (!c) return c.err();
    after = std::move(*c);
  }
  std::lock_guard lock(mu_);
  if (auto c = ensure_connection(); !c) return c.err();
  auto scope = unit_scope(q.where);
  if (!scope) return scope.err();
  std::optional<std::vector<std::string>> units = std::move(*scope);
  params p{std::string(kind)};
  std::string sql = std::string("SELECT ") +
                    (q.bodies ? pg_detail::record_columns : pg_detail::record_columns_no_body) +
                    " FROM entities e WHERE e.kind = $1" + pg_detail::filter_sql(q.where, units, p);
  if (after) sql += pg_detail::keyset_sql(after->first, after->second, q.oldest_first ? ">" : "<", p);
  p.push_back(std::to_string(q.limit + 1));
  sql += std::string(q.oldest_first ? " ORDER BY e.sort_key, e.id" : " ORDER BY e.sort_key DESC, e.id DESC") +
         " LIMIT $" + std::to_string(p.size());
  auto res = db_->exec("list", sql, p);
  if (!res) return res.err();
  page<record> out;
  for (int i = 0; i < res->rows(); ++i) {
    auto r = pg_detail::row_record(*res, i, q.bodies);
    if (!r) return r.err();
    out.items.push_back(std::move(*r));
  }
  if (out.items.size() > q.limit) {
    out.items.pop_back();
    out.next_cursor = key_cursor(out.items.back().sort_key, out.items.back().id);
  }
  return out;
}

result<std::vector<audit_entry>> pg_store::audit_log(std::string_view kind, std::string_view id,
                                                     std::size_t limit) {
  std::lock_guard lock(mu_);
  if (auto c = ensure_connection(); !c) return c.err();
  const auto cap =
      std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()));
  auto res = db_->exec("audit_log",
                       "SELECT seq, at, actor, kind, id, action, version, previous FROM audit_log "
                       "WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR id = $2) ORDER BY seq DESC LIMIT $3",
                       {std::string(kind), std::string(id), std::to_string(cap)});
  if (!res) return res.err();
  std::vector<audit_entry> out;
  for (int i = 0; i < res->rows(); ++i) {
    audit_entry a;
    a.seq = static_cast<std::uint64_t>(res->i64(i, 0));
    a.at = parse_timestamp(res->view(i, 1)).value_or(timestamp{});
    a.actor = res->str(i, 2);
    a.kind = res->str(i, 3);
    a.id = res->str(i, 4);
    a.action = res->str(i, 5);
    a.version = static_cast<std::uint64_t>(res->i64(i, 6));
    a.previous = res->is_null(i, 7) ? json(nullptr) : json_io::parse(res->view(i, 7)).value_or(json(nullptr));
    out.push_back(std::move(a));
  }
  return out;
}

// --- search -------------------------------------------------------------------------------------

result<search_page> pg_store::search(const search_request& req) {
  if (auto l = check_limit(req.limit); !l) return l.err();
  auto offset = cursor_offset(req.cursor);
  if (!offset) return offset.err();
  auto pq = parse_query(req.q, search_filter(req));
  if (!pq) return pq.err();
  const auto& q = *pq;
  const auto& kinds = req.kinds.empty() ? searchable_kinds() : req.kinds;
  if (auto k = check_searchable(kinds); !k) return k.err();
  const bool newest = req.order == search_order::newest;
  const std::string tsq = pg_detail::words_query(q);

  std::lock_guard lock(mu_);
  if (auto c = ensure_connection(); !c) return c.err();
  // Outside a transaction of ours: one snapshot for every query below, and a time limit.
  const bool own_txn = depth_ == 0;
  if (own_txn) {
    std::string begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    if (opt_.search_time_limit_ms > 0)
      begin += "; SET LOCAL statement_timeout = " + std::to_string(opt_.search_time_limit_ms);
    if (auto b = db_->exec_script("search", begin); !b) return b.err();
  }
  struct end_txn {
    connection& db;
    bool on;
    ~end_txn() {
      if (on) (void)db.exec_script("search", "COMMIT");
    }
  } ender{*db_, own_txn};
  auto too_broad = [&](const error& e) -> error {
    if (db_->last_sqlstate_ == "57014")
      return error(errc::invalid_argument, "/q",
                   "Câu tìm kiếm quá rộng: hãy bớt những từ phổ biến hoặc viết đủ từ thay vì dấu *",
                   "This search is too broad: use fewer common words, or whole words instead of *");
    return e;
  };

  auto scope = unit_scope(q.where);
  if (!scope) return scope.err();
  std::optional<std::vector<std::string>> units = std::move(*scope);
  // A document number in the query: the (unarchived) documents with it, whatever the filters,
  // give the ids their citers name; a citer may also name the number itself.
  std::vector<std::string> cited;
  if (!newest && !q.numbers.empty()) {
    for (const auto& n : q.numbers) cited.push_back("no:" + n);
    auto res =
        db_->exec("search: numbers",
                  "SELECT id FROM entities WHERE number_key = ANY($1::text[]) AND NOT archived LIMIT $2",
                  {pg_detail::array_literal(q.numbers), std::to_string(max_boosted_rows)});
    if (!res) return too_broad(res.err());
    for (int i = 0; i < res->rows(); ++i) cited.push_back("id:" + res->str(i, 0));
  }
  if (tsq.empty() && cited.empty()) return search_page{};

  // The candidates, in two bounded stages (PostgreSQL's indexes; the scorer decides the order):
  //  1. records whose title holds every term (title_words), and for a number its documents and
  //     citers: the matches that weigh most, few even for common words;
  //  2. every term anywhere (words), newest first.
  // Each stage stops at its cap; past either, the page is the best of the rows scored and says so.
  struct candidate {
    std::string kind, id, title, text, sort_key, number_key;
    std::vector<std::string> cites;
  };
  std::vector<candidate> cands;
  std::set<std::pair<std::string, std::string>> seen_cands;
  bool capped = false;
  auto fetch = [&](const std::string& column, bool with_numbers, std::size_t cap) -> result<void> {
    params p{pg_detail::array_literal(kinds)};
    std::string match;
    if (!tsq.empty()) {
      p.push_back(tsq);
      match = "e." + column + " @@ $" + std::to_string(p.size()) + "::tsquery";
    }
    if (with_numbers && !cited.empty()) {
      p.push_back(pg_detail::array_literal(q.numbers));
      std::string nums = "$" + std::to_string(p.size());
      p.push_back(pg_detail::array_literal(cited));
      std::string cites = "$" + std::to_string(p.size());
      match += std::string(match.empty() ? "" : " OR ") + "e.number_key = ANY(" + nums +
               "::text[]) OR e.cites && " + cites + "::text[]";
    }
    if (match.empty()) return {};
    // The newest matches are chosen on narrow rows (keys only: the sort stays in memory), then
    // their texts are read.
    std::string sql =
        "WITH top AS (SELECT e.kind, e.id, e.sort_key FROM entities e "
        "WHERE e.kind = ANY($1::text[]) AND e.words IS NOT NULL AND (" +
        match + ")" + pg_detail::filter_sql(q.where, units, p);
    p.push_back(std::to_string(cap + 1));
    sql += " ORDER BY e.sort_key DESC, e.id DESC LIMIT $" + std::to_string(p.size()) +
           ") SELECT e.kind, e.id, e.title, e.search_text, e.sort_key, e.number_key, e.cites FROM top "
           "JOIN entities e ON e.kind = top.kind AND e.id = top.id ORDER BY top.sort_key DESC, top.id DESC";
    auto res = db_->exec("search", sql, p);
    if (!res) return too_broad(res.err());
    const auto rows = static_cast<std::size_t>(res->rows());
    if (rows > cap) capped = true;
    for (std::size_t i = 0; i < rows && i < cap; ++i) {
      const int row = static_cast<int>(i);
      if (!seen_cands.emplace(res->str(row, 0), res->str(row, 1)).second) continue;
      cands.push_back({res->str(row, 0), res->str(row, 1), res->str(row, 2), res->str(row, 3),
                       res->str(row, 4), res->str(row, 5), res->text_array(row, 6)});
    }
    return {};
  };
  if (!newest && schema_ >= 2)
    if (auto f = fetch("title_words", true, opt_.max_title_matches); !f) return f.err();
  if (auto f = fetch("words", newest ? false : true, opt_.max_scored_matches); !f) return f.err();
  const std::size_t n = cands.size();

  // The prefix boosts count the titles, whatever the filters, that begin with the query's words
  // (bounded: prefix_range_cap), as every store does (search.hpp).
  bool prefix_rule = false;
  if (!newest && static_cast<std::size_t>(std::count(q.folded_key.begin(), q.folded_key.end(), ' ')) + 1 >=
                     min_title_prefix_words) {
    auto res =
        db_->exec("search: titles", "SELECT title_fold FROM entities WHERE title_fold LIKE $1 LIMIT $2",
                  {[&] {
                     std::string like;
                     for (char c : q.folded_key) {
                       if (c == '%' || c == '_' || c == '\\') like += '\\';
                       like += c;
                     }
                     return like + " %";
                   }(),
                   std::to_string(prefix_range_cap)});
    if (!res) return too_broad(res.err());
    std::size_t sharing = 0;
    for (int i = 0; i < res->rows(); ++i)
      if (title_starts_with_query(res->view(i, 0), q.folded_key)) ++sharing;
    prefix_rule = sharing < prefix_range_cap;
  }

  struct hit {
    double score;
    int row;
  };
  std::vector<hit> hits;
  std::vector<std::size_t> exact_prefix, folded_prefix;
  scorer sc(q);
  for (std::size_t i = 0; i < n; ++i) {
    const int row = static_cast<int>(i);
    const auto& c = cands[i];
    int prefix = 0;
    double s = sc.score(c.title, c.text, newest ? nullptr : &prefix);
    if (newest) {
      if (s > 0) hits.push_back({0, row});
      continue;
    }
    if (s > 0 && prefix == 2) exact_prefix.push_back(hits.size());
    if (s > 0 && prefix >= 1) folded_prefix.push_back(hits.size());
    if (!cited.empty()) {
      if (!c.number_key.empty() &&
          std::find(q.numbers.begin(), q.numbers.end(), c.number_key) != q.numbers.end()) {
        s += boost_number;
      } else {
        if (std::find_first_of(c.cites.begin(), c.cites.end(), cited.begin(), cited.end()) != c.cites.end())
          s += boost_cites_number;
      }
    }
    if (s > 0) hits.push_back({s, row});
  }
  const bool exact_boost = prefix_rule && exact_prefix.size() < max_boosted_rows;
  if (exact_boost)
    for (auto i : exact_prefix) hits[i].score += boost_prefix_exact;
  if (prefix_rule && folded_prefix.size() < max_boosted_rows)
    for (auto i : folded_prefix)
      if (!exact_boost || std::find(exact_prefix.begin(), exact_prefix.end(), i) == exact_prefix.end())
        hits[i].score += boost_prefix_folded;
  auto key_of = [&](const hit& h) {
    const auto& c = cands[static_cast<std::size_t>(h.row)];
    return std::tie(c.sort_key, c.id, c.kind);
  };
  std::sort(hits.begin(), hits.end(), [&](const hit& a, const hit& b) {
    if (a.score != b.score) return a.score > b.score;
    return key_of(a) > key_of(b);
  });

  search_page out;
  out.approximate = capped && !newest;
  const auto end = std::min(hits.size(), *offset + req.limit);
  if (*offset < end) {
    // The page's records, read once: each hit carries its record (search_hit::stored).
    std::vector<std::string> page_kinds, page_ids;
    for (std::size_t i = *offset; i < end; ++i) {
      page_kinds.push_back(cands[static_cast<std::size_t>(hits[i].row)].kind);
      page_ids.push_back(cands[static_cast<std::size_t>(hits[i].row)].id);
    }
    auto res = db_->exec("search: load",
                         std::string("SELECT ") + pg_detail::record_columns +
                             " FROM entities e JOIN unnest($1::text[], $2::text[]) AS k(kind, id) "
                             "ON e.kind = k.kind COLLATE \"C\" AND e.id = k.id COLLATE \"C\"",
                         {pg_detail::array_literal(page_kinds), pg_detail::array_literal(page_ids)});
    if (!res) return too_broad(res.err());
    std::map<std::pair<std::string, std::string>, record> loaded;
    for (int i = 0; i < res->rows(); ++i) {
      auto r = pg_detail::row_record(*res, i, true);
      if (!r) return r.err();
      auto key = std::pair{r->kind, r->id};
      loaded.emplace(std::move(key), std::move(*r));
    }
    for (std::size_t i = *offset; i < end; ++i) {
      const auto& c = cands[static_cast<std::size_t>(hits[i].row)];
      auto it = loaded.find({c.kind, c.id});
      if (it == loaded.end()) continue;  // cannot happen within one snapshot
      record& r = it->second;
      fill_search_text(r);
      search_hit h{r.kind, r.id, r.title, snippet(r.title, q, 1000), snippet(r.text, q), hits[i].score, {}};
      h.stored = std::move(r);
      out.items.push_back(std::move(h));
    }
  }
  if (end < hits.size()) out.next_cursor = offset_cursor(end);
  return out;
}

// --- changes ------------------------------------------------------------------------------------

bool pg_store::drain_notifications() {
  PGconn* c = db_->handle();
  if (!c || PQconsumeInput(c) == 0) return false;
  bool foreign = false;
  const int self = PQbackendPID(c);
  while (PGnotify* n = PQnotifies(c)) {
    if (n->be_pid != self) foreign = true;
    PQfreemem(n);
  }
  if (foreign) others_for_poll_ = others_for_stamp_ = true;
  return foreign;
}

result<std::size_t> pg_store::poll_changes() {
  std::vector<change> batch;
  {
    std::lock_guard lock(mu_);
    if (depth_ > 0) return std::size_t{0};  // this store's transaction: told at its commit
    if (auto c = ensure_connection(); !c) return c.err();
    drain_notifications();
    if (!others_for_poll_ && !opt_.exact_polling) return std::size_t{0};
    auto res = db_->exec("poll_changes",
                         "SELECT seq, kind, id, action, version, unit, previous_unit FROM audit_log "
                         "WHERE seq > $1 ORDER BY seq LIMIT $2",
                         {std::to_string(seen_seq_), std::to_string(max_poll_rows)});
    if (!res) return res.err();
    for (int i = 0; i < res->rows(); ++i) {
      auto seq = res->i64(i, 0);
      seen_seq_ = std::max(seen_seq_, seq);
      if (own_seqs_.erase(seq)) continue;  // ours: told when it committed
      change c;
      c.audit_seq = static_cast<std::uint64_t>(seq);
      c.kind = res->str(i, 1);
      c.id = res->str(i, 2);
      if (!pg_detail::parse_write_op(res->view(i, 3), c.op))
        c.op = write_op::update;  // a newer action: a change
      c.version = static_cast<std::uint64_t>(res->i64(i, 4));
      c.unit = res->str(i, 5);
      if (!res->is_null(i, 6)) c.previous_unit = res->str(i, 6);
      batch.push_back(std::move(c));
    }
    own_seqs_.erase(own_seqs_.begin(), own_seqs_.upper_bound(seen_seq_));
    others_for_poll_ = static_cast<std::size_t>(res->rows()) == max_poll_rows;  // more to read next time
  }
  notify(batch);
  return batch.size();
}

std::optional<std::uint64_t> pg_store::change_stamp() {
  std::lock_guard lock(mu_);
  if (!ensure_connection()) return std::nullopt;  // cannot tell: nothing may be kept
  drain_notifications();
  if (others_for_stamp_) {
    others_for_stamp_ = false;
    ++stamp_;
  }
  if (opt_.exact_polling && depth_ == 0) {
    auto m = max_audit_seq();
    if (!m) return std::nullopt;
    if (*m != stamp_seq_) {
      stamp_seq_ = *m;
      ++stamp_;
    }
  }
  return stamp_;
}

result<std::unique_ptr<pg_store>> open_pg_store(pg_options opt) { return pg_store::open(std::move(opt)); }

}  // namespace store
PBGDPL_NAMESPACE_END
