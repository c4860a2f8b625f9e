// Shared helpers for the store tests: entity builders and the store factories the conformance
// suite runs against (memory, SQLite and PostgreSQL through its plugin).
#pragma once
#include <pbgdpl/store/memory.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <sqlite3.h>

// The PostgreSQL factory only where the build gives the plugin directory (the store tests):
// the other areas that borrow these builders need neither libpq nor the plugin host.
#if defined(PBGDPL_PLUGIN_DIR)
#include <pbgdpl/plugin/host.hpp>

#include <libpq-fe.h>
#endif

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fixtures {
using namespace pbgdpl;
using namespace pbgdpl::store;

// A fresh directory under the build tree, removed with the object.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    static std::atomic<int> n{0};
    path = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / "store-tests" /
           (std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" + random_id_string().substr(0, 8));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

inline search_request sr(std::string q, std::vector<std::string> kinds = {}, std::size_t limit = 20, std::string cursor = {}) {
  search_request r;
  r.q = std::move(q);
  r.kinds = std::move(kinds);
  r.limit = limit;
  r.cursor = std::move(cursor);
  return r;
}

inline timestamp at(const char* s) { return parse_timestamp(s).value(); }

inline article make_article(std::string title, std::string body, std::string unit = "th-van-yen",
                            const char* when = "2023-03-22T08:00:00+07:00") {
  article a;
  a.title = std::move(title);
  a.body_markdown = std::move(body);
  a.unit = unit_id{std::move(unit)};
  a.author = account_id{"editor-1"};
  a.created_at = a.updated_at = at(when);
  a.state = article_state::published;
  a.published_at = a.created_at;
  a.category = "tin-hoat-dong";
  return a;
}

inline unit make_unit(std::string id, std::string name, std::optional<std::string> parent, unit_kind k = unit_kind::school) {
  unit u;
  u.id = unit_id{std::move(id)};
  u.name = std::move(name);
  u.short_name = u.name;
  u.kind = k;
  if (k == unit_kind::school) u.level = school_level::th;
  if (parent) u.parent = unit_id{*parent};
  return u;
}

inline legal_document make_document(std::string id, std::string number, std::string type, int y, int m, int d,
                                    std::vector<std::string> fields = {"Giáo dục"}) {
  legal_document doc;
  doc.id = legal_document_id{std::move(id)};
  doc.number = std::move(number);
  doc.type_code = std::move(type);
  doc.issued_on = date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
  doc.year = y;
  doc.level = document_level::district;
  doc.issuer = "Phòng Giáo dục và Đào tạo quận Hà Đông";
  doc.title = "Kế hoạch tăng cường ứng dụng công nghệ thông tin trong phổ biến, giáo dục pháp luật";
  doc.fields = std::move(fields);
  doc.created_at = doc.updated_at = at("2023-03-22T08:00:00+07:00");
  return doc;
}

struct memory_factory {
  static constexpr const char* name = "memory";
  std::unique_ptr<pbgdpl::store::store> make() { return make_memory_store(); }
};

struct sqlite_factory {
  static constexpr const char* name = "sqlite";
  temp_dir dir;
  std::unique_ptr<pbgdpl::store::store> make() {
    auto s = open_sqlite_store(dir.path / "pbgdpl.db");
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.err().describe()));
    return std::move(*s);
  }
};

#if defined(PBGDPL_PLUGIN_DIR)
// PostgreSQL, through the plugin host as a portal loads it: the "postgres" plugin from the
// build's plugins/ directory, one schema of its own per factory (every make() opens it, as
// sqlite_factory's opens one file), dropped with the factory. The server comes from PBGDPL_TEST_PG, which the
// CTest fixture sets (scripts/pg-test-server.sh); without it the case fails, never skips. These
// variants ("...<fixtures::postgres_factory>") are left out of the ordinary test list and run by
// the "store: ... suite (PostgreSQL)" tests, under the fixture that starts the server.
struct postgres_factory {
  static constexpr const char* name = "postgres";
  std::string schema = "t_" + random_id_string().substr(0, 12);
  postgres_factory() {
    for (auto& c : schema)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';
  }
  static std::string conninfo() {
    const char* c = std::getenv("PBGDPL_TEST_PG");
    REQUIRE_MESSAGE((c && *c), "PBGDPL_TEST_PG is not set: the PostgreSQL variants need a server (ctest starts one; by hand: "
                               "scripts/pg-test-server.sh start DIR, then scripts/pg-test-server.sh exec DIR <test>)");
    return c;
  }
  std::unique_ptr<pbgdpl::store::store> make() {
    static pbgdpl::plugin::plugin_host host([] {
      pbgdpl::plugin::host_options o;
      o.enabled = true;
      o.dirs = {PBGDPL_PLUGIN_DIR};
      o.use_env_path = false;
      return o;
    }());
    auto s = pbgdpl::plugin::open_store(host, "postgres", json{{"conninfo", conninfo()}, {"schema", schema}});
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.err().describe()));
    return std::move(*s);
  }
  ~postgres_factory() {
    const char* c = std::getenv("PBGDPL_TEST_PG");
    if (!c) return;
    PGconn* db = PQconnectdb(c);
    if (PQstatus(db) == CONNECTION_OK)
      PQclear(PQexec(db, ("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + schema + " CASCADE").c_str()));
    PQfinish(db);
  }
  postgres_factory(const postgres_factory&) = delete;
  postgres_factory& operator=(const postgres_factory&) = delete;
};
#endif

}  // namespace fixtures
