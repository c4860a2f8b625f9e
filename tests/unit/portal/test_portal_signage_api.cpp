// The screens' device API (portal/signage_api.hpp) and the signage collections' permissions, over
// a real SQLite store in a temporary directory and real HTTP on loopback: enrolment by code, the
// signed manifest and its ETag, content by digest with Range, proof of play, heartbeats with a
// snapshot, revocation, unsigned requests, an approval that expires, signage operators' limits,
// and the manifest of the demo seed.
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/media/images.hpp>
#include <pbgdpl/network/fetch.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/signage_api.hpp>
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/signage/device_auth.hpp>
#include <pbgdpl/signage/player.hpp>
#include <pbgdpl/signage/plays.hpp>
#include <pbgdpl/signage/proof_of_play.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>
#include <pbgdpl/trust/approval.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>
#include <filesystem>
#include <unistd.h>

using namespace pbgdpl;
using namespace std::chrono_literals;

namespace {

std::filesystem::path temp_dir(const char* name) {
  auto dir = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / "portal-signage" /
             (std::string(name) + "-" + std::to_string(::getpid()) + "-" + random_id_string().substr(0, 8));
  std::filesystem::create_directories(dir);
  return dir;
}

dataset seed_data() {
  auto raw = store::read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
  REQUIRE(raw);
  auto d = dataset_from_json(*raw);
  REQUIRE_MESSAGE(d, (d ? "" : d.err().describe()));
  REQUIRE(publish::render_html(*d));
  return *d;
}

std::string png_bytes(int w, int h, unsigned char shade) {
  std::vector<unsigned char> px(static_cast<std::size_t>(w * h * 3), shade);
  return media::encode_png(px.data(), w, h, 3);
}

const char* const school = "thcs-van-yen";

// A portal over the seed in SQLite, served on 127.0.0.1, with a clock the test moves.
struct signage_portal {
  std::filesystem::path dir = temp_dir("api");
  std::unique_ptr<store::store> db;
  std::atomic<long long> offset{0};
  std::shared_ptr<portal::signage_service> svc;
  std::unique_ptr<portal::site> site;
  std::unique_ptr<http::server> srv;
  portal::api_key_registry keys;
  std::map<std::string, std::string> key_of;
  trust::secret_key approver = trust::secret_key::generate();
  unit_id authority;

  timestamp clock() const { return pbgdpl::now() + std::chrono::seconds{offset.load()}; }

  signage_portal() {
    auto opened = store::open_sqlite_store(dir / "pbgdpl.db");
    REQUIRE(opened);
    db = std::move(*opened);
    REQUIRE(store::import_dataset(*db, seed_data()));
    portal::options o;
    o.now = [this] { return clock(); };
    o.units = std::make_shared<portal::live_units>(*db, o.now);
    o.default_unit = school;
    o.authorize = portal::account_authorizer(*db, o.units);
    o.authenticate = [this](std::string_view bearer) { return portal::key_authenticator(keys, *db)(bearer); };
    portal::signage_options so;
    so.data_dir = dir;
    svc = std::make_shared<portal::signage_service>(*db, o, so);
    o.signage = svc;
    site = std::make_unique<portal::site>(*db, std::move(o));
    http::server_config cfg;
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.threads = 2;
    cfg.max_body_bytes = 4u << 20;
    srv = std::make_unique<http::server>(cfg, site->handler());
    srv->start();
  }
  ~signage_portal() { srv->stop(); }

  std::string url(std::string_view target) const {
    return "http://127.0.0.1:" + std::to_string(srv->port()) + std::string(target);
  }

  network::fetch_response call(std::string_view method, std::string_view target, std::string_view body = {},
                               network::header_list headers = {}) {
    network::fetch_options fo;
    fo.allow_private_addresses = true;
    fo.max_body_bytes = 32u << 20;
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return network::fetch(url(target), headers, fo, method, body);
  }

  // A request signed by `device` (at the portal's clock unless `at` is given).
  network::fetch_response signed_call(const trust::secret_key& device, std::string_view method, std::string_view target,
                                      std::string_view body = {}, network::header_list extra = {},
                                      std::optional<timestamp> at = {}) {
    auto h = signage::sign_request(device, method, target, body, at.value_or(clock()));
    extra.emplace_back(std::string(signage::device_header), h.device);
    extra.emplace_back(std::string(signage::time_header), h.time);
    extra.emplace_back(std::string(signage::signature_header), h.signature);
    return call(method, target, body, std::move(extra));
  }

  // An account with one grant and an API key.
  void add_account(const std::string& id, role r, const std::string& unit, bool with_key = true) {
    account a;
    a.id = account_id{id};
    a.username = id;
    a.display_name = id;
    a.grants = {{r, unit_id{unit}}};
    REQUIRE(db->create(a, "test"));
    if (with_key) {
      auto t = trust::issue_token(trust::token_kind::api_key, id, pbgdpl::now(), 24h);
      keys.add(t.record);
      key_of[id] = t.token;
    }
  }

  network::header_list bearer(const std::string& id) { return {{"Authorization", "Bearer " + key_of.at(id)}}; }

