// The social publishers against local mock platforms that check each request and answer like
// Facebook, YouTube, X and Zalo do (success, 429 with Retry-After, 500, 400 with the platform's
// error JSON), plus the queue: idempotency, back-off, a restart, a corrupt state file.
#include "mock_server.hpp"
#include "social.hpp"

#include <pbgdpl/plugin/host.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <fstream>

using namespace pbgdpl;
using namespace pbgdpl::plugin;
using social::publisher_queue;

namespace {

const std::string token = "EAAB-secret-token-123";

struct tmpdir {
  std::filesystem::path path;
  tmpdir() {
    path = std::filesystem::temp_directory_path() / ("pbgdpl-social-" + random_id_string().substr(0, 12));
    std::filesystem::create_directories(path);
  }
  ~tmpdir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct rig {
  tmpdir dir;
  timestamp clock = timestamp(std::chrono::seconds(1'800'000'000));
  std::vector<std::string> logs;
  services svc() {
    services s;
    s.http = mock::transport;
    s.now = [this] { return clock; };
    s.log = [this](pbgdpl_log_level, std::string_view m) { logs.emplace_back(m); };
    return s;
  }
  json config(std::string platform, const std::string& base) {
    json c{{"platform", platform}, {"base_url", base}, {"token", token}, {"state_dir", dir.path.string()}};
    if (platform == "facebook") c["page_id"] = "1029384756";
    return c;
  }
  publisher_queue queue(const json& cfg) {
    return publisher_queue(svc(), social::config_from_json(cfg).value());
  }
  void no_token_in_logs() const {
    for (const auto& l : logs) CHECK(l.find(token) == std::string::npos);
  }
};

std::string form_value(const std::string& body, const std::string& key) {
  std::size_t at = 0;
  while (at <= body.size()) {
    auto end = body.find('&', at);
    auto pair = body.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (pair.rfind(key + "=", 0) == 0) {
      auto v = http::percent_decode(pair.substr(key.size() + 1), true);
      return v ? *v : std::string("<bad>");
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("X counts URLs as 23 and Vietnamese precomposed letters as 2, and a post fits 280") {
  CHECK(social::x_weighted_length("abc") == 3);
  CHECK(social::x_weighted_length("https://example.org/a/very/long/path/that/is/long") == 23);
  CHECK(social::x_weighted_length("see https://a.b") == 4 + 23);
  CHECK(social::x_weighted_length("ệ") == 2);  // U+1EC7 is outside X's light ranges
  CHECK(social::x_weighted_length("á") == 1);  // U+00E1 is inside
  social::post p;
  p.title = "Ngày Pháp luật Việt Nam";
  for (int i = 0; i < 60; ++i) p.text += "Tuyên truyền, phổ biến pháp luật trong trường học. ";
  p.url = "https://truong.edu.vn/bai/ngay-phap-luat-" + std::string(200, 'x');
  auto t = social::x_text(p);
  CHECK(social::x_weighted_length(t) <= 280);
  CHECK(social::x_weighted_length(t) >= 270);
  CHECK(t.ends_with("\n" + p.url));
  CHECK(t.find("…") != std::string::npos);
  CHECK(text::is_valid_utf8(t));
}

TEST_CASE("a Facebook post goes to the Page feed with message, link and the page token, once") {
  rig r;
  mock::server fb([](const mock::seen&) { return mock::reply(200, R"({"id":"1029384756_555"})"); });
  auto q = r.queue(r.config("facebook", fb.base()));
  json req{{"id", "article-42"},
           {"title", "Tuần lễ pháp luật"},
           {"text", "Học sinh tìm hiểu Hiến pháp."},
           {"url", "https://truong.edu.vn/a/42"}};
  auto s = q.publish(req);
  REQUIRE(s);
  CHECK((*s)["state"] == "sent");
  CHECK((*s)["remote_id"] == "1029384756_555");
  CHECK((*s)["remote_url"] == "https://www.facebook.com/1029384756_555");
  auto seen = fb.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/v21.0/1029384756/feed");
  CHECK(seen[0].header("content-type") == "application/x-www-form-urlencoded");
  CHECK(form_value(seen[0].body, "message") == "Tuần lễ pháp luật\n\nHọc sinh tìm hiểu Hiến pháp.");
  CHECK(form_value(seen[0].body, "link") == "https://truong.edu.vn/a/42");
  CHECK(form_value(seen[0].body, "access_token") == token);
  CHECK(seen[0].target.find(token) == std::string::npos);  // never in the URL (server logs)
  // The same id again: the first's state, nothing sent.
  auto again = q.publish(req);
  REQUIRE(again);
  CHECK(*again == *s);
  CHECK(fb.count() == 1);
  r.no_token_in_logs();
}

TEST_CASE("a Facebook post with an image and no link goes to the Page's photos") {
  rig r;
  mock::server fb(
      [](const mock::seen&) { return mock::reply(200, R"({"id":"777","post_id":"1029384756_778"})"); });
  auto q = r.queue(r.config("facebook", fb.base()));
  auto s = q.publish({{"id", "p1"},
                      {"text", "Ảnh hội thi"},
                      {"media", {{{"url", "https://truong.edu.vn/m/1.jpg"}, {"type", "image/jpeg"}}}}});
  REQUIRE(s);
  CHECK((*s)["remote_id"] == "1029384756_778");
  auto seen = fb.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/v21.0/1029384756/photos");
  CHECK(form_value(seen[0].body, "url") == "https://truong.edu.vn/m/1.jpg");
  CHECK(form_value(seen[0].body, "caption") == "Ảnh hội thi");
}

TEST_CASE("a Facebook 400 fails at once with Facebook's own message and never the token") {
  rig r;
  mock::server fb([](const mock::seen&) {
    return mock::reply(400, json{{"error",
                                  {{"message", "(#200) The user hasn't authorized the application " + token},
                                   {"type", "OAuthException"},
                                   {"code", 200}}}}
                                .dump());
  });
  auto q = r.queue(r.config("facebook", fb.base()));
  auto s = q.publish({{"id", "a1"}, {"text", "x"}});
  REQUIRE(s);
  CHECK((*s)["state"] == "failed");
  CHECK((*s)["attempts"] == 1);
  auto en = (*s)["last_error"]["en"].get<std::string>();
  CHECK(en.find("hasn't authorized the application") != std::string::npos);
  CHECK(en.find("HTTP 400") != std::string::npos);
  CHECK((*s)["last_error"]["vi"].get<std::string>().find("Facebook từ chối") != std::string::npos);
  CHECK(s->dump().find(token) == std::string::npos);
  // Nothing is retried later.
  r.clock += std::chrono::hours(48);
  auto d = q.drain(10);
  REQUIRE(d);
  CHECK((*d)["items"].empty());
  CHECK(fb.count() == 1);
  r.no_token_in_logs();
}

TEST_CASE("Facebook's throttling code is retried, not failed") {
  rig r;
  int n = 0;
  mock::server fb([&n](const mock::seen&) {
    if (n++ == 0)
      return mock::reply(400, R"({"error":{"message":"(#4) Application request limit reached","code":4}})");
    return mock::reply(200, R"({"id":"1_2"})");
  });
  auto q = r.queue(r.config("facebook", fb.base()));
  auto s = q.publish({{"id", "t1"}, {"text", "x"}});
  REQUIRE(s);
  CHECK((*s)["state"] == "queued");
  r.clock += std::chrono::seconds(30);
  auto d = q.drain(10);
  REQUIRE(d);
  CHECK((*d)["sent"] == 1);
}

TEST_CASE("an X post waits for Retry-After after a 429 and is sent when it comes due") {
  rig r;
  int n = 0;
  mock::server x([&n](const mock::seen&) {
    if (n++ == 0)
      return mock::reply(429, R"({"title":"Too Many Requests","detail":"Too Many Requests","status":429})",
                         {{"Retry-After", "120"}});
    return mock::reply(201, R"({"data":{"id":"1445880548472328192","text":"..."}})");
  });
  auto q = r.queue(r.config("x", x.base()));
  auto s = q.publish(
      {{"id", "a7"}, {"title", "Cuộc thi tìm hiểu pháp luật"}, {"url", "https://truong.edu.vn/a/7"}});
  REQUIRE(s);
  CHECK((*s)["state"] == "queued");
  CHECK((*s)["next_attempt_at"] == format_timestamp(r.clock + std::chrono::seconds(120)));
  CHECK((*s)["last_error"]["code"] == "busy");
  auto seen = x.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/2/tweets");
  CHECK(seen[0].header("authorization") == "Bearer " + token);
  CHECK(seen[0].header("content-type") == "application/json");
  auto body = json::parse(seen[0].body);
  CHECK(body.size() == 1);
  CHECK(body["text"] == "Cuộc thi tìm hiểu pháp luật\nhttps://truong.edu.vn/a/7");
  // Not yet due: nothing is sent.
  r.clock += std::chrono::seconds(119);
  REQUIRE(q.drain(10));
  CHECK(x.count() == 1);
  r.clock += std::chrono::seconds(1);
  auto d = q.drain(10);
  REQUIRE(d);
  CHECK((*d)["sent"] == 1);
  CHECK((*d)["items"][0]["remote_url"] == "https://x.com/i/web/status/1445880548472328192");
  CHECK(x.count() == 2);
}

TEST_CASE("5xx answers are retried with doubling delays until the attempts run out") {
  rig r;
  mock::server x([](const mock::seen&) { return mock::reply(500, R"({"title":"Internal Error"})"); });
  auto cfg = r.config("x", x.base());
  cfg["max_attempts"] = 4;
  cfg["retry_first_seconds"] = 10;
  auto q = r.queue(cfg);
  auto s = q.publish({{"id", "b1"}, {"text", "x"}});
  REQUIRE(s);
  std::vector<long> delays;
  auto next = parse_timestamp((*s)["next_attempt_at"].get<std::string>()).value();
  delays.push_back((next - r.clock).count());
  for (int k = 0; k < 3; ++k) {
    r.clock = next;
    auto d = q.drain(10);
    REQUIRE(d);
    REQUIRE((*d)["items"].size() == 1);
    auto item = (*d)["items"][0];
    if (item["state"] == "queued") {
      next = parse_timestamp(item["next_attempt_at"].get<std::string>()).value();
      delays.push_back((next - r.clock).count());
    } else {
      CHECK(item["state"] == "failed");
      CHECK(item["attempts"] == 4);
      CHECK(item["last_error"]["code"] == "io_error");
    }
  }
  CHECK(delays == std::vector<long>{10, 20, 40});
  CHECK(x.count() == 4);
}

TEST_CASE("no answer at all is retried") {
  rig r;
  tmpdir d2;
  services s = r.svc();
  int calls = 0;
  s.http = [&calls](const http_request&) -> result<http_response> {
    ++calls;
    return error(errc::io_error, {}, "Không kết nối được", "Connection refused");
  };
  json cfg{{"platform", "x"}, {"token", token}, {"state_dir", d2.path.string()}};
  publisher_queue q(s, social::config_from_json(cfg).value());
  auto st = q.publish({{"id", "c1"}, {"text", "x"}});
  REQUIRE(st);
  CHECK((*st)["state"] == "queued");
  CHECK((*st)["last_error"]["en"].get<std::string>().find("Connection refused") != std::string::npos);
  CHECK(calls == 1);
  // Refused by the host's policy: final.
  s.http = [](const http_request&) -> result<http_response> { return error(errc::permission_denied); };
  publisher_queue q2(
      s, social::config_from_json(
             json{{"platform", "x"}, {"token", token}, {"state_dir", d2.path.string()}, {"name", "other"}})
             .value());
  auto st2 = q2.publish({{"id", "c2"}, {"text", "x"}});
  REQUIRE(st2);
  CHECK((*st2)["state"] == "failed");
}

TEST_CASE("the queue survives a restart and stays idempotent across it") {
  rig r;
  bool up = false;
  mock::server x([&up](const mock::seen&) {
    return up ? mock::reply(201, R"({"data":{"id":"99"}})") : mock::reply(503, "{}");
  });
  auto cfg = r.config("x", x.base());
  {
    auto q = r.queue(cfg);
    auto s = q.publish({{"id", "d1"}, {"text", "Sau khi khởi động lại"}});
    REQUIRE(s);
    CHECK((*s)["state"] == "queued");
  }
  auto file = r.dir.path / "social-x.json";
  REQUIRE(std::filesystem::is_regular_file(file));
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  {
    std::ifstream in(file);
    std::string saved((std::istreambuf_iterator<char>(in)), {});
    CHECK(saved.find("Sau khi khởi động lại") != std::string::npos);
    CHECK(saved.find(token) == std::string::npos);  // the queue never holds the token
  }
  // No temporary file left beside it.
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(r.dir.path)) ++n;
  CHECK(n == 1);
  up = true;
  {
    auto q = r.queue(cfg);
    r.clock += std::chrono::minutes(5);
    auto d = q.drain(10);
    REQUIRE(d);
    CHECK((*d)["sent"] == 1);
  }
  {
    auto q = r.queue(cfg);
    auto s = q.publish({{"id", "d1"}, {"text", "Sau khi khởi động lại"}});
    REQUIRE(s);
    CHECK((*s)["state"] == "sent");
    CHECK((*s)["remote_id"] == "99");
  }
  CHECK(x.count() == 2);
}

TEST_CASE("a corrupt or strange state file is an error, not a silent reset") {
  rig r;
  auto cfg = r.config("x", "http://127.0.0.1:9");
  auto file = r.dir.path / "social-x.json";
  {
    std::ofstream(file)
        << R"({"format":"pbgdpl-social-queue","version":1,"platform":"x","entries":[{"id":"a")";
    try {
      auto q = r.queue(cfg);
      FAIL("a truncated state file was accepted");
    } catch (const exception& e) {
      CHECK(e.err().code == errc::corrupt);
      CHECK(e.err().message_vi.find("bị hỏng") != std::string::npos);
    }
    // Left as it was, for someone to look at.
    std::ifstream in(file);
    std::string s((std::istreambuf_iterator<char>(in)), {});
    CHECK(s.ends_with(R"("id":"a")"));
  }
  {
    std::ofstream(file)
        << R"({"format":"pbgdpl-social-queue","version":1,"platform":"facebook","entries":[]})";
    CHECK_THROWS_AS(r.queue(cfg), exception);
  }
  {
    std::ofstream(file)
        << R"({"format":"pbgdpl-social-queue","version":1,"platform":"x","entries":[{"id":"a","state":"queued","attempts":0,"created_at":1,"next_attempt_at":1,"post":{"id":"a"}}]})";
    CHECK_THROWS_AS(r.queue(cfg), exception);  // a queued post that is empty
  }
  std::filesystem::remove(file);
  REQUIRE(::mkfifo(file.c_str(), 0600) == 0);
  try {
    auto q = r.queue(cfg);
    FAIL("a FIFO was read as the state file");
  } catch (const exception& e) {
    CHECK(e.err().code == errc::unsafe_path);
  }
}

TEST_CASE("a Zalo OA article carries the access_token header, a cover and text paragraphs") {
  rig r;
  mock::server zalo([](const mock::seen& s) {
    if (s.target == "/v2.0/article/create")
      return mock::reply(200, R"({"error":0,"message":"Success","data":{"token":"tok-abc"}})");
    return mock::reply(404, "{}");
  });
  auto cfg = r.config("zalo", zalo.base());
  cfg["author"] = "Trường THCS Lê Lợi";
  cfg["cover_url"] = "https://truong.edu.vn/cover.jpg";
  auto q = r.queue(cfg);
  auto s = q.publish({{"id", "z1"},
                      {"title", "Ngày hội pháp luật"},
                      {"text", "Đoạn một.\n\nĐoạn <hai>."},
                      {"url", "https://truong.edu.vn/a/1"}});
  REQUIRE(s);
  CHECK((*s)["state"] == "sent");
  CHECK((*s)["remote_id"] == "tok-abc");
  auto seen = zalo.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].header("access_token") == token);
  CHECK(seen[0].header("content-type") == "application/json");
  auto b = json::parse(seen[0].body);
  CHECK(b["type"] == "normal");
  CHECK(b["title"] == "Ngày hội pháp luật");
  CHECK(b["author"] == "Trường THCS Lê Lợi");
  CHECK(b["cover"] ==
        json{{"cover_type", "photo"}, {"photo_url", "https://truong.edu.vn/cover.jpg"}, {"status", "show"}});
  REQUIRE(b["body"].size() == 3);
  CHECK(b["body"][0] == json{{"type", "text"}, {"content", "Đoạn một."}});
  CHECK(b["body"][1]["content"] == "Đoạn &lt;hai&gt;.");
  CHECK(b["body"][2]["content"] == "https://truong.edu.vn/a/1");
  CHECK(b["status"] == "show");
}

TEST_CASE("Zalo's non-zero error at HTTP 200 fails the post with Zalo's message") {
  rig r;
  mock::server zalo([](const mock::seen&) {
    return mock::reply(200, R"({"error":-216,"message":"Access token is invalid"})");
  });
  auto cfg = r.config("zalo", zalo.base());
  cfg["mode"] = "message";
  cfg["user_id"] = "2468458835296197922";
  auto q = r.queue(cfg);
  auto s = q.publish({{"id", "z2"}, {"text", "Nhắc họp phụ huynh"}});
  REQUIRE(s);
  CHECK((*s)["state"] == "failed");
  CHECK((*s)["last_error"]["en"].get<std::string>().find("Access token is invalid") != std::string::npos);
  CHECK((*s)["last_error"]["en"].get<std::string>().find("-216") != std::string::npos);
  auto seen = zalo.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/v3.0/oa/message/cs");
  CHECK(json::parse(seen[0].body) == json{{"recipient", {{"user_id", "2468458835296197922"}}},
                                          {"message", {{"text", "Nhắc họp phụ huynh"}}}});
}

namespace {
// A YouTube upload endpoint: the session is opened by POST and filled by PUT; `fail_first_put`
// makes the first PUT a 503 after taking `keep` bytes.
struct youtube_mock {
  std::string video = std::string(5000, 'v') + "\x01\x02\xff";
  std::size_t received = 0;
  bool fail_first_put = false;
  bool other_origin = false;
  int puts = 0;
  std::unique_ptr<mock::server> srv;
  youtube_mock() {
    srv = std::make_unique<mock::server>([this](const mock::seen& s) {
      if (s.method == "GET" && s.target == "/media/clip.mp4") {
        http::response r(http::status::ok);
        r.body = video;
        r.set("Content-Type", "video/mp4");
        return r;
      }
      if (s.method == "POST" && s.target.rfind("/upload/youtube/v3/videos?", 0) == 0) {
        auto loc = other_origin ? std::string("https://evil.example/upload?upload_id=1")
                                : srv->base() + "/upload/session/xyz";
        return mock::reply(200, "", {{"Location", loc}});
      }
      if (s.method == "PUT" && s.target == "/upload/session/xyz") {
        ++puts;
        if (s.header("content-range").rfind("bytes */", 0) == 0) {
          if (received == 0) return mock::reply(308, "");
          return mock::reply(308, "", {{"Range", "bytes=0-" + std::to_string(received - 1)}});
        }
        if (fail_first_put && puts == 1) {
          received = 1000;
          return mock::reply(503, R"({"error":{"code":503,"message":"Backend Error"}})");
        }
        received += s.body.size();
        return mock::reply(200, R"({"kind":"youtube#video","id":"dQw4w9WgXcQ"})");
      }
      return mock::reply(404, R"({"error":{"code":404,"message":"Not Found"}})");
    });
  }
};
}  // namespace

TEST_CASE("a YouTube video goes up by the resumable protocol: metadata first, then the bytes") {
  rig r;
  youtube_mock yt;
  auto q = r.queue(r.config("youtube", yt.srv->base()));
  auto s = q.publish({{"id", "v1"},
                      {"title", "Video <tuyên truyền> Luật Giao thông"},
                      {"text", "Mô tả"},
                      {"media", {{{"url", yt.srv->base() + "/media/clip.mp4"}, {"type", "video/mp4"}}}}});
  REQUIRE(s);
  CHECK((*s)["state"] == "sent");
  CHECK((*s)["remote_url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
  auto seen = yt.srv->requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].method == "GET");
  const auto& init = seen[1];
  CHECK(init.target == "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status");
  CHECK(init.header("authorization") == "Bearer " + token);
  CHECK(init.header("x-upload-content-length") == std::to_string(yt.video.size()));
  CHECK(init.header("x-upload-content-type") == "video/mp4");
  CHECK(init.header("content-type") == "application/json; charset=UTF-8");
  auto meta = json::parse(init.body);
  CHECK(meta["snippet"]["title"] == "Video ‹tuyên truyền› Luật Giao thông");
  CHECK(meta["snippet"]["categoryId"] == "27");
  CHECK(meta["status"]["privacyStatus"] == "public");
  const auto& put = seen[2];
  CHECK(put.method == "PUT");
  CHECK(put.header("authorization") == "Bearer " + token);
  CHECK(put.header("content-type") == "video/mp4");
  CHECK(put.body == yt.video);
}

TEST_CASE("an interrupted YouTube upload resumes where it stopped, in the same session") {
  rig r;
  youtube_mock yt;
  yt.fail_first_put = true;
  auto q = r.queue(r.config("youtube", yt.srv->base()));
  auto s = q.publish({{"id", "v2"},
                      {"title", "Clip"},
                      {"media", {{{"url", yt.srv->base() + "/media/clip.mp4"}, {"type", "video/mp4"}}}}});
  REQUIRE(s);
  CHECK((*s)["state"] == "queued");
  r.clock += std::chrono::minutes(1);
  auto d = q.drain(5);
  REQUIRE(d);
  CHECK((*d)["sent"] == 1);
  auto seen = yt.srv->requests();
  // GET, POST, PUT (503) | GET, PUT bytes */N (308), PUT the rest
  REQUIRE(seen.size() == 6);
  CHECK(std::count_if(seen.begin(), seen.end(), [](const mock::seen& x) { return x.method == "POST"; }) == 1);
  CHECK(seen[4].header("content-range") == "bytes */" + std::to_string(yt.video.size()));
  CHECK(seen[5].header("content-range") ==
        "bytes 1000-" + std::to_string(yt.video.size() - 1) + "/" + std::to_string(yt.video.size()));
  CHECK(seen[5].body == yt.video.substr(1000));
}

TEST_CASE("a YouTube session URL on another origin never gets the token") {
  rig r;
  youtube_mock yt;
  yt.other_origin = true;
  auto q = r.queue(r.config("youtube", yt.srv->base()));
  auto s = q.publish({{"id", "v3"},
                      {"title", "Clip"},
                      {"media", {{{"url", yt.srv->base() + "/media/clip.mp4"}, {"type", "video/mp4"}}}}});
  REQUIRE(s);
  CHECK((*s)["state"] == "failed");
  CHECK((*s)["last_error"]["code"] == "permission_denied");
  CHECK(yt.srv->count() == 2);  // GET and POST, no PUT anywhere
}

TEST_CASE("bad configuration and bad posts are refused and write nothing") {
  rig r;
  auto base = r.config("x", "http://127.0.0.1:9");
  auto with = [&](const char* k, json v) {
    auto c = base;
    c[k] = std::move(v);
    return social::config_from_json(c);
  };
  CHECK(with("tokn", "x").err().code == errc::invalid_argument);
  CHECK(with("token", "abc\r\nX-Evil: 1").err().code == errc::invalid_argument);
  CHECK(with("platform", "myspace").err().code == errc::invalid_argument);
  CHECK(with("base_url", "ftp://x").err().code == errc::invalid_argument);
  CHECK(with("name", "../etc").err().code == errc::invalid_argument);
  CHECK(with("max_attempts", 0).err().code == errc::out_of_range);
  for (const auto* c : {"token", "state_dir"}) {
    auto e = base;
    e.erase(c);
    auto res = social::config_from_json(e);
    REQUIRE_FALSE(res);
    CHECK(res.err().code == errc::missing_field);
    CHECK(res.err().describe().find(token) == std::string::npos);
  }
  auto fb = r.config("facebook", "http://127.0.0.1:9");
  fb.erase("page_id");
  CHECK(social::config_from_json(fb).err().code == errc::invalid_argument);
  CHECK(social::config_from_json(json::array()).err().code == errc::wrong_type);

  mock::server none([](const mock::seen&) { return mock::reply(500, "{}"); });
  auto q = r.queue(r.config("youtube", none.base()));
  CHECK(q.publish({{"id", "e1"}, {"text", "no video"}}).err().code == errc::invalid_argument);
  CHECK(q.publish({{"id", "e2"}}).err().code == errc::missing_field);
  CHECK(q.publish({{"text", "no id"}}).err().code == errc::missing_field);
  CHECK(q.publish({{"id", "e3"}, {"text", "x"}, {"url", "javascript:alert(1)"}}).err().code ==
        errc::invalid_argument);
  CHECK(q.publish({{"id", "e4"}, {"text", std::string(70'000, 'a')}}).err().code == errc::too_large);
  CHECK(q.publish(json::array()).err().code == errc::wrong_type);
  CHECK(none.count() == 0);
  CHECK_FALSE(std::filesystem::exists(r.dir.path / "social-youtube.json"));
}

TEST_CASE("a scheduled post waits for its time and an article maps to a post") {
  rig r;
  mock::server x([](const mock::seen&) { return mock::reply(201, R"({"data":{"id":"5"}})"); });
  auto q = r.queue(r.config("x", x.base()));
  json req{{"article",
            {{"id", "bai-viet-1"},
             {"title", "Luật Trẻ em"},
             {"summary", "Tóm tắt"},
             {"body_markdown", "**Nội dung**"}}},
           {"url", "https://truong.edu.vn/bai-viet-1"},
           {"published_at", format_timestamp(r.clock + std::chrono::hours(2))}};
  auto s = q.publish(req);
  REQUIRE(s);
  CHECK((*s)["id"] == "bai-viet-1");
  CHECK((*s)["state"] == "queued");
  CHECK((*s)["attempts"] == 0);
  CHECK(x.count() == 0);
  r.clock += std::chrono::hours(2);
  auto d = q.drain(10);
  REQUIRE(d);
  CHECK((*d)["sent"] == 1);
  REQUIRE(x.count() == 1);
  CHECK(json::parse(x.requests()[0].body)["text"] ==
        "Luật Trẻ em\n\nTóm tắt\nhttps://truong.edu.vn/bai-viet-1");
}

TEST_CASE("the queue is bounded, and finished entries are forgotten after keep_finished_days") {
  rig r;
  mock::server x([](const mock::seen&) { return mock::reply(201, R"({"data":{"id":"1"}})"); });
  auto cfg = r.config("x", x.base());
  cfg["max_items"] = 2;
  cfg["keep_finished_days"] = 1;
  auto q = r.queue(cfg);
  CHECK(q.publish({{"id", "m1"}, {"text", "a"}}).value()["state"] == "sent");
  CHECK(q.publish({{"id", "m2"}, {"text", "b"}}).value()["state"] == "sent");
  auto full = q.publish({{"id", "m3"}, {"text", "c"}});
  REQUIRE_FALSE(full);
  CHECK(full.err().code == errc::storage_full);
  CHECK(full.err().message_vi.find("đầy") != std::string::npos);
  CHECK(x.count() == 2);
  r.clock += std::chrono::hours(49);
  CHECK(q.publish({{"id", "m3"}, {"text", "c"}}).value()["state"] == "sent");
  // m1 was forgotten with its day: the same id now is a new post (the documented limit).
  CHECK(q.publish({{"id", "m1"}, {"text", "a"}}).value()["attempts"] == 1);
  CHECK(x.count() == 4);
}

TEST_CASE("loaded through the host, the plugin posts to a mock platform and keeps its promise once") {
  tmpdir dir;
  mock::server x([](const mock::seen&) { return mock::reply(201, R"({"data":{"id":"123"}})"); });
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {PBGDPL_PLUGIN_DIR};
  o.http_allow_loopback = true;
  std::vector<std::string> logs;
  o.log = [&logs](pbgdpl_log_level, std::string_view, std::string_view m) { logs.emplace_back(m); };
  plugin::plugin_host host(o);
  json cfg{{"platform", "x"}, {"base_url", x.base()}, {"token", token}, {"state_dir", dir.path.string()}};
  auto pub = plugin::open_publisher(host, "social", cfg);
  REQUIRE(pub);
  auto s = (*pub)->publish({{"id", "h1"}, {"text", "Qua máy chủ plugin"}});
  REQUIRE(s);
  CHECK((*s)["state"] == "sent");
  CHECK((*s)["remote_id"] == "123");
  CHECK((*pub)->publish({{"id", "h1"}, {"text", "Qua máy chủ plugin"}}).value()["state"] == "sent");
  REQUIRE(x.count() == 1);
  CHECK(x.requests()[0].header("authorization") == "Bearer " + token);
  CHECK(json::parse(x.requests()[0].body)["text"] == "Qua máy chủ plugin");
  auto d = (*pub)->drain(10);
  REQUIRE(d);
  CHECK((*d)["queued"] == 0);
  for (const auto& l : logs) CHECK(l.find(token) == std::string::npos);
  // A bad configuration fails create() with the plugin's own bilingual words, never the token.
  cfg["platform"] = "myspace";
  auto bad = plugin::open_publisher(host, "social", cfg);
  REQUIRE_FALSE(bad);
  CHECK(bad.err().describe().find("facebook, youtube, x") != std::string::npos);
  CHECK(bad.err().describe().find(token) == std::string::npos);
}

TEST_CASE("through the host's HTTP client, an interrupted YouTube upload resumes after a 308") {
  tmpdir dir;
  youtube_mock yt;
  yt.fail_first_put = true;
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {PBGDPL_PLUGIN_DIR};
  o.http_allow_loopback = true;
  timestamp clock(std::chrono::seconds(1'800'000'000));
  o.clock = [&clock] { return clock; };
  plugin::plugin_host host(o);
  auto pub = plugin::open_publisher(host, "social",
                                    {{"platform", "youtube"},
                                     {"base_url", yt.srv->base()},
                                     {"token", token},
                                     {"state_dir", dir.path.string()}});
  REQUIRE(pub);
  auto s =
      (*pub)->publish({{"id", "v9"},
                       {"title", "Clip"},
                       {"media", {{{"url", yt.srv->base() + "/media/clip.mp4"}, {"type", "video/mp4"}}}}});
  REQUIRE(s);
  CHECK((*s)["state"] == "queued");
  clock += std::chrono::minutes(1);
  auto d = (*pub)->drain(5);
  REQUIRE(d);
  CHECK((*d)["sent"] == 1);
  auto seen = yt.srv->requests();
  REQUIRE(seen.size() == 6);
  CHECK(seen[1].body.find("snippet") != std::string::npos);
  CHECK(seen[2].body == yt.video);  // the bytes, not UTF-8, crossed the boundary whole
  CHECK(seen[5].body == yt.video.substr(1000));
}

TEST_CASE(
    "red team: a state file whose YouTube session points elsewhere is corrupt, and never gets the token") {
  // The session URL is checked against the API's origin when YouTube gives it; one read back from
  // the state file must meet the same rule, and a wrong type must not wedge the queue later.
  rig r;
  youtube_mock yt;
  mock::server evil([](const mock::seen&) { return mock::reply(200, "{}"); });
  auto cfg = r.config("youtube", yt.srv->base());
  auto file = r.dir.path / "social-youtube.json";
  const std::string post = R"({"id":"v9","title":"Clip","media":[{"url":")" + yt.srv->base() +
                           R"(/media/clip.mp4","type":"video/mp4"}]})";
  for (const std::string& resume : {R"({"upload_url":")" + evil.base() + R"(/upload/session/xyz"})",
                                    std::string(R"({"upload_url":5})")}) {
    std::ofstream(file)
        << R"({"format":"pbgdpl-social-queue","version":1,"platform":"youtube","entries":[)"
        << R"({"id":"v9","state":"queued","attempts":1,"created_at":1,"next_attempt_at":1,"post":)" << post
        << R"(,"resume":)" << resume << "}]}";
    try {
      auto q = r.queue(cfg);
      (void)q.drain(5);
      FAIL("a session URL not from the API was accepted: " << resume << " (requests there: " << evil.count()
                                                           << ")");
    } catch (const exception& e) {
      CHECK(e.err().code == errc::corrupt);
    }
    CHECK(evil.count() == 0);
  }
}
