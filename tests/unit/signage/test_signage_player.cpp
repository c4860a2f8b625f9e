#include <pbgdpl/signage/player.hpp>

#include <doctest/doctest.h>

#include "loopback_server.hpp"
#include "manifest_support.hpp"

#include <pbgdpl/core/json.hpp>
#include <pbgdpl/signage/device_auth.hpp>
#include <pbgdpl/signage/proof_of_play.hpp>

#include <mutex>
#include <set>

#include <sys/stat.h>

using namespace pbgdpl;
using namespace signage_test;
using namespace std::chrono_literals;

namespace {

// 10:00 in Hà Nội on the day the test manifests are issued: inside their 06:30-17:30 schedule.
const timestamp t1 = t0 + 24h + 3h;

std::string blake(std::string_view s) { return trust::to_hex(trust::blake2b_256(s)); }

std::string bytes_of(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 13) % 241);
  return s;
}

// The portal as a device sees it, on a loopback port: enrolment, the signed manifest with an ETag,
// content by digest with Range, proof of play checked with verify_batch, heartbeats. Every device
// request's signature is checked (at the time the request states).
struct fake_portal {
  std::mutex mu;
  world w;
  std::string display = "cau-thang-a2";
  bool authorised = true;
  bool revoked = false;  // device requests answered 403 revoked
  std::optional<trust::secret_key> offered_authority;  // enrolment answers with this key instead
  std::optional<trust::public_key> device;
  std::string wire, etag;
  std::map<std::string, std::string> content;  // blake2b -> bytes served
  std::vector<std::string> content_ranges;     // "<blake2b> <Range>" of each content request
  std::vector<std::string> if_none_match;
  std::set<std::size_t> break_content_at;      // content requests (0-based) cut after half their body
  std::set<std::size_t> fail_content_at;       // content requests answered 503
  std::size_t content_requests = 0;
  int unauthenticated = 0;
  signage::chain_state chain;
  std::vector<signage::play> plays;  // accepted, each once
  int drop_plays_answers = 0;        // the next n uploads are processed but their answer is lost
  std::vector<json> heartbeats;

  bool signed_ok(const test_loop::request& r) {
    if (!device) return false;
    signage::signed_headers h{r.header("X-Pbgdpl-Device"), r.header("X-Pbgdpl-Time"), r.header("X-Pbgdpl-Signature")};
    std::int64_t t = 0;
    try {
      t = std::stoll(h.time);
    } catch (...) {
      return false;
    }
    auto ok = signage::verify_request(*device, h, r.method, r.target, r.body, timestamp{std::chrono::seconds{t}});
    if (!ok) ++unauthenticated;
    return bool(ok);
  }

  std::string handle(const test_loop::request& r) {
    std::lock_guard lock(mu);
    if (r.method == "POST" && r.target == "/api/v1/signage/enrol") {
      auto j = json::parse(r.body);
      device = trust::public_key::parse(j.at("public_key").get<std::string>()).value();
      if (!authorised) return test_loop::response(202, R"({"state":"pending","code":"7KQ-M4P"})");
      json a = {{"state", "authorised"}, {"display", display}, {"authority", w.authority},
                {"authority_public_key", (offered_authority ? *offered_authority : w.root).public_part().to_file()}};
      return test_loop::response(200, a.dump());
    }
    if (revoked)
      return test_loop::response(403, R"({"error":{"code":"revoked","message":"Màn hình đã bị thu hồi","message_en":"The display was revoked"},"state":"revoked"})");
    if (!signed_ok(r)) return test_loop::response(401, R"({"error":{"code":"unauthenticated"}})");
    if (r.method == "GET" && r.target == "/api/v1/signage/manifest") {
      if_none_match.push_back(r.header("If-None-Match"));
      if (!etag.empty() && r.header("If-None-Match") == etag) return test_loop::response(304, "");
      return test_loop::response(200, wire, "Content-Type: application/json\r\nETag: " + etag + "\r\n");
    }
    if (r.method == "GET" && r.target.starts_with("/api/v1/signage/content/")) {
      auto b = r.target.substr(24);
      std::size_t n = content_requests++;
      content_ranges.push_back(b + " " + r.header("Range"));
      auto it = content.find(b);
      if (it == content.end()) return test_loop::response(404, "{}");
      if (fail_content_at.contains(n)) return test_loop::response(503, "{}");
      const std::string& c = it->second;
      std::uint64_t a = 0, e = c.size() - 1;
      if (std::sscanf(r.header("Range").c_str(), "bytes=%lu-%lu", &a, &e) != 2) return test_loop::response(200, c);
      if (a >= c.size()) return test_loop::response(416, "");
      e = std::min<std::uint64_t>(e, c.size() - 1);
      auto part = c.substr(a, e - a + 1);
      std::string head = "HTTP/1.1 206 Partial\r\nContent-Range: bytes " + std::to_string(a) + "-" + std::to_string(e) + "/" +
                         std::to_string(c.size()) + "\r\nContent-Length: " + std::to_string(part.size()) +
                         "\r\nConnection: close\r\n\r\n";
      if (break_content_at.contains(n)) return head + part.substr(0, part.size() / 2);
      return head + part;
    }
    if (r.method == "POST" && r.target == "/api/v1/signage/plays") {
      auto lines = json::parse(r.body).at("lines").get<std::vector<std::string>>();
      auto got = signage::verify_batch(*device, display, lines, chain);
      if (!got) return test_loop::response(409, json{{"expected_seq", chain.seq + 1}}.dump());
      for (auto& p : *got) plays.push_back(p);
      if (drop_plays_answers > 0) {
        --drop_plays_answers;
        return "";  // processed, but the answer never reaches the device
      }
      return test_loop::response(200, json{{"accepted_through", chain.seq}}.dump());
    }
    if (r.method == "POST" && r.target == "/api/v1/signage/heartbeat") {
      heartbeats.push_back(json::parse(r.body));
      return "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
    }
    return test_loop::response(404, "{}");
  }