  // Media with bytes in the content store; `approve_for`: an approval by the test's approver.
  media_asset add_media(const std::string& id, const std::string& bytes, const std::string& mime,
                        std::optional<timestamp> approved_until = {}) {
    auto hex = svc->content().put(bytes);
    REQUIRE(hex);
    media_asset m;
    m.id = media_id{id};
    m.type = mime.starts_with("video/") ? media_type::video : media_type::image;
    m.file_name = id + (mime == "video/mp4" ? ".mp4" : ".png");
    m.mime_type = mime;
    m.size = bytes.size();
    m.blake2b = *hex;
    m.unit = unit_id{school};
    m.title = "Nội dung " + id;
    m.alt_text = "Nội dung " + id;
    m.created_at = clock();
    if (m.type == media_type::image) {
      m.width = 64;
      m.height = 64;
    } else {
      m.duration_seconds = 10.0;
    }
    auto c = db->create(m, "test");
    REQUIRE_MESSAGE(c, (c ? "" : c.err().describe()));
    if (approved_until) approve(*c, bytes, *approved_until);
    return *c;
  }

  void approve(const media_asset& m, const std::string& bytes, timestamp until, std::uint64_t sequence = 1) {
    trust::approval_statement st;
    st.id = "ap-" + m.id.value + "-" + std::to_string(sequence);
    st.content_id = m.id.value;
    st.approver_unit = authority;
    st.approver_role = role::division_approver;
    st.use = approval_use::signage_school;
    st.valid_from = clock() - 24h;
    st.valid_until = until;
    st.sequence = sequence;
    auto sig = trust::sign_approval(approver, st, trust::digest_content(bytes));
    REQUIRE(sig);
    st.key_id = approver.id().hex();
    st.content_blake2b = m.blake2b;
    auto rec = trust::to_record(st, sig->to_text());
    rec.approver = account_id{"acc-test-approver"};
    auto c = db->create(rec, "test");
    REQUIRE_MESSAGE(c, (c ? "" : c.err().describe()));
  }
};

layout two_zones() {
  layout l;
  l.id = layout_id{"l-test"};
  l.name = "Hai vùng";
  l.width = 1920;
  l.height = 1080;
  zone legal{"phap-luat", 0, 0, 1920, 880, true, false};
  zone notice{"thong-bao", 0, 880, 1920, 200, false, false};
  l.zones = {legal, notice};
  return l;
}

display make_display(const std::string& id, const std::string& group, std::optional<std::string> operator_account = {}) {
  display d;
  d.id = display_id{id};
  d.name = "Màn hình " + id;
  d.unit = unit_id{school};
  d.group = display_group_id{group};
  if (operator_account) {
    d.operated_by = operator_kind::business;
    d.operator_name = "Công ty " + *operator_account;
    d.operator_account = account_id{*operator_account};
  }
  return d;
}

display_group make_group(const std::string& id) {
  display_group g;
  g.id = display_group_id{id};
  g.name = "Nhóm " + id;
  g.unit = unit_id{school};
  return g;
}

schedule_entry every_day(const std::string& id, const std::string& playlist, const std::string& group, timestamp now) {
  schedule_entry e;
  e.id = schedule_id{id};
  e.playlist = playlist_id{playlist};
  e.group = display_group_id{group};
  e.start_time = "00:00";
  e.end_time = "24:00";
  e.valid_from = local_date(now - 48h);
  e.valid_until = local_date(now + 24h * 60);
  return e;
}

// A play line chain for display d, starting after (seq, hash).
std::vector<std::string> play_lines(const trust::secret_key& k, const std::string& d, const signage::manifest_item& it,
                                    timestamp start, std::uint64_t first_seq, std::string prev, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    signage::play p;
    p.display = d;
    p.media = it.media;
    p.blake2b = it.blake2b;
    p.start = start + std::chrono::seconds{20 * static_cast<long long>(i)};
    p.end = p.start + 10s;
    p.seq = first_seq + i;
    p.prev = prev;
    out.push_back(signage::play_line(k, p));
    prev = signage::line_hash(out.back());
  }
  return out;
}

std::string lines_body(const std::vector<std::string>& lines) { return json{{"lines", lines}}.dump(); }

}  // namespace

