// The pieces several layers share have one home each (issue 10, part 5): the path rule
// (core/files.hpp), the media-type table (core/media_types.hpp), the ETag (http/etag.hpp) and the
// Bearer reader (http/middleware.hpp). These tests hold the layers to them: a name is judged the
// same by a request, a static mount and a bundle; a file has one type in HTTP and in a manifest;
// the ETag is the digest xxhsum and trust/ compute.
#include <pbgdpl/core/files.hpp>
#include <pbgdpl/core/media_types.hpp>
#include <pbgdpl/http/etag.hpp>
#include <pbgdpl/http/middleware.hpp>
#include <pbgdpl/http/static_files.hpp>
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/hash.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace test_http;
namespace fs = std::filesystem;

namespace {
pbgdpl::result<void> request_path(std::string_view target) {
  http::beast_request m(http::verb::get, std::string(target), 11);
  m.set(http::bhttp::field::host, "t");
  http::request req(std::move(m));
  return req.prepare();
}

fs::path scratch(const std::string& name) {
  auto p = fs::path(PBGDPL_BINARY_DIR) / "test-tmp" / "http" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string shell_output(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[256];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}
}  // namespace

TEST_CASE("a name that could leave its directory is refused alike by a request, a static mount and a bundle") {
  auto root = scratch("shared_names");
  std::ofstream(root / "ok.txt") << "ok";
  // Each as it arrives at that layer: decoded request segment, static {path}, manifest path.
  for (std::string bad : std::vector<std::string>{"..", ".", "a\\b", "a\x01" "b", "a\x7f" "b", "tab\there"}) {
    CAPTURE(bad);
    CHECK_FALSE(pbgdpl::files::check_segment(bad));
    CHECK_FALSE(request_path("/x/" + http::percent_encode(bad)));
    auto served = http::resolve_under(root, bad);
    REQUIRE_FALSE(served);
    CHECK(served.err().code == pbgdpl::errc::unsafe_path);
    CHECK_FALSE(pbgdpl::media::check_relative_path("dir/" + bad));
  }
  CHECK(request_path("/x/ok.txt"));
  CHECK(http::resolve_under(root, "ok.txt"));
  CHECK(pbgdpl::media::check_relative_path("dir/ok.txt"));
  // What each layer adds: a static mount never serves hidden names; a bundle's names must survive
  // a copy to a FAT or NTFS disk. A request path may hold both (a route decides).
  CHECK(request_path("/.well-known/x"));
  CHECK_FALSE(http::resolve_under(root, ".env"));
  CHECK_FALSE(pbgdpl::files::check_segment(".env", {.allow_hidden = false}));
  for (std::string name : std::vector<std::string>{"a:b.mp4", "what?.pdf", "x|y", "\"q\".txt", "a*b", "<b>"}) {
    CAPTURE(name);
    CHECK(request_path("/x/" + http::percent_encode(name)));
    auto r = pbgdpl::media::check_relative_path("videos/" + name);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == pbgdpl::errc::unsafe_path);
    CHECK(r.err().message_en.find("videos/") != std::string::npos);  // names the path
  }
}

TEST_CASE("a file has one media type, sent by static files and recorded by a bundle") {
  for (const auto& t : pbgdpl::mime::types) {
    std::string name = "tep." + std::string(t.extension);
    CAPTURE(name);
    CHECK(http::content_type_for(name) == t.content_type);
    CHECK(std::string_view(http::content_type_for(name)).starts_with(pbgdpl::media::guess_media_type(name)));
    CHECK(pbgdpl::media::guess_media_type(name).find(';') == std::string::npos);
  }
  CHECK(http::content_type_for("site.CSS") == "text/css; charset=utf-8");
  CHECK(pbgdpl::media::guess_media_type("site.CSS") == "text/css");
  // Types one layer knew and the other did not (static files sent these as octet-stream, bundles
  // recorded CSS and scripts as octet-stream).
  CHECK(http::content_type_for("clip.webm") == "video/webm");
  CHECK(http::content_type_for("bai-hat.mp3") == "audio/mpeg");
  CHECK(pbgdpl::media::guess_media_type("theme/site.css") == "text/css");
  CHECK(pbgdpl::media::guess_media_type("app.js") == "text/javascript");
  CHECK(http::content_type_for("no-extension") == "application/octet-stream");
  CHECK(pbgdpl::media::guess_media_type("dir.v2/README") == "application/octet-stream");
}

TEST_CASE("the ETag is XXH3-128 as xxhsum -H2 and trust's file digest give it") {
  auto dir = scratch("shared_etag");
  // Sizes across XXH3's internal paths: empty, short, 240 and 241 bytes, and several stripes.
  for (std::size_t n : {0u, 1u, 17u, 240u, 241u, 1024u * 1024u + 3u}) {
    CAPTURE(n);
    std::string content(n, '\0');
    unsigned x = static_cast<unsigned>(n) * 2654435761u + 7;
    for (auto& c : content) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      c = static_cast<char>(x & 0xFF);
    }
    auto f = dir / ("f" + std::to_string(n));
    std::ofstream(f, std::ios::binary) << content;
    auto tag = http::etag_for(content);
    REQUIRE(tag.size() == 34);
    auto file = pbgdpl::trust::xxh3_128_file(f);
    REQUIRE(file);
    CHECK(tag == "\"" + *file + "\"");
    CHECK(tag.substr(1, 32) == shell_output("xxhsum -H2 '" + f.string() + "'").substr(0, 32));
  }
  CHECK(http::etag_for("a") != http::etag_for("b"));
}

TEST_CASE("one Bearer reader: no header, another scheme, an empty token and a token") {
  auto with = [](std::string_view value) {
    http::beast_request m(http::verb::get, "/", 11);
    if (!value.empty()) m.set(http::bhttp::field::authorization, value);
    return http::request(std::move(m));
  };
  CHECK_FALSE(http::bearer_token(with("")));
  CHECK(http::bearer_token(with("Basic dXNlcjpwdw==")) == std::string_view{});
  CHECK(http::bearer_token(with("Bearer")) == std::string_view{});
  CHECK(http::bearer_token(with("Bearer    ")) == std::string_view{});
  CHECK(http::bearer_token(with("Bearertok")) == std::string_view{});
  CHECK(http::bearer_token(with("Bearer pbk_abc")) == "pbk_abc");
  CHECK(http::bearer_token(with("bEARER   pbk_abc")) == "pbk_abc");  // scheme in any case, 1*SP
  // The middleware built on it: anonymous without a header, 401 for anything unusable.
  auto r = sample_router();
  r->get("/who", [](http::request& q) { return http::response::text(q.principal ? q.principal->id : "anonymous"); });
  http::pipeline p;
  p.use(http::bearer_auth([](std::string_view t) -> std::optional<http::principal> {
    if (t == "pbk_good") return http::principal{"acc-1", "Giáo viên", {}};
    return std::nullopt;
  }));
  auto h = p.build(http::router::as_handler(r));
  auto call = [&](std::string_view value) {
    auto q = with(value);
    q.message().target("/who");
    return h(q);
  };
  CHECK(call("").body == "anonymous");
  CHECK(call("Bearer  pbk_good").body == "acc-1");
  CHECK(call("Bearer pbk_bad").code == http::status::unauthorized);
  CHECK(call("Basic dXNlcjpwdw==").code == http::status::unauthorized);
  CHECK(call("Bearer").code == http::status::unauthorized);
}
