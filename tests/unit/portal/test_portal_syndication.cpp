#include <pbgdpl/portal/syndication.hpp>

#include "portal_fixture.hpp"

#include <pbgdpl/http/server.hpp>
#include <pbgdpl/publish/workflow.hpp>

#include <mutex>

using namespace pbgdpl;
using namespace pbgdpl_test;
using namespace std::chrono_literals;

namespace {

const char* const school = "th-van-yen";

article school_article(std::string id, std::string title, article_state s, timestamp published) {
  article a;
  a.id = article_id{std::move(id)};
  a.title = std::move(title);
  a.body_markdown = "Nội dung " + a.title;
  a.unit = unit_id{school};
  a.author = account_id{"acc-school-editor"};
  a.state = s;
  a.created_at = a.updated_at = published - 1h;
  if (s == article_state::published) a.published_at = published;
  return a;
}

// Receives pushes on 127.0.0.1 and answers 200.
struct receiver {
  std::mutex mu;
  std::vector<std::string> keys;
  std::unique_ptr<http::server> srv;
  receiver() {
    http::server_config cfg;
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.threads = 1;
    srv = std::make_unique<http::server>(cfg, [this](http::request& req) {
      std::lock_guard lock(mu);
      keys.emplace_back(req.header("Idempotency-Key"));
      return http::response::text("ok");
    });
    srv->start();
  }
  ~receiver() { srv->stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(srv->port()) + "/nhan"; }
};

}  // namespace

TEST_CASE("a unit's package holds its own published content only, and approvals that match it") {
  auto key = std::make_shared<portal::syndication_signer>(std::make_shared<const trust::secret_key>(trust::secret_key::generate()));
  portal::options o;
  o.syndication = key;
  portal_fixture f(o);
  const auto t = f.site->config().now();
  REQUIRE(f.db.create(school_article("bai-nhap-bi-mat", "Bản nháp bí mật", article_state::draft, t), "test"));
  REQUIRE(f.db.create(school_article("bai-hen-gio", "Bài hẹn giờ ngày mai", article_state::published, t + 24h), "test"));
  REQUIRE(f.db.create(school_article("bai-da-dang", "Bài đã đăng", article_state::published, t - 1h), "test"));
  auto u = f.db.get<unit>(school);
  REQUIRE(u);
  auto p = portal::build_package(f.db, *u, portal::urls{"https://thvanyen.hadong.edu.vn"}, t);
  REQUIRE(p);
  std::vector<std::string> ids;
  for (const auto& i : p->items) ids.push_back(i.id);
  CHECK(std::find(ids.begin(), ids.end(), "bai-da-dang") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "th-van-yen-ngay-phap-luat-2023") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "bai-nhap-bi-mat") == ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "bai-hen-gio") == ids.end());
  // The division's package does not carry the school's articles (each unit sends its own).
  auto div = portal::build_package(f.db, f.division(), portal::urls{"https://pgd.example"}, t);
  REQUIRE(div);
  for (const auto& i : div->items) CHECK(i.id != "bai-da-dang");
  // Through the routes: the package verifies with the signer's key, the pair matches.
  auto g = f.get("/don-vi/th-van-yen/pbgdpl/lien-thong/goi.json");
  auto s = f.get("/don-vi/th-van-yen/pbgdpl/lien-thong/goi.json.minisig");
  REQUIRE(g.code == http::status::ok);
  REQUIRE(s.code == http::status::ok);
  auto v = network::verify_package(portal_fixture::body(g), portal_fixture::body(s), key->key().public_part());
  REQUIRE_MESSAGE(v, (v ? "" : v.err().describe()));
  CHECK(portal_fixture::body(g).find("Bản nháp bí mật") == std::string::npos);
  CHECK(portal_fixture::body(g).find("acc-school-editor") == std::string::npos);
}