TEST_CASE("signage API: enrol by code, a signed manifest, content by range, plays, heartbeats, revocation") {
  signage_portal p;
  auto screen_display = make_display("d-test", "g-test");
  REQUIRE(p.db->create(make_group("g-test"), "test"));
  REQUIRE(p.db->create(screen_display, "test"));
  auto auth = p.svc->authority_of(screen_display);
  REQUIRE(auth);
  p.authority = *auth;
  p.add_account("acc-test-approver", role::division_approver, p.authority.value, false);
  credential cred;
  cred.id = account_id{"acc-test-approver"};
  cred.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$dGVzdA$dGVzdA";
  cred.approval_public_key = p.approver.public_part().to_file();
  REQUIRE(p.db->create(cred, "test"));
  const auto t0 = p.clock();
  const std::string image = png_bytes(64, 64, 200), notice = png_bytes(32, 8, 90);
  std::string video(300000, '\0');
  for (std::size_t i = 0; i < video.size(); ++i) video[i] = static_cast<char>((i * 7919u) >> 3);
  auto m_image = p.add_media("m-infographic", image, "image/png", t0 + 24h * 30);
  auto m_notice = p.add_media("m-thong-bao", notice, "image/png");  // a local notice: no approval needed
  auto m_video = p.add_media("m-video", video, "video/mp4", t0 + 2h);  // approved for two hours
  auto m_unapproved = p.add_media("m-chua-duyet", png_bytes(16, 16, 10), "image/png");
  REQUIRE(p.db->create(two_zones(), "test"));
  playlist pl;
  pl.id = playlist_id{"pl-test"};
  pl.name = "Danh sách thử";
  pl.unit = unit_id{school};
  pl.layout = layout_id{"l-test"};
  pl.items = {{m_image.id, 20, std::nullopt, "phap-luat"},
              {m_notice.id, 10, std::nullopt, "thong-bao"},
              {m_video.id, 10, std::nullopt, "phap-luat"},
              {m_unapproved.id, 10, std::nullopt, "phap-luat"}};
  REQUIRE(p.db->create(pl, "test"));
  REQUIRE(p.db->create(every_day("e-test", "pl-test", "g-test", t0), "test"));

  // --- enrolment ---
  const auto device = trust::secret_key::generate();
  const json enrol_body{{"public_key", device.public_part().to_file()}, {"name", "Màn hình cầu thang"}, {"width", 1920}, {"height", 1080}};
  auto e1 = p.call("POST", "/api/v1/signage/enrol", enrol_body.dump());
  REQUIRE(e1.status == 202);
  auto code = json::parse(e1.body)["code"].get<std::string>();
  CHECK(is_enrolment_code(code));
  CHECK(code.find_first_of("01OI") == std::string::npos);
  auto e2 = p.call("POST", "/api/v1/signage/enrol", enrol_body.dump());
  CHECK(e2.status == 202);
  CHECK(json::parse(e2.body)["code"] == code);  // same key, same code
  // Before an administrator authorised it, the device's signed requests are refused with its state.
  auto early = p.signed_call(device, "GET", "/api/v1/signage/manifest");
  CHECK(early.status == 403);
  CHECK(json::parse(early.body)["state"] == "pending");
  auto bound = signage::authorise(*p.db, code, screen_display.id, account_id{"acc-test-approver"}, p.clock());
  REQUIRE_MESSAGE(bound, (bound ? "" : bound.err().describe()));
  auto e3 = p.call("POST", "/api/v1/signage/enrol", enrol_body.dump());
  REQUIRE(e3.status == 200);
  auto e3j = json::parse(e3.body);
  CHECK(e3j["state"] == "authorised");
  CHECK(e3j["display"] == "d-test");
  CHECK(e3j["authority"] == p.authority.value);
  auto pinned = trust::public_key::parse(e3j["authority_public_key"].get<std::string>());
  REQUIRE(pinned);
  CHECK(*pinned == p.svc->authority_public_key());

  // --- the manifest: signed, verifiable, the unapproved legal item left out ---
  auto m1 = p.signed_call(device, "GET", "/api/v1/signage/manifest");
  REQUIRE_MESSAGE(m1.status == 200, m1.body);
  auto etag = std::string(m1.header("ETag"));
  REQUIRE(!etag.empty());
  auto wire = signage::from_wire(m1.body);
  REQUIRE(wire);
  signage::verify_options vo;
  vo.display = "d-test";
  vo.now = p.clock();
  auto vm = signage::verify_manifest(*wire, *pinned, vo, {});
  REQUIRE_MESSAGE(vm, (vm ? "" : vm.err().describe()));
  REQUIRE(vm->m.playlists.size() == 1);
  std::vector<std::string> media;
  for (const auto& it : vm->m.playlists[0].items) {
    media.push_back(it.media);
    const std::string& bytes = it.media == "m-infographic" ? image : it.media == "m-video" ? video : notice;
    CHECK_MESSAGE(signage::verify_item(*vm, *pinned, it, trust::digest_content(bytes), p.clock(), nullptr),
                  "the player accepts " << it.media);
  }
  CHECK(media == std::vector<std::string>{"m-infographic", "m-thong-bao", "m-video"});
  const auto seq1 = vm->m.sequence;
  CHECK(seq1 >= 1);
  auto again = p.signed_call(device, "GET", "/api/v1/signage/manifest", {}, {{"If-None-Match", etag}});
  CHECK(again.status == 304);

  // --- content: only what the manifest names, in ranges ---
  const auto& video_item = vm->m.playlists[0].items[2];
  auto r1 = p.signed_call(device, "GET", "/api/v1/signage/content/" + video_item.blake2b, {}, {{"Range", "bytes=1000-1999"}});
  REQUIRE(r1.status == 206);
  CHECK(r1.body == video.substr(1000, 1000));
  CHECK(r1.header("Content-Range") == "bytes 1000-1999/" + std::to_string(video.size()));
  auto r2 = p.signed_call(device, "GET", "/api/v1/signage/content/" + video_item.blake2b, {}, {{"Range", "bytes=-500"}});
  CHECK(r2.status == 206);
  CHECK(r2.body == video.substr(video.size() - 500));
  auto r3 = p.signed_call(device, "GET", "/api/v1/signage/content/" + video_item.blake2b, {}, {{"Range", "bytes=999999999-"}});
  CHECK(r3.status == 416);
  CHECK(r3.header("Content-Range") == "bytes */" + std::to_string(video.size()));
  auto whole = p.signed_call(device, "GET", "/api/v1/signage/content/" + m_image.blake2b);
  CHECK(whole.status == 200);
  CHECK(whole.body == image);
  auto stranger = p.signed_call(device, "GET", "/api/v1/signage/content/" + m_unapproved.blake2b);
  CHECK(stranger.status == 404);  // stored, but not in this display's manifest
  auto bogus = p.signed_call(device, "GET", "/api/v1/signage/content/" + std::string(64, 'a'));
  CHECK(bogus.status == 404);

  // --- proof of play ---
  auto batch = play_lines(device, "d-test", video_item, p.clock() - 1h, 1, "", 3);
  auto pl1 = p.signed_call(device, "POST", "/api/v1/signage/plays", lines_body(batch));
  REQUIRE_MESSAGE(pl1.status == 200, pl1.body);
  CHECK(json::parse(pl1.body)["accepted_through"] == 3);
  auto replay = p.signed_call(device, "POST", "/api/v1/signage/plays", lines_body(batch));  // an upload retried
  CHECK(replay.status == 200);
  CHECK(json::parse(replay.body)["accepted_through"] == 3);
  auto gap = play_lines(device, "d-test", video_item, p.clock() - 30min, 5, signage::line_hash(batch.back()), 1);
  auto g1 = p.signed_call(device, "POST", "/api/v1/signage/plays", lines_body(gap));
  CHECK(g1.status == 409);
  CHECK(json::parse(g1.body)["expected_seq"] == 4);
  const auto forger = trust::secret_key::generate();
  auto forged = play_lines(forger, "d-test", video_item, p.clock() - 20min, 4, signage::line_hash(batch.back()), 1);
  auto f1 = p.signed_call(device, "POST", "/api/v1/signage/plays", lines_body(forged));
  CHECK((f1.status == 422 || f1.status == 401));
  auto next = play_lines(device, "d-test", video_item, p.clock() - 10min, 4, signage::line_hash(batch.back()), 2);
  auto pl2 = p.signed_call(device, "POST", "/api/v1/signage/plays", lines_body(next));
  CHECK(pl2.status == 200);
  CHECK(json::parse(pl2.body)["accepted_through"] == 5);
  auto rec = p.db->get<play_record>("d-test-" + device.id().hex() + "-5");  // per device (red team F2)
  REQUIRE(rec);
  CHECK(rec->unit.value == school);
  CHECK(rec->line_blake2b == signage::line_hash(next.back()));
  auto counts = signage::aggregate_plays(*p.db, unit_id{school}, local_date(p.clock() - 2h), local_date(p.clock()));
  REQUIRE(counts);
  std::uint64_t total = 0, seconds = 0;
  for (const auto& c : *counts) {
    total += c.plays;
    seconds += c.seconds;
    CHECK(c.blake2b == video_item.blake2b);
    CHECK(c.display == "d-test");
  }
  CHECK(total == 5);
  CHECK(seconds == 50);

  // --- heartbeat with a snapshot; a snapshot that is not a PNG is refused ---
  const auto snap = png_bytes(96, 54, 30);
  json hb{{"status", "playing"},
          {"manifest_sequence", seq1},
          {"inventory", {video_item.blake2b}},
          {"free_bytes", 123456},
          {"faults", {{{"at", format_timestamp(p.clock())}, {"code", "fetch"}, {"message", std::string(700, 'x')}}}},
          {"snapshot_png", trust::detail::base64(trust::as_bytes(snap))}};
  auto h1 = p.signed_call(device, "POST", "/api/v1/signage/heartbeat", hb.dump());
  REQUIRE_MESSAGE(h1.status == 204, h1.body);
  auto st = p.db->get<display_status>("d-test");
  REQUIRE(st);
  CHECK(st->status == "playing");
  CHECK(st->inventory == std::vector<std::string>{video_item.blake2b});
  REQUIRE(st->faults.size() == 1);
  CHECK(st->faults[0].message.size() == 500);
  auto stored = files::read_regular(p.svc->snapshot_dir() / "d-test.png", 4u << 20);
  REQUIRE(stored);
  CHECK(*stored == snap);
  hb["snapshot_png"] = trust::detail::base64(trust::as_bytes(std::string("GIF89a not a png at all")));
  auto h2 = p.signed_call(device, "POST", "/api/v1/signage/heartbeat", hb.dump());
  CHECK(h2.status >= 400);
  CHECK(h2.status < 500);

  // --- requests that are not the device's ---
  auto unsigned_req = p.call("GET", "/api/v1/signage/manifest");
  CHECK(unsigned_req.status == 401);
  {
    auto h = signage::sign_request(forger, "GET", "/api/v1/signage/manifest", {}, p.clock());
    auto wrong = p.call("GET", "/api/v1/signage/manifest", {},
                        {{std::string(signage::device_header), device.id().hex()},
                         {std::string(signage::time_header), h.time},
                         {std::string(signage::signature_header), h.signature}});
    CHECK(wrong.status == 401);
  }
  auto stale = p.signed_call(device, "GET", "/api/v1/signage/manifest", {}, {}, p.clock() - 20min);
  CHECK(stale.status == 401);
  {
    // Signed for another route: the signature covers the target.
    auto h = signage::sign_request(device, "GET", "/api/v1/signage/content/" + video_item.blake2b, {}, p.clock());
    auto moved = p.call("GET", "/api/v1/signage/manifest", {},
                        {{std::string(signage::device_header), h.device},
                         {std::string(signage::time_header), h.time},
                         {std::string(signage::signature_header), h.signature}});
    CHECK(moved.status == 401);
  }

  // --- the video's approval expires: it is left out of the next manifest, whose sequence grows ---
  p.offset += 3 * 3600;
  auto m2 = p.signed_call(device, "GET", "/api/v1/signage/manifest", {}, {{"If-None-Match", etag}});
  REQUIRE_MESSAGE(m2.status == 200, m2.body);
  CHECK(std::string(m2.header("ETag")) != etag);
  auto wire2 = signage::from_wire(m2.body);
  REQUIRE(wire2);
  vo.now = p.clock();
  auto vm2 = signage::verify_manifest(*wire2, *pinned, vo, {});
  REQUIRE(vm2);
  CHECK(vm2->m.sequence > seq1);
  std::vector<std::string> media2;
  for (const auto& it : vm2->m.playlists[0].items) media2.push_back(it.media);
  CHECK(media2 == std::vector<std::string>{"m-infographic", "m-thong-bao"});
  auto gone = p.signed_call(device, "GET", "/api/v1/signage/content/" + video_item.blake2b, {}, {{"Range", "bytes=0-9"}});
  CHECK(gone.status == 404);

  // --- revoked: every signed request is refused ---
  REQUIRE(signage::revoke(*p.db, display_enrolment_id{device.id().hex()}, account_id{"acc-test-approver"}, p.clock()));
  auto m3 = p.signed_call(device, "GET", "/api/v1/signage/manifest");
  CHECK(m3.status == 403);
  CHECK(json::parse(m3.body)["state"] == "revoked");
  auto e4 = p.call("POST", "/api/v1/signage/enrol", enrol_body.dump());
  CHECK(e4.status == 403);
  CHECK(p.db->get<display>("d-test")->public_key.empty());
}