  // Serves `m` signed by `key` (the authority's root by default) and the bytes of its items.
  void publish(const signage::manifest& m, const std::map<std::string, std::string>& bytes, const trust::secret_key* key = nullptr) {
    std::lock_guard lock(mu);
    wire = signage::to_wire(signage::sign_manifest(key ? *key : w.root, m));
    etag = "\"m" + std::to_string(m.sequence) + "-" + blake(wire).substr(0, 12) + "\"";
    for (const auto& [b, c] : bytes) content[b] = c;
  }
};

// A manifest whose items carry `sizes` bytes each (legal infographics), plus the world's local notice.
struct content_set {
  signage::manifest m;
  std::map<std::string, std::string> bytes;  // blake2b -> bytes
};

content_set make_set(world& w, std::uint64_t sequence, std::vector<std::size_t> sizes, char seed = 'a') {
  content_set s;
  s.m = w.make(0, sequence);
  auto& items = s.m.playlists.front().items;  // the notice only
  std::vector<signage::manifest_item> legal;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    auto c = bytes_of(sizes[i], static_cast<char>(seed + i));
    auto media = "infographic-" + std::string(1, seed) + std::to_string(i);
    legal.push_back(w.item(media, c));
    s.bytes[blake(c)] = c;
  }
  for (const auto& c : w.contents) s.bytes[blake(c)] = c;
  items.insert(items.begin(), legal.begin(), legal.end());
  return s;
}

struct rig {
  fs::path dir;
  fake_portal portal;
  test_loop::server srv{[this](const test_loop::request& r) { return portal.handle(r); }};
  explicit rig(const std::string& name) : dir(scratch("player-" + name)) {}
  signage::player_config config(std::size_t chunk = 1000) {
    signage::player_config c;
    c.server = srv.base();
    c.state_dir = dir / "state";
    c.name = "Cầu thang A, tầng 2";
    c.chunk_bytes = chunk;
    c.fetch.allow_private_addresses = true;
    c.fetch.timeout = 5000ms;
    return c;
  }
};

std::set<std::string> shown(const std::optional<signage::frame_plan>& p) {
  std::set<std::string> out;
  if (p)
    for (const auto& it : p->items) out.insert(it.item.blake2b);
  return out;
}

std::set<std::string> legal_of(const content_set& s) {
  std::set<std::string> out;
  for (const auto& it : s.m.playlists.front().items)
    if (it.legal) out.insert(it.blake2b);
  return out;
}

// Every item the plan shows over a whole loop of the playlist (30 s of 10 s items, and the notice).
std::set<std::string> shown_over_loop(const signage::player& p, timestamp at) {
  std::set<std::string> out;
  for (int s = 0; s < 60; s += 5) out.merge(shown(p.plan(at + std::chrono::seconds(s))));
  return out;
}

bool has_fault(const signage::player& p, errc code) {
  for (const auto& f : p.faults())
    if (f.code == code) return true;
  return false;
}

