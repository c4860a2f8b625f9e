// A portal over the demo data in an in-memory store, driven through its handler (no socket).
#pragma once
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

namespace pbgdpl_test {
using namespace pbgdpl;

struct portal_fixture {
  store::memory_store db;
  dataset seed;
  std::unique_ptr<portal::site> site;
  http::handler handle;

  explicit portal_fixture(portal::options o = {}) {
    auto raw = store::read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
    REQUIRE(raw);
    auto d = dataset_from_json(*raw);
    REQUIRE_MESSAGE(d, (d ? "" : d.err().describe()));
    seed = *d;
    REQUIRE(publish::render_html(seed));  // as the demo does: HTML is made when content is written
    REQUIRE(store::import_dataset(db, seed));
    if (o.default_unit.empty()) o.default_unit = division().id.value;
    if (!o.city_banner && !seed.banners.empty()) o.city_banner = seed.banners.front();
    site = std::make_unique<portal::site>(db, std::move(o));
    handle = site->handler();
  }

  const unit& division() const {
    for (const auto& u : seed.units)
      if (u.kind == unit_kind::education_division) return u;
    FAIL("the seed has no education division");
    return seed.units.front();
  }

  http::response get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return send(http::verb::get, std::move(target), {}, std::move(headers));
  }

  http::response send(http::verb method, std::string target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::beast_request m{method, target, 11};
    m.set(http::bhttp::field::host, "127.0.0.1:8080");
    for (auto& [k, v] : headers) m.set(k, v);
    m.body() = std::move(body);
    m.prepare_payload();
    http::request req(std::move(m));
    auto r = handle(req);
    return r;
  }

  static std::string body(const http::response& r) { return std::string(r.body_view()); }
};

}  // namespace pbgdpl_test
