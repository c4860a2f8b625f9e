// A portal over the demo data in an in-memory store, driven through its handler (no socket).
#pragma once
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

namespace pbgdpl_test {
using namespace pbgdpl;

// A day the seed's division still managed its schools.
inline constexpr const char* before_reform = "2025-03-03T09:00:00+07:00";

struct portal_fixture {
  store::memory_store db;
  dataset seed;
  std::unique_ptr<portal::site> site;
  std::shared_ptr<portal::live_units> units;  // the site's: the hierarchy of the fixture's day
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
    // The portal's day: these tests were written for the division and its schools, so they run
    // on a day before the reform of 1 July 2025 ended the division (the clock keeps moving from
    // there). Tests of the reform (test_portal_reform.cpp) pass a clock of their own.
    if (!o.now) o.now = clock();
    if (!o.units) o.units = std::make_shared<portal::live_units>(db, o.now);
    units = o.units;
    if (!o.city_banner && !seed.banners.empty()) o.city_banner = seed.banners.front();
    site = std::make_unique<portal::site>(db, std::move(o));
    handle = site->handler();
  }

  // A clock running from before_reform (the units' day for the hierarchy and the pages).
  static std::function<timestamp()> clock() {
    const auto shift = now() - parse_timestamp(before_reform).value();
    return [shift] { return now() - shift; };
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