// Enrolled, with the first manifest (sequence 1) synced.
void first_sync(rig& r, signage::player& p, const content_set& s) {
  r.portal.publish(s.m, s.bytes);
  auto e = p.enrol();
  REQUIRE(e);
  REQUIRE(e->state == "authorised");
  auto out = p.sync(t1);
  REQUIRE(out);
  REQUIRE(out->result == signage::sync_result::updated);
}

}  // namespace

TEST_CASE("a new player makes its device key, enrols pending with a code, then pins the authority key") {
  rig r("enrol");
  r.portal.authorised = false;
  signage::player p(r.config());
  struct stat st {};
  REQUIRE(::stat((r.dir / "state" / "device.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(fs::exists(r.dir / "state" / "device.pub"));
  auto e = p.enrol();
  REQUIRE(e);
  CHECK(e->state == "pending");
  CHECK(e->code == "7KQ-M4P");
  CHECK(p.sync(t1).err().code == errc::unauthenticated);  // not authorised yet: nothing to pull
  r.portal.authorised = true;
  e = p.enrol();
  REQUIRE(e);
  CHECK(e->state == "authorised");
  CHECK(e->display == "cau-thang-a2");
  CHECK(*r.portal.device == p.device_public_key());
  // The same key and pinning after a restart.
  signage::player again(r.config());
  CHECK(again.device_public_key() == p.device_public_key());
  CHECK(again.display() == "cau-thang-a2");
}

TEST_CASE("an authority key pinned out of band is not replaced by another one from enrolment") {
  rig r("enrol-pinned");
  auto c = r.config();
  c.authority_public_key = r.portal.w.root.public_part().to_file();
  r.portal.offered_authority = trust::secret_key::generate();
  signage::player p(c);
  auto e = p.enrol();
  REQUIRE_FALSE(e);
  CHECK(e.err().code == errc::unknown_key);
  CHECK(p.display().empty());
  r.portal.offered_authority.reset();
  CHECK(p.enrol());
}

TEST_CASE("a first sync downloads in Range chunks and swaps, a second is 304 unchanged, and the plan plays it") {
  rig r("first");
  signage::player p(r.config(1000));
  auto s = make_set(r.portal.w, 1, {2500, 1200, 300});
  first_sync(r, p, s);
  CHECK(p.has_manifest());
  CHECK(p.manifest_sequence() == 1);
  for (const auto& [b, c] : s.bytes) CHECK(p.cache().has(b).value());
  CHECK(fs::exists(r.dir / "state" / "current" / "manifest.json"));
  // 3 chunks for 2,500 bytes, 2 for 1,200, 1 each for the rest.
  CHECK(r.portal.content_requests == 3 + 2 + 1 + 1);
  auto again = p.sync(t1 + 300s);
  REQUIRE(again);
  CHECK(again->result == signage::sync_result::unchanged);
  CHECK(r.portal.if_none_match.back() == r.portal.etag);
  CHECK(r.portal.content_requests == 7);
  auto plan = p.plan(t1 + 5s);
  REQUIRE(plan);
  CHECK(plan->playlist == "an-toan-giao-thong");
  CHECK(plan->layout_name == "Hai vùng");
  CHECK(plan->ticker == "Học sinh đội mũ bảo hiểm khi đi xe máy");
  REQUIRE(plan->items.size() == 2);
  CHECK(plan->items[0].zone == "phap-luat");
  CHECK(plan->items[1].zone == "thong-bao");
  CHECK(fs::exists(plan->items[0].file));
  CHECK(shown_over_loop(p, t1) == [&] {
    auto all = legal_of(s);
    all.insert(blake(r.portal.w.contents.back()));
    return all;
  }());
  // Outside the schedule (20:00 local) nothing plays.
  CHECK_FALSE(p.plan(t0 + 24h + 13h));
  // A restarted player plays from its state directory with no server.
  r.srv.stop();
  signage::player restarted(r.config(1000));
  CHECK(restarted.has_manifest());
  CHECK(shown(restarted.plan(t1 + 5s)) == shown(plan));
}

TEST_CASE("a tampered bundle is refused: the old manifest keeps playing and the bytes never enter the cache") {
  rig r("tampered");
  signage::player p(r.config());
  auto s1 = make_set(r.portal.w, 1, {800});
  first_sync(r, p, s1);
  auto s2 = make_set(r.portal.w, 2, {900, 700}, 'k');
  r.portal.publish(s2.m, s2.bytes);
  auto bad = s2.m.playlists.front().items[1].blake2b;
  r.portal.content[bad][10] ^= 0x20;  // the server's copy differs from the approved digest
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::tampered);
  CHECK(p.manifest_sequence() == 1);
  CHECK_FALSE(p.cache().has(bad).value());
  CHECK(p.cache().partial_size(bad).value() == 0);
  CHECK(has_fault(p, errc::tampered));
  auto seen = shown_over_loop(p, t1 + 600s);
  for (const auto& b : legal_of(s2)) CHECK_FALSE(seen.contains(b));
  for (const auto& b : legal_of(s1)) CHECK(seen.contains(b));
}

TEST_CASE("a manifest signed by another key is refused and the last valid one keeps playing") {
  rig r("wrong-key");
  signage::player p(r.config());
  auto s1 = make_set(r.portal.w, 1, {500});
  first_sync(r, p, s1);
  auto s2 = make_set(r.portal.w, 2, {600}, 'm');
  auto stranger = trust::secret_key::generate();
  r.portal.publish(s2.m, s2.bytes, &stranger);
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK((out->why->code == errc::unknown_key || out->why->code == errc::bad_signature));
  CHECK(p.manifest_sequence() == 1);
  CHECK(r.portal.content_requests == 2);  // nothing of the forged manifest was downloaded
  CHECK(shown_over_loop(p, t1 + 600s).contains(*legal_of(s1).begin()));
}

TEST_CASE("a manifest with an expired approval is refused whole: its other new items do not play either") {
  rig r("expired-approval");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {500});
  first_sync(r, p, s1);
  auto s2 = make_set(w, 2, {400}, 'q');
  auto old_bytes = bytes_of(450, 'z');
  auto st = w.statement("het-han");
  st.valid_until = t1 - 1h;  // expired before the sync
  auto it = w.item("het-han", old_bytes);
  it.approval = w.approve(old_bytes, st);
  s2.m.playlists.front().items.push_back(it);
  s2.bytes[blake(old_bytes)] = old_bytes;
  r.portal.publish(s2.m, s2.bytes);
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::expired);
  CHECK(p.manifest_sequence() == 1);
  auto seen = shown_over_loop(p, t1 + 600s);
  CHECK_FALSE(seen.contains(blake(old_bytes)));
  for (const auto& b : legal_of(s2)) CHECK_FALSE(seen.contains(b));
}