TEST_CASE("signage API: pending enrolments are capped and expire, and a malformed key is refused") {
  signage_portal p;
  auto bad = p.call("POST", "/api/v1/signage/enrol", json{{"public_key", "not a key"}}.dump());
  CHECK(bad.status == 422);
  signage::enrol_limits lim;
  lim.max_pending = 3;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto k = trust::secret_key::generate();
    auto e = signage::enrol(*p.db, {k.public_part().to_file(), "x", 0, 0}, p.clock() + std::chrono::seconds{i}, lim);
    REQUIRE(e);
    ids.push_back(e->id.value);
  }
  auto pending = signage::pending_enrolments(*p.db, p.clock() + 10s, lim);
  REQUIRE(pending);
  CHECK(pending->size() == 3);
  CHECK_FALSE(p.db->get<display_enrolment>(ids[0]));  // the oldest went
  CHECK(p.db->get<display_enrolment>(ids[4]));
  auto later = signage::pending_enrolments(*p.db, p.clock() + 25h, lim);
  REQUIRE(later);
  CHECK(later->empty());
  // A code typed in lower case with a space finds its device; an expired one does not.
  auto newest = p.db->get<display_enrolment>(ids[4]);
  std::string typed = newest->code.substr(0, 3) + " " + newest->code.substr(4);
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(signage::find_pending(*p.db, typed, p.clock(), lim));
  CHECK_FALSE(signage::find_pending(*p.db, typed, p.clock() + 25h, lim));
}

