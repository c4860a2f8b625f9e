// The media library (portal/media_library.hpp): an upload is stored whole (two files and a
// record) or not at all, and only recorded files of the unit in the path are served.
#include <pbgdpl/portal/editor.hpp>
#include <pbgdpl/portal/media_library.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

std::string png(int w, int h) {
  std::vector<unsigned char> px(static_cast<std::size_t>(w * h * 3), 0x7F);
  return media::encode_png(px.data(), w, h, 3);
}

struct temp_dir {
  fs::path p = fs::temp_directory_path() / ("pbgdpl-media-" + random_id_string());
  temp_dir() { fs::create_directories(p); }
  ~temp_dir() { fs::remove_all(p); }
};

std::size_t entries(const fs::path& d) {
  if (!fs::exists(d)) return 0;
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(d), fs::directory_iterator()));
}

http::response get(const std::shared_ptr<const http::router>& routes, const std::string& path) {
  auto root = std::make_shared<http::router>();
  root->mount("/don-vi/{unit}/pbgdpl/tep", routes);
  http::request req;
  req.message().method(http::verb::get);
  req.message().target(path);
  // The request layer refuses some tricks (an encoded '/') before any route: a 400, as the site answers.
  if (!req.prepare()) return http::response(http::status::bad_request);
  return root->handle_prepared(req);
}

}  // namespace

TEST_CASE("an uploaded image is stored with its thumbnail and record, and served to the public") {
  store::memory_store db;
  temp_dir dir;
  portal::media_library lib(db, dir.p / "media");
  portal::media_upload up;
  up.unit = unit_id{"th-van-yen"};
  up.file_name = "Lễ ra quân.jpeg.png";
  up.declared_type = "image/png";
  auto bytes = png(800, 200);
  up.bytes = bytes;
  up.alt_text = "Học sinh dự lễ ra quân";
  auto m = lib.add_image(up, "acc-1", now());
  REQUIRE(m);
  CHECK(m->width == 800u);
  CHECK(m->height == 200u);
  CHECK(m->size == bytes.size());
  CHECK(m->mime_type == "image/png");
  CHECK(m->blake2b.size() == 64);
  CHECK(db.get<media_asset>(m->id.value));
  CHECK(fs::is_regular_file(dir.p / "media" / m->id.value / "original.png"));
  CHECK(fs::is_regular_file(dir.p / "media" / m->id.value / "thumb.png"));
  auto r = get(lib.routes(), "/don-vi/th-van-yen/pbgdpl/tep/" + m->id.value + "/original.png");
  CHECK(r.code == http::status::ok);
  CHECK(r.body == bytes);
  CHECK(r.get("Content-Type") == "image/png");
  CHECK(r.get("X-Content-Type-Options") == "nosniff");
  CHECK(r.get("Cache-Control").find("immutable") != std::string_view::npos);
  auto t = get(lib.routes(), "/don-vi/th-van-yen/pbgdpl/tep/" + m->id.value + "/thumb.png");
  REQUIRE(t.code == http::status::ok);
  auto ti = media::check_image(t.body, "t.png", "image/png");
  REQUIRE(ti);
  CHECK(ti->width == 320u);
  CHECK(ti->height == 80u);
  // Another unit's path, another file name, path tricks, an unknown id: nothing.
  for (std::string bad : {"/don-vi/thcs-le-loi/pbgdpl/tep/" + m->id.value + "/original.png",
                          "/don-vi/th-van-yen/pbgdpl/tep/" + m->id.value + "/original.jpg",
                          "/don-vi/th-van-yen/pbgdpl/tep/" + m->id.value + "/..%2F..%2Fpbgdpl.db",
                          "/don-vi/th-van-yen/pbgdpl/tep/..%2F" + m->id.value + "/thumb.png",
                          "/don-vi/th-van-yen/pbgdpl/tep/" + m->id.value + "/..",
                          "/don-vi/th-van-yen/pbgdpl/tep/" + m->id.value + "/.thumb.png",
                          "/don-vi/th-van-yen/pbgdpl/tep/" + std::string(32, '0') + "/thumb.png"})
  {
    auto code = get(lib.routes(), bad).code;
    CHECK_MESSAGE((code == http::status::not_found || code == http::status::bad_request), bad);
  }
}