TEST_CASE("a rollback to an older manifest is refused") {
  rig r("rollback");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {500});
  auto s2 = make_set(w, 2, {520}, 'r');
  r.portal.publish(s2.m, s2.bytes);
  REQUIRE(p.enrol());
  REQUIRE(p.sync(t1)->result == signage::sync_result::updated);
  r.portal.publish(s1.m, s1.bytes);  // a replayed older, validly signed manifest
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::superseded);
  CHECK(p.manifest_sequence() == 2);
  CHECK_FALSE(shown_over_loop(p, t1 + 600s).contains(*legal_of(s1).begin()));
}

TEST_CASE("a truncated download is resumed: the second attempt asks only for the remaining range") {
  rig r("resume");
  signage::player p(r.config(1000));
  auto s1 = make_set(r.portal.w, 1, {300});
  first_sync(r, p, s1);
  auto s2 = make_set(r.portal.w, 2, {3500}, 't');
  r.portal.publish(s2.m, s2.bytes);
  auto big = *legal_of(s2).begin();
  std::size_t before = r.portal.content_requests;
  r.portal.fail_content_at = {before + 2};  // the third chunk: the server fails
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::offline);
  CHECK(p.manifest_sequence() == 1);
  CHECK(p.cache().partial_size(big).value() == 2000);
  r.portal.content_ranges.clear();
  out = p.sync(t1 + 900s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::updated);
  REQUIRE_FALSE(r.portal.content_ranges.empty());
  CHECK(r.portal.content_ranges.front() == big + " bytes=2000-2999");
  CHECK(std::count_if(r.portal.content_ranges.begin(), r.portal.content_ranges.end(),
                      [&](const std::string& s) { return s.starts_with(big + " bytes=0-"); }) == 0);
}