TEST_CASE("signage API: a signage operator schedules only approved content, and only on displays it operates") {
  signage_portal p;
  p.add_account("op-a", role::signage_operator, school);
  p.add_account("op-b", role::signage_operator, school);
  p.add_account("school-admin", role::school_approver, school);
  REQUIRE(p.db->create(make_group("g-a"), "test"));
  REQUIRE(p.db->create(make_group("g-b"), "test"));
  REQUIRE(p.db->create(make_display("d-a", "g-a", "op-a"), "test"));
  REQUIRE(p.db->create(make_display("d-b", "g-b", "op-b"), "test"));
  auto auth = p.svc->authority_of(make_display("d-a", "g-a", "op-a"));
  REQUIRE(auth);
  p.authority = *auth;
  REQUIRE(p.db->create(two_zones(), "test"));
  const auto t0 = p.clock();
  auto approved = p.add_media("m-duyet", png_bytes(20, 20, 1), "image/png", t0 + 24h * 10);
  auto unapproved = p.add_media("m-chua", png_bytes(20, 20, 2), "image/png");
  auto notice = p.add_media("m-tb", png_bytes(20, 4, 3), "image/png");
  auto playlist_json = [&](const std::string& id, const media_asset& legal) {
    return json{{"id", id},
                {"name", "Danh sách " + id},
                {"unit", school},
                {"layout", "l-test"},
                {"items", {{{"media", legal.id.value}, {"duration_seconds", 10}, {"zone", "phap-luat"}},
                           {{"media", notice.id.value}, {"duration_seconds", 5}, {"zone", "thong-bao"}}}}}
        .dump();
  };
  // An unapproved legal item: refused for the operator, allowed for the school's approver.
  auto bad = p.call("POST", "/api/v1/playlists", playlist_json("pl-bad", unapproved), p.bearer("op-a"));
  CHECK(bad.status == 403);
  auto school_ok = p.call("POST", "/api/v1/playlists", playlist_json("pl-school", unapproved), p.bearer("school-admin"));
  CHECK(school_ok.status == 201);
  auto good = p.call("POST", "/api/v1/playlists", playlist_json("pl-good", approved), p.bearer("op-a"));
  REQUIRE_MESSAGE(good.status == 201, good.body);
  // Its own group: yes; another operator's: no; an unapproved playlist on its own group: no.
  auto entry = [&](const std::string& id, const std::string& pl, const std::string& g) {
    auto e = every_day(id, pl, g, t0);
    return to_json_value(e).dump();
  };
  auto own = p.call("POST", "/api/v1/schedules", entry("e-a", "pl-good", "g-a"), p.bearer("op-a"));
  CHECK_MESSAGE(own.status == 201, own.body);
  auto other = p.call("POST", "/api/v1/schedules", entry("e-b", "pl-good", "g-b"), p.bearer("op-a"));
  CHECK(other.status == 403);
  auto unapproved_entry = p.call("POST", "/api/v1/schedules", entry("e-c", "pl-school", "g-a"), p.bearer("op-a"));
  CHECK(unapproved_entry.status == 403);
  // Another operator's display: not to be touched; its own: yes, but its key stays the server's.
  auto d_b = to_json_value(*p.db->get<display>("d-b"));
  d_b["name"] = "Đổi tên";
  auto touch = p.call("PUT", "/api/v1/displays/d-b", d_b.dump(), p.bearer("op-a"));
  CHECK(touch.status == 403);
  auto d_a = to_json_value(*p.db->get<display>("d-a"));
  d_a["name"] = "Màn hình sảnh";
  d_a["public_key"] = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
  auto mine = p.call("PUT", "/api/v1/displays/d-a", d_a.dump(), p.bearer("op-a"));
  CHECK_MESSAGE(mine.status == 200, mine.body);
  CHECK(p.db->get<display>("d-a")->name == "Màn hình sảnh");
  CHECK(p.db->get<display>("d-a")->public_key.empty());
  // Handing its display to another operator is refused too.
  d_a["operator_account"] = "op-b";
  auto hand = p.call("PUT", "/api/v1/displays/d-a", d_a.dump(), p.bearer("op-a"));
  CHECK(hand.status == 403);
  // Play records are not public.
  auto anon = p.call("GET", "/api/v1/signage/plays?unit=thcs-van-yen&from=2026-01-01&to=2026-01-31");
  CHECK(anon.status == 401);
  auto admin = p.call("GET", "/api/v1/signage/plays?unit=thcs-van-yen&from=2026-01-01&to=2026-01-31", {}, p.bearer("school-admin"));
  CHECK(admin.status == 200);
}