TEST_CASE("a package stays within its byte budget, the newest items kept") {
  portal_fixture f;
  const auto t = f.site->config().now();
  for (int i = 0; i < 6; ++i) {
    auto a = school_article("bai-dai-" + std::to_string(i), "Bài dài " + std::to_string(i), article_state::published,
                            t - std::chrono::hours(10 - i));
    a.body_markdown = std::string(3000, 'x');
    REQUIRE(f.db.create(a, "test"));
  }
  auto u = f.db.get<unit>(school);
  REQUIRE(u);
  portal::package_limits l;
  l.max_bytes = 15000;  // room for three of them (about 4.7 kB each), not four
  auto p = portal::build_package(f.db, *u, portal::urls{"https://thvanyen.hadong.edu.vn"}, t, l);
  REQUIRE(p);
  REQUIRE(p->items.size() == 3);
  CHECK(p->items[0].id == "bai-dai-5");
  CHECK(p->items[2].id == "bai-dai-3");
  auto all = portal::build_package(f.db, *u, portal::urls{"https://thvanyen.hadong.edu.vn"}, t);
  REQUIRE(all);
  CHECK(all->items.size() == 7);  // the six and the seed's
}

TEST_CASE("the package routes answer 404 when the portal has no syndication key") {
  portal_fixture f;
  CHECK(f.get("/don-vi/th-van-yen/pbgdpl/lien-thong/goi.json").code == http::status::not_found);
  CHECK(f.get("/don-vi/th-van-yen/pbgdpl/lien-thong/khoa.pub").code == http::status::not_found);
  CHECK(f.get("/don-vi/th-van-yen/pbgdpl/lien-thong/feed.atom").code == http::status::ok);
}

TEST_CASE("the syndicator pushes at first, then only when the content changed") {
  receiver rx;
  portal_fixture f;
  auto signer = std::make_shared<portal::syndication_signer>(std::make_shared<const trust::secret_key>(trust::secret_key::generate()));
  portal::syndicator_options so;
  so.unit = unit_id{school};
  so.links = portal::urls{"https://thvanyen.hadong.edu.vn"};
  so.push.url = rx.url();
  so.push.fetch.allow_private_addresses = true;
  so.push.fetch.timeout = 5s;
  so.now = f.site->config().now;
  portal::syndicator s(f.db, signer, so);
  auto first = s.run_once();
  REQUIRE_MESSAGE(first, (first ? "" : first.err().describe()));
  REQUIRE(first->has_value());
  CHECK((*first)->state == delivery_state::delivered);
  auto again = s.run_once();
  REQUIRE(again);
  CHECK_FALSE(again->has_value());
  REQUIRE(f.db.create(school_article("bai-moi", "Bài mới", article_state::published, so.now() - 1min), "test"));
  auto changed = s.run_once();
  REQUIRE(changed);
  REQUIRE(changed->has_value());
  REQUIRE(rx.keys.size() == 2);
  CHECK(rx.keys[0] != rx.keys[1]);
  auto log = network::list_pushes(f.db, unit_id{school});
  REQUIRE(log);
  CHECK(log->items.size() == 2);
}

TEST_CASE("a data directory's syndication key is made once, whole, 0600, even by portals starting together") {
  auto dir = std::filesystem::temp_directory_path() / ("pbgdpl-synd-key-" + random_id_string().substr(0, 10));
  std::filesystem::create_directories(dir);
  std::vector<std::string> ids(8);
  std::vector<std::thread> starters;
  for (std::size_t i = 0; i < ids.size(); ++i)
    starters.emplace_back([&, i] {
      auto k = portal::data_dir_syndication_key(dir);
      ids[i] = k ? k.value()->public_part().to_file() : "error: " + k.err().describe();
    });
  for (auto& t : starters) t.join();
  for (auto& id : ids) CHECK(id == ids.front());
  CHECK(ids.front().rfind("error", 0) != 0);
  auto st = std::filesystem::status(dir / "syndication.key");
  const auto owner_only = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
  CHECK((st.permissions() & std::filesystem::perms::all) == owner_only);
  CHECK(files::read_regular(dir / "syndication.pub", 4096).value() == ids.front());
  // Later starts read the same key; nothing is left aside.
  CHECK(portal::data_dir_syndication_key(dir).value()->public_part().to_file() == ids.front());
  std::size_t entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  CHECK(entries == 2);
  std::filesystem::remove_all(dir);
}