TEST_CASE("a refused upload leaves no file and no record") {
  store::memory_store db;
  temp_dir dir;
  portal::media_library lib(db, dir.p / "media");
  portal::media_upload up;
  up.unit = unit_id{"th-van-yen"};
  up.file_name = "anh.jpg";  // a PNG under a JPEG's name
  auto bytes = png(10, 10);
  up.bytes = bytes;
  up.alt_text = "Ảnh";
  auto lie = lib.add_image(up, "acc-1", now());
  REQUIRE(!lie);
  CHECK(lie.err().path == "/file");
  up.file_name = "anh.png";
  up.alt_text = "";  // an image needs its description
  auto no_alt = lib.add_image(up, "acc-1", now());
  REQUIRE(!no_alt);
  CHECK(entries(dir.p / "media") == 0);
  store::list_query q;
  CHECK(db.list<media_asset>(q)->items.empty());
  // A record the model refuses (no unit) writes no file either.
  up.alt_text = "Ảnh";
  up.unit = unit_id{};
  CHECK(!lib.add_image(up, "acc-1", now()));
  CHECK(entries(dir.p / "media") == 0);
}

namespace {
// A store whose writes fail (a full disk, a lost connection): the record cannot be written after
// the files are in place.
namespace ps = pbgdpl::store;
class failing_store final : public ps::store {
 public:
  ps::memory_store inner;
  result<void> write(ps::write_op, const ps::record&, std::uint64_t, std::string_view) override {
    return error(errc::storage_full);
  }
  result<ps::record> read(std::string_view kind, std::string_view id) override { return inner.read(kind, id); }
  result<ps::page<ps::record>> list_records(std::string_view kind, const ps::list_query& q) override {
    return inner.list_records(kind, q);
  }
  result<ps::search_page> search(const ps::search_request& req) override { return inner.search(req); }
  result<std::vector<ps::audit_entry>> audit_log(std::string_view kind, std::string_view id, std::size_t limit) override {
    return inner.audit_log(kind, id, limit);
  }
  result<void> transaction(const std::function<result<void>()>& fn) override { return inner.transaction(fn); }
};
}  // namespace

TEST_CASE("when the record cannot be written the stored files are removed again") {
  failing_store db;
  temp_dir dir;
  portal::media_library lib(db, dir.p / "media");
  portal::media_upload up;
  up.unit = unit_id{"th-van-yen"};
  up.file_name = "anh.png";
  auto bytes = png(10, 10);
  up.bytes = bytes;
  up.alt_text = "Ảnh";
  auto r = lib.add_image(up, "acc-1", now());
  REQUIRE(!r);
  CHECK(r.err().code == errc::storage_full);
  CHECK(entries(dir.p / "media") == 0);
}

// Red team (issue 14): the upload route's large limit was granted by path alone, so a stranger's
// 10 MiB bodies were buffered before anyone checked who sent them. Only a signed-in session
// gets it now; others keep the server's default limit (a 413 before the body is read).
TEST_CASE("portal: the upload route's large body limit is only for a signed-in session") {
  store::memory_store db;
  temp_dir dir;
  portal::media_library lib(db, dir.p / "media");
  auto limit = portal::upload_body_limit(lib, {}, [](std::string_view cookie) { return cookie == "pbgdpl_phien=pbs_ok"; });
  CHECK(limit("/quan-tri/tep", "pbgdpl_phien=pbs_ok").value_or(0) > 10u * 1024 * 1024);
  CHECK_FALSE(limit("/quan-tri/tep", ""));
  CHECK_FALSE(limit("/quan-tri/tep", "pbgdpl_phien=pbs_guessed"));
  CHECK_FALSE(limit("/quan-tri/bai-viet/moi", "pbgdpl_phien=pbs_ok"));  // other routes: the default
}