TEST_CASE("signage: the demo seed's legal items with placeholder approvals are left out of the manifest") {
  // The seed's approvals carry no real signature (helper W2's demo makes real ones): give the
  // seed's media bytes and fake signatures, and only the local notice (not legal) may play.
  auto dir = temp_dir("seed");
  auto db = store::open_sqlite_store(dir / "pbgdpl.db").value();
  REQUIRE(store::import_dataset(*db, seed_data()));
  signage::content_store content(dir / "signage" / "content");
  std::map<std::string, std::string> bytes{{"video-an-toan-giao-thong", std::string(5000, 'v')},
                                           {"infographic-quyen-tre-em", png_bytes(30, 40, 7)},
                                           {"thong-bao-ngay-phap-luat", png_bytes(30, 9, 8)}};
  // The approvers' accounts hold keys with the seed's key ids, so each approval reaches the
  // signature check (and fails there, not for want of a key).
  int n = 0;
  for (const auto& a : db->list<approval_record>(store::list_query{}).value().items) {
    const std::string acc = "acc-seed-approver-" + std::to_string(n++);
    account who;
    who.id = account_id{acc};
    who.username = acc;
    who.display_name = acc;
    who.grants = {{a.approver_role, a.approver_unit}};
    REQUIRE(db->create(who, "test"));
    auto pk = trust::secret_key::generate().public_part();
    pk.id = trust::key_id::from_hex(a.key_id).value();
    credential c;
    c.id = who.id;
    c.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$dGVzdA$dGVzdA";
    c.approval_public_key = pk.to_file();
    REQUIRE(db->create(c, "test"));
    auto rec = a;
    rec.approver = who.id;
    REQUIRE(db->update(rec, "test"));
  }
  for (const auto& [id, b] : bytes) {
    auto m = db->get<media_asset>(id).value();
    m.blake2b = content.put(b).value();
    m.size = b.size();
    REQUIRE(db->update(m, "test"));
    store::list_query q;
    q.where.category = id;
    for (auto a : db->list<approval_record>(q).value().items) {
      a.content_blake2b = m.blake2b;
      a.signature = "untrusted comment: placeholder\nRUQAAAAAAAAAAAAA\ntrusted comment: placeholder\nAAAA\n";
      REQUIRE(db->update(a, "test"));
    }
  }
  const auto monday = parse_timestamp("2023-10-02T08:00:00+07:00").value();
  auto units = db->hierarchy_at(local_date(monday)).value();
  auto d = db->get<display>("thcs-van-yen-cau-thang-a-t2").value();
  auto authority = signage::authority_for(units, d.unit);
  REQUIRE(authority);
  CHECK(authority->value == "pgddt-ha-dong");
  auto key = trust::secret_key::generate();
  auto built = signage::build_manifest_detailed(*db, content, d.id, key, *authority, monday);
  REQUIRE_MESSAGE(built, (built ? "" : built.err().describe()));
  REQUIRE(built->m.playlists.size() == 1);
  std::vector<std::string> kept;
  for (const auto& it : built->m.playlists[0].items) kept.push_back(it.media);
  CHECK(kept == std::vector<std::string>{"thong-bao-ngay-phap-luat"});
  std::set<std::string> out;
  for (const auto& l : built->left_out) {
    out.insert(l.media);
    CHECK_MESSAGE(l.why.code == errc::bad_signature, l.media << ": " << l.why.describe());
  }
  CHECK(out == std::set<std::string>{"video-an-toan-giao-thong", "infographic-quyen-tre-em"});
  CHECK(built->m.delegations.empty());  // nothing included needs one
  CHECK(built->m.entries.size() == 2);
  // Nothing stored for it: a kiosk display's sequence comes from the clock; the same inputs sign
  // the same bytes.
  auto again = signage::build_manifest_detailed(*db, content, d.id, key, *authority, monday + 1min);
  REQUIRE(again);
  CHECK(again->signed_form.body == built->signed_form.body);
  auto wire = signage::from_wire(signage::to_wire(built->signed_form));
  REQUIRE(wire);
  signage::verify_options vo;
  vo.display = d.id.value;
  vo.now = monday;
  CHECK(signage::verify_manifest(*wire, key.public_part(), vo, {}));
}