TEST_CASE("a server that vanishes mid-chunk leaves whole chunks and the next sync resumes after them") {
  rig r("vanish");
  signage::player p(r.config(1000));
  auto s1 = make_set(r.portal.w, 1, {300});
  first_sync(r, p, s1);
  auto s2 = make_set(r.portal.w, 2, {2600}, 'v');
  r.portal.publish(s2.m, s2.bytes);
  auto big = *legal_of(s2).begin();
  r.portal.break_content_at = {r.portal.content_requests + 1};  // the second chunk: half, then closed
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::offline);
  CHECK(p.cache().partial_size(big).value() == 1000);
  CHECK(p.manifest_sequence() == 1);
  r.portal.content_ranges.clear();
  out = p.sync(t1 + 900s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::updated);
  CHECK(r.portal.content_ranges.front() == big + " bytes=1000-1999");
  CHECK(p.cache().has(big).value());
}

TEST_CASE("a cache too small for the new bundles is storage_full and the old manifest still plays") {
  rig r("full");
  auto c = r.config();
  c.max_cache_bytes = 3000;
  signage::player p(c);
  auto s1 = make_set(r.portal.w, 1, {1200});
  first_sync(r, p, s1);
  auto s2 = make_set(r.portal.w, 2, {1500, 1400}, 'f');
  r.portal.publish(s2.m, s2.bytes);
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::storage_full);
  CHECK(p.manifest_sequence() == 1);
  for (const auto& b : legal_of(s1)) CHECK(p.cache().has(b).value());  // what plays was not evicted
  CHECK(shown_over_loop(p, t1 + 600s).contains(*legal_of(s1).begin()));
  // A manifest that fits beside the current one is taken; the next one evicts what no manifest needs.
  auto s3 = make_set(r.portal.w, 3, {1500}, 'g');
  r.portal.publish(s3.m, s3.bytes);
  REQUIRE(p.sync(t1 + 900s)->result == signage::sync_result::updated);
  auto s4 = make_set(r.portal.w, 4, {1000}, 'j');
  r.portal.publish(s4.m, s4.bytes);
  out = p.sync(t1 + 1200s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::updated);
  CHECK(p.cache().used_bytes() <= 3000);
  for (const auto& b : legal_of(s1)) CHECK_FALSE(p.cache().has(b).value());
  for (const auto& b : legal_of(s3)) CHECK(p.cache().has(b).value());
}

TEST_CASE("with the server unreachable the sync is offline and the plan answers from the cache") {
  rig r("offline");
  signage::player p(r.config());
  auto s1 = make_set(r.portal.w, 1, {700});
  first_sync(r, p, s1);
  r.srv.stop();
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::offline);
  CHECK(out->why);
  CHECK(p.manifest_sequence() == 1);
  CHECK(shown_over_loop(p, t1 + 600s).contains(*legal_of(s1).begin()));
  CHECK(has_fault(p, errc::io_error));
}

TEST_CASE("a clock set back is refused at sync and does not bring back an approval that expired") {
  rig r("clock");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {400});
  // One more item whose approval ends two days after the first sync.
  auto b = bytes_of(350, 'x');
  auto st = w.statement("hai-ngay");
  st.valid_until = t1 + 48h;
  auto it = w.item("hai-ngay", b);
  it.approval = w.approve(b, st);
  s1.m.playlists.front().items.insert(s1.m.playlists.front().items.begin(), it);
  s1.bytes[blake(b)] = b;
  first_sync(r, p, s1);
  CHECK(shown_over_loop(p, t1).contains(blake(b)));
  // Three days on (offline or unchanged), the approval has ended.
  auto later = t1 + 72h;
  REQUIRE(p.sync(later)->result == signage::sync_result::unchanged);
  CHECK_FALSE(shown_over_loop(p, later).contains(blake(b)));
  // The clock is set back two days while playing: the approval stays expired, the rest plays.
  auto back = t1 + 24h;
  auto seen = shown_over_loop(p, back);
  CHECK_FALSE(seen.contains(blake(b)));
  CHECK(seen.contains(*legal_of(s1).begin()));
  CHECK(has_fault(p, errc::clock_rollback));
  // Set back before the accepted manifest was issued: the sync is refused, the manifest kept.
  auto out = p.sync(t0 + 12h);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::clock_rollback);
  CHECK(p.manifest_sequence() == 1);
  // After a restart the same: the accepted reading is in trust.json.
  signage::player restarted(r.config());
  auto again = restarted.sync(t0 + 12h);
  REQUIRE(again);
  CHECK(again->why->code == errc::clock_rollback);
}

TEST_CASE("an item whose approval expires while offline leaves the plan, with a fault, and the rest plays") {
  rig r("expire-offline");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {400, 420});
  auto b = bytes_of(390, 'y');
  auto st = w.statement("mot-ngay");
  st.valid_until = t1 + 24h;
  auto it = w.item("mot-ngay", b);
  it.approval = w.approve(b, st);
  s1.m.playlists.front().items.insert(s1.m.playlists.front().items.begin(), it);
  s1.bytes[blake(b)] = b;
  first_sync(r, p, s1);
  CHECK(shown_over_loop(p, t1).contains(blake(b)));
  r.srv.stop();
  auto next_day = t1 + 48h;
  CHECK(p.sync(next_day)->result == signage::sync_result::offline);
  auto seen = shown_over_loop(p, next_day);
  CHECK_FALSE(seen.contains(blake(b)));
  for (const auto& x : legal_of(s1))
    if (x != blake(b)) CHECK(seen.contains(x));
  CHECK(has_fault(p, errc::expired));
  // Recorded once, not at every frame.
  auto n = std::count_if(p.faults().begin(), p.faults().end(), [](const error& e) { return e.code == errc::expired; });
  CHECK(n == 1);
}

TEST_CASE("a link planted at a cache path is refused, not followed") {
  rig r("link");
  signage::player p(r.config());
  auto s1 = make_set(r.portal.w, 1, {300});
  r.portal.publish(s1.m, s1.bytes);
  REQUIRE(p.enrol());
  auto target = *legal_of(s1).begin();
  write(r.dir / "outside", s1.bytes[target]);  // even the right bytes, behind a link, are not read
  fs::create_symlink(r.dir / "outside", r.dir / "state" / "cache" / target);
  auto out = p.sync(t1);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::unsafe_path);
  CHECK_FALSE(p.has_manifest());
}

TEST_CASE("plays are recorded, uploaded and acknowledged, and an upload retried after a lost answer is not counted twice") {
  rig r("plays");
  signage::player p(r.config());
  auto s1 = make_set(r.portal.w, 1, {300, 310});
  first_sync(r, p, s1);
  auto plan = p.plan(t1).value();
  for (int i = 0; i < 3; ++i) REQUIRE(p.record_play(plan.items[0], t1 + std::chrono::seconds(10 * i), t1 + std::chrono::seconds(10 * i + 10)));
  auto up = p.upload_plays();
  REQUIRE(up);
  CHECK(*up == 3);
  CHECK(r.portal.plays.size() == 3);
  CHECK(r.portal.plays[0].media == plan.items[0].item.media);
  CHECK(r.portal.plays[0].blake2b == plan.items[0].item.blake2b);
  CHECK(*p.upload_plays() == 0);  // nothing pending: nothing sent
  // Two more; the server takes them but the answer is lost: the device sends them again.
  REQUIRE(p.record_play(plan.items[1], t1 + 30s, t1 + 40s));
  REQUIRE(p.record_play(plan.items[1], t1 + 40s, t1 + 50s));
  r.portal.drop_plays_answers = 1;
  CHECK_FALSE(p.upload_plays());
  CHECK(r.portal.plays.size() == 5);
  up = p.upload_plays();
  REQUIRE(up);
  CHECK(*up == 2);
  CHECK(r.portal.plays.size() == 5);  // the repeated lines were skipped by verify_batch
  CHECK(r.portal.chain.seq == 5);
  CHECK(r.portal.unauthenticated == 0);
}

TEST_CASE("a heartbeat reports the inventory, the manifest, free space and the faults not yet sent") {
  rig r("heartbeat");
  signage::player p(r.config());
  auto s1 = make_set(r.portal.w, 1, {300});
  first_sync(r, p, s1);
  auto s2 = make_set(r.portal.w, 2, {320}, 'h');
  auto stranger = trust::secret_key::generate();
  r.portal.publish(s2.m, s2.bytes, &stranger);
  REQUIRE(p.sync(t1 + 600s)->result == signage::sync_result::refused);
  REQUIRE(p.heartbeat("playing", std::string("\x89PNG fake")));
  REQUIRE(r.portal.heartbeats.size() == 1);
  const auto& h = r.portal.heartbeats[0];
  CHECK(h["status"] == "playing");
  CHECK(h["manifest_sequence"] == 1);
  auto inv = h["inventory"].get<std::vector<std::string>>();
  CHECK(std::set<std::string>(inv.begin(), inv.end()) == [&] {
    std::set<std::string> all;
    for (const auto& [b, c] : s1.bytes) all.insert(b);
    return all;
  }());
  CHECK(h["free_bytes"].get<std::uint64_t>() > 0);
  REQUIRE(h["faults"].size() == 1);
  CHECK(h["faults"][0]["code"] != "");
  CHECK(h["snapshot_png"] == trust::detail::base64(trust::as_bytes(std::string("\x89PNG fake"))));
  REQUIRE(p.heartbeat("playing", std::nullopt));
  CHECK(r.portal.heartbeats[1]["faults"].empty());  // sent once
  CHECK_FALSE(r.portal.heartbeats[1].contains("snapshot_png"));
}