TEST_CASE("signage: the reference player core enrols, syncs, plays and reports against the portal") {
  signage_portal p;
  auto screen_display = make_display("d-player", "g-player");
  REQUIRE(p.db->create(make_group("g-player"), "test"));
  REQUIRE(p.db->create(screen_display, "test"));
  p.authority = p.svc->authority_of(screen_display).value();
  p.add_account("acc-test-approver", role::division_approver, p.authority.value, false);
  credential cred;
  cred.id = account_id{"acc-test-approver"};
  cred.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$dGVzdA$dGVzdA";
  cred.approval_public_key = p.approver.public_part().to_file();
  REQUIRE(p.db->create(cred, "test"));
  const auto t0 = p.clock();
  std::string big(3u << 20, '\0');  // more than one of the player's chunks
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131u) >> 2);
  auto legal = p.add_media("m-video-lon", big, "video/mp4", t0 + 24h * 30);
  auto notice = p.add_media("m-thong-bao", png_bytes(40, 10, 5), "image/png");
  auto unapproved = p.add_media("m-chua-duyet", png_bytes(16, 16, 9), "image/png");
  REQUIRE(p.db->create(two_zones(), "test"));
  playlist pl;
  pl.id = playlist_id{"pl-player"};
  pl.name = "Danh sách của trình phát";
  pl.unit = unit_id{school};
  pl.layout = layout_id{"l-test"};
  pl.items = {{legal.id, 30, std::nullopt, "phap-luat"},
              {unapproved.id, 10, std::nullopt, "phap-luat"},
              {notice.id, 30, std::nullopt, "thong-bao"}};
  REQUIRE(p.db->create(pl, "test"));
  REQUIRE(p.db->create(every_day("e-player", "pl-player", "g-player", t0), "test"));

  signage::player_config cfg;
  cfg.server = "http://127.0.0.1:" + std::to_string(p.srv->port());
  cfg.state_dir = p.dir / "player";
  cfg.name = "Màn hình thử";
  cfg.chunk_bytes = 1u << 20;
  cfg.fetch.allow_private_addresses = true;
  signage::player player(cfg);
  auto first = player.enrol();
  REQUIRE_MESSAGE(first, (first ? "" : first.err().describe()));
  CHECK(first->state == "pending");
  REQUIRE(signage::authorise(*p.db, first->code, screen_display.id, account_id{"acc-test-approver"}, p.clock()));
  auto bound = player.enrol();
  REQUIRE(bound);
  CHECK(bound->state == "authorised");
  CHECK(bound->display == "d-player");
  auto synced = player.sync(p.clock());
  REQUIRE_MESSAGE(synced, (synced ? "" : synced.err().describe()));
  CHECK_MESSAGE(synced->result == signage::sync_result::updated, (synced->why ? synced->why->describe() : ""));
  auto again = player.sync(p.clock());
  REQUIRE(again);
  CHECK(again->result == signage::sync_result::unchanged);
  auto plan = player.plan(p.clock());
  REQUIRE(plan);
  std::set<std::string> shown;
  for (const auto& it : plan->items) shown.insert(it.item.media);
  CHECK(shown.count("m-chua-duyet") == 0);
  CHECK(shown.size() == 2);  // the video in the legal zone, the notice below it
  for (const auto& it : plan->items) REQUIRE(player.record_play(it, it.start, it.end));
  auto sent = player.upload_plays();
  REQUIRE_MESSAGE(sent, (sent ? "" : sent.err().describe()));
  CHECK(*sent == plan->items.size());
  auto enrolled = p.db->get<display_enrolment>(player.device_public_key().id.hex());
  REQUIRE(enrolled);
  CHECK(enrolled->plays_seq == plan->items.size());
  REQUIRE(player.heartbeat("playing", png_bytes(48, 27, 77)));
  auto st = p.db->get<display_status>("d-player");
  REQUIRE(st);
  CHECK(st->status == "playing");
  CHECK(st->snapshot == "d-player.png");
  CHECK(st->inventory.size() == 2);
}