TEST_CASE("an item in a legal zone without an approval is refused even when the manifest calls it not legal") {
  rig r("legal-zone");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {300});
  first_sync(r, p, s1);
  auto s2 = make_set(w, 2, {310}, 'n');
  auto sneaked = bytes_of(280, 's');
  auto it = w.item("quang-cao", sneaked, false);  // a local item...
  it.zone = "phap-luat";                          // ...moved into the legal zone
  s2.m.playlists.front().items.push_back(it);
  s2.bytes[blake(sneaked)] = sneaked;
  r.portal.publish(s2.m, s2.bytes);
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::permission_denied);
  CHECK(p.manifest_sequence() == 1);
  CHECK_FALSE(shown_over_loop(p, t1 + 600s).contains(blake(sneaked)));
}

TEST_CASE("at start the player takes the newer verified manifest after a crash mid-swap, and refuses an older one put back") {
  rig r("restart");
  auto s1 = make_set(r.portal.w, 1, {300});
  auto s2 = make_set(r.portal.w, 2, {320}, 'p');
  auto state = r.dir / "state";
  std::string trust_after_1, manifest_1;
  {
    signage::player p(r.config());
    first_sync(r, p, s1);
    trust_after_1 = read(state / "trust.json");
    manifest_1 = read(state / "current" / "manifest.json");
    r.portal.publish(s2.m, s2.bytes);
    REQUIRE(p.sync(t1 + 600s)->result == signage::sync_result::updated);
  }
  // A crash after the manifest was replaced but before trust.json was: the newer manifest plays.
  auto trust_after_2 = read(state / "trust.json");
  write(state / "trust.json", trust_after_1);
  {
    signage::player p(r.config());
    CHECK(p.manifest_sequence() == 2);
    // The swap is completed at start: the older manifest the server still offers is refused.
    r.portal.publish(s1.m, s1.bytes);
    auto out = p.sync(t1 + 900s);
    REQUIRE(out);
    REQUIRE(out->result == signage::sync_result::refused);
    CHECK(out->why->code == errc::superseded);
    CHECK(p.manifest_sequence() == 2);
  }
  // The older manifest's bytes put back under a trust.json that accepted the newer: refused.
  write(state / "trust.json", trust_after_2);
  write(state / "current" / "manifest.json", manifest_1);
  signage::player p(r.config());
  CHECK_FALSE(p.has_manifest());
  CHECK(has_fault(p, errc::superseded));
  CHECK_FALSE(p.plan(t1 + 600s));
}

TEST_CASE("an emergency entry wins and the plan says so") {
  rig r("emergency");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {300});
  auto alert = bytes_of(260, 'E');
  signage::manifest_playlist ep;
  ep.id = "canh-bao";
  ep.name = "Cảnh báo";
  ep.layout = "hai-vung";
  ep.items.push_back(w.item("canh-bao-chay", alert));
  s1.m.playlists.push_back(ep);
  s1.bytes[blake(alert)] = alert;
  schedule_entry e = s1.m.entries.front();
  e.id = schedule_id{"khan-cap"};
  e.playlist = playlist_id{"canh-bao"};
  e.emergency = true;
  e.priority = 100;
  e.expires_at = t1 + 1h;
  s1.m.entries.push_back(e);
  first_sync(r, p, s1);
  auto plan = p.plan(t1 + 60s);
  REQUIRE(plan);
  CHECK(plan->emergency);
  CHECK(plan->playlist == "canh-bao");
  CHECK(shown(plan) == std::set<std::string>{blake(alert)});
  // After its time to live the normal playlist is back.
  auto after = p.plan(t1 + 2h);
  REQUIRE(after);
  CHECK_FALSE(after->emergency);
  CHECK(after->playlist == "an-toan-giao-thong");
}

TEST_CASE("an approval that ends between two frames stops showing at its end, not at the next recheck") {
  rig r("ends-now");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {});  // the local notice, and below the one legal item
  auto b = bytes_of(330, 'u');
  auto st = w.statement("het-gio");
  st.valid_until = t1 + 2h;
  auto it = w.item("het-gio", b);
  it.approval = w.approve(b, st);
  auto& items = s1.m.playlists.front().items;
  items.insert(items.begin(), it);
  s1.bytes[blake(b)] = b;
  first_sync(r, p, s1);
  CHECK(shown(p.plan(st.valid_until - 5s)).contains(blake(b)));  // verified, and the pass remembered
  CHECK_FALSE(shown(p.plan(st.valid_until + 1s)).contains(blake(b)));
  CHECK(has_fault(p, errc::expired));
}