TEST_CASE("signage API: an administrator's key authorises a code for a display and revokes the device, others cannot") {
  signage_portal p;
  REQUIRE(p.db->create(make_group("g-adm"), "test"));
  REQUIRE(p.db->create(make_display("d-adm", "g-adm"), "test"));
  p.add_account("acc-principal", role::school_approver, school);   // manages the school's screens
  p.add_account("acc-editor", role::school_editor, school);        // does not
  p.add_account("acc-elsewhere", role::school_approver, "th-van-yen");  // another school's approver
  p.add_account("acc-operator", role::signage_operator, school);       // a business running screens there
  const auto device = trust::secret_key::generate();
  auto e = p.call("POST", "/api/v1/signage/enrol", json{{"public_key", device.public_part().to_file()}}.dump());
  REQUIRE(e.status == 202);
  const auto code = json::parse(e.body)["code"].get<std::string>();
  auto authorise = [&](const std::string& who, const json& body) {
    return p.call("POST", "/api/v1/signage/enrolments/authorise", body.dump(), who.empty() ? network::header_list{} : p.bearer(who));
  };
  const json ok_body{{"code", code}, {"display", "d-adm"}};
  CHECK(authorise("", ok_body).status == 401);
  CHECK(authorise("acc-editor", ok_body).status == 403);
  CHECK(authorise("acc-elsewhere", ok_body).status == 403);
  // A business may not bind a device to the school's own screen (red team F1).
  CHECK(authorise("acc-operator", ok_body).status == 403);
  CHECK(authorise("acc-principal", json{{"code", code}, {"display", "khong-co"}}).status == 400);
  CHECK(authorise("acc-principal", json{{"display", "d-adm"}}).status == 400);
  CHECK(authorise("acc-principal", json{{"code", "AAA-AAA"}, {"display", "d-adm"}}).status == 404);
  // Still pending after every refusal.
  CHECK(p.signed_call(device, "GET", "/api/v1/signage/manifest").status == 403);
  // As typed by a person: lower case, no hyphen.
  std::string typed = code;
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto done = authorise("acc-principal", json{{"code", typed}, {"display", "d-adm"}});
  REQUIRE_MESSAGE(done.status == 200, done.body);
  const auto device_id = json::parse(done.body)["device"].get<std::string>();
  CHECK(device_id == device.id().hex());
  CHECK(p.signed_call(device, "GET", "/api/v1/signage/manifest").status == 200);
  auto d = p.db->get<display>("d-adm");
  REQUIRE(d);
  CHECK(device.public_part().to_file().find(d->public_key) != std::string::npos);
  CHECK(!d->public_key.empty());

  // Revocation: not by the editor nor another school's approver; by the principal, at once.
  auto revoke = [&](const std::string& who) {
    return p.call("POST", "/api/v1/signage/enrolments/" + device_id + "/revoke", "", p.bearer(who));
  };
  CHECK(revoke("acc-editor").status == 403);
  CHECK(revoke("acc-elsewhere").status == 403);
  CHECK(revoke("acc-operator").status == 403);
  CHECK(p.signed_call(device, "GET", "/api/v1/signage/manifest").status == 200);
  auto r = revoke("acc-principal");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto after = p.signed_call(device, "GET", "/api/v1/signage/manifest");
  CHECK(after.status == 403);
  CHECK(json::parse(after.body)["state"] == "revoked");
}

TEST_CASE("signage API: a business's display is public-use whatever it says, and its plays after a replacement device all count") {
  signage_portal p;
  REQUIRE(p.db->create(make_group("g-biz"), "test"));
  p.add_account("acc-operator", role::signage_operator, school);
  // F3: an operator's own display that calls itself school-run is refused; the builder treats any
  // display with an operator account as a business's (signage_public approvals only).
  auto own = make_display("d-biz", "g-biz", std::string("acc-operator"));
  auto as_school = own;
  as_school.operated_by = operator_kind::school;
  auto body = to_json_value(as_school);
  auto r = p.call("POST", "/api/v1/displays", body.dump(), p.bearer("acc-operator"));
  CHECK(r.status == 403);
  CHECK(signage::use_for(as_school, {}) == approval_use::signage_public);
  auto ok = p.call("POST", "/api/v1/displays", to_json_value(own).dump(), p.bearer("acc-operator"));
  CHECK_MESSAGE(ok.status == 201, ok.body);
  // Anyone may read the display, but only the unit's people see which account operates it.
  auto anon = p.call("GET", "/api/v1/displays/d-biz");
  REQUIRE(anon.status == 200);
  CHECK_FALSE(json::parse(anon.body).contains("operator_account"));
  auto mine = p.call("GET", "/api/v1/displays/d-biz", "", p.bearer("acc-operator"));
  REQUIRE(mine.status == 200);
  CHECK(json::parse(mine.body)["operator_account"] == "acc-operator");

  // F2: two devices in turn on one display, each chain starting at 1: every play is recorded.
  REQUIRE(p.db->create(make_display("d-two", "g-biz"), "test"));
  signage::manifest_item item;
  item.media = "m-any";
  item.blake2b = std::string(64, 'a');
  std::size_t recorded = 0;
  for (int round = 0; round < 2; ++round) {
    const auto device = trust::secret_key::generate();
    auto e = p.call("POST", "/api/v1/signage/enrol", json{{"public_key", device.public_part().to_file()}}.dump());
    REQUIRE(e.status == 202);
    REQUIRE(signage::authorise(*p.db, json::parse(e.body)["code"].get<std::string>(), display_id{"d-two"},
                               account_id{"acc-operator"}, p.clock()));
    auto batch = play_lines(device, "d-two", item, p.clock() - 1h + std::chrono::hours(round) / 2, 1, "", 3);
    auto up = p.signed_call(device, "POST", "/api/v1/signage/plays", lines_body(batch));
    REQUIRE_MESSAGE(up.status == 200, up.body);
    recorded += json::parse(up.body).value("recorded", std::size_t{0});
  }
  CHECK(recorded == 6);
  store::list_query q;
  q.where.category = "d-two";
  q.limit = 100;
  auto all = p.db->list<play_record>(q);
  REQUIRE(all);
  std::size_t n = 0;
  for (const auto& x : all->items) n += x.display.value == "d-two";
  CHECK(n == 6);
}