TEST_CASE("links and FIFOs planted at the state files are refused, not followed or waited on") {
  rig r("state-links");
  auto s1 = make_set(r.portal.w, 1, {300});
  auto state = r.dir / "state";
  {
    signage::player p(r.config());
    first_sync(r, p, s1);
  }
  // trust.json replaced by a link to a copy of itself: not read, so the player is not enrolled.
  fs::rename(state / "trust.json", r.dir / "trust-copy.json");
  fs::create_symlink(r.dir / "trust-copy.json", state / "trust.json");
  {
    signage::player p(r.config());
    CHECK(p.display().empty());
    CHECK_FALSE(p.has_manifest());
    CHECK(has_fault(p, errc::unsafe_path));
  }
  fs::remove(state / "trust.json");
  fs::rename(r.dir / "trust-copy.json", state / "trust.json");
  // A FIFO where the current manifest was: refused at once (a read would block forever).
  fs::remove(state / "current" / "manifest.json");
  REQUIRE(::mkfifo((state / "current" / "manifest.json").c_str(), 0600) == 0);
  signage::player p(r.config());
  CHECK(p.display() == "cau-thang-a2");
  CHECK_FALSE(p.has_manifest());
  CHECK(has_fault(p, errc::unsafe_path));
  // A link in place of the cache folder stops the player from starting at all.
  fs::rename(state / "cache", r.dir / "cache-elsewhere");
  fs::create_directory_symlink(r.dir / "cache-elsewhere", state / "cache");
  CHECK_THROWS_AS(signage::player(r.config()), pbgdpl::exception);
}

TEST_CASE("a device the portal revoked keeps its last manifest and reports the server's reason") {
  rig r("revoked");
  signage::player p(r.config());
  auto s1 = make_set(r.portal.w, 1, {300});
  first_sync(r, p, s1);
  r.portal.revoked = true;
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  CHECK(out->why->code == errc::unauthenticated);
  CHECK(out->why->message_en.find("The display was revoked") != std::string::npos);
  CHECK(out->why->message_vi.find("Màn hình đã bị thu hồi") != std::string::npos);
  CHECK(p.manifest_sequence() == 1);
  auto hb = p.heartbeat("playing", std::nullopt);
  REQUIRE_FALSE(hb);
  CHECK(hb.err().code == errc::unauthenticated);
}

TEST_CASE("an unsigned enrolment answer naming another display neither blanks the screen nor opens a rollback") {
  // The red team's F5: a forged enrolment answer (it is not signed) named another display and the
  // player dropped its manifest and sequence; a second forged answer naming the old display again
  // then let a captured older manifest in.
  rig r("rebind");
  signage::player p(r.config());
  auto& w = r.portal.w;
  auto s1 = make_set(w, 1, {500});
  auto s2 = make_set(w, 2, {520}, 'r');
  r.portal.publish(s2.m, s2.bytes);
  REQUIRE(p.enrol());
  REQUIRE(p.sync(t1)->result == signage::sync_result::updated);
  const auto playing = shown_over_loop(p, t1 + 60s);
  REQUIRE_FALSE(playing.empty());
  {
    std::lock_guard lock(r.portal.mu);
    r.portal.display = "cau-thang-b1";
  }
  auto e = p.enrol();
  REQUIRE(e);
  CHECK(e->display == "cau-thang-b1");
  CHECK(p.manifest_sequence() == 2);
  CHECK(shown_over_loop(p, t1 + 120s) == playing);  // still playing what verified
  {
    std::lock_guard lock(r.portal.mu);
    r.portal.display = "cau-thang-a2";
  }
  REQUIRE(p.enrol());
  r.portal.publish(s1.m, s1.bytes);  // the captured older manifest of the same display
  auto out = p.sync(t1 + 600s);
  REQUIRE(out);
  CHECK(out->result == signage::sync_result::refused);
  REQUIRE(out->why);
  CHECK(out->why->code == errc::superseded);
  CHECK(p.manifest_sequence() == 2);
  CHECK_FALSE(shown_over_loop(p, t1 + 600s).contains(*legal_of(s1).begin()));
}
