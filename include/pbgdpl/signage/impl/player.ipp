// Definitions for signage/player.hpp (inline in header-only mode, compiled once from
// src/signage/player.cpp).
#pragma once
#include "../player.hpp"

#include "../device_auth.hpp"
#include "../scheduler.hpp"
#include "../time_zone.hpp"

#include "../../core/files.hpp"
#include "../../core/json.hpp"
#include "../../network/url.hpp"
#include "../../trust/hash.hpp"

#include <algorithm>
#include <set>

#include <sys/stat.h>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace detail {

inline constexpr std::string_view player_state_format = "pbgdpl/signage-player/1";
inline constexpr std::size_t max_faults = 100;
inline constexpr std::size_t plays_batch = 500;
inline constexpr std::size_t max_state_bytes = 64u << 20;  // trust.json: the approval tracker grows with content

// A folder of the state directory: made 0700 when missing; a link or a file there is refused.
inline void ensure_dir(const std::filesystem::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) {
    if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST)
      throw exception(files::detail::errno_error(errno, p, "Không tạo được thư mục", "Cannot create directory"));
    if (::lstat(p.c_str(), &st) != 0)
      throw exception(files::detail::errno_error(errno, p, "Không đọc được thư mục", "Cannot stat directory"));
  }
  if (!S_ISDIR(st.st_mode))
    throw exception(error(errc::unsafe_path, {}, "Không phải thư mục thật: " + p.string(), "Not a real directory: " + p.string()));
}

// The state directory itself may be a link an operator made (/var/lib/... on another disk); what
// is inside it is never followed.
inline content_cache prepare_state_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec))
    throw exception(error(errc::io_error, {}, "Không tạo được thư mục trạng thái: " + dir.string(),
                          "Cannot create the state directory: " + dir.string()));
  ensure_dir(dir / "current");
  return content_cache::open(dir / "cache").value();
}

// The device key: made (0600, never through a link) on first start, read afterwards.
inline trust::secret_key device_key(const std::filesystem::path& dir) {
  auto key_path = dir / "device.key";
  files::open_options nofollow{.refuse_symlinks = true};
  auto text = files::read_regular(key_path, 64u << 10, nofollow);
  if (text) return trust::secret_key::parse(*text).value();
  if (text.err().code != errc::not_found) throw exception(text.err());
  auto k = trust::secret_key::generate();
  files::write_secret(key_path, k.to_file()).value();
  files::replace_file(dir / "device.pub", k.public_part().to_file(), 0644).value();
  return k;
}

inline std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

inline error server_error(unsigned status, std::string_view what_vi, std::string_view what_en, std::string_view body) {
  errc code = status == 401 || status == 403 ? errc::unauthenticated
              : status == 404                ? errc::not_found
              : status == 409                ? errc::conflict
              : status == 429                ? errc::too_many_attempts
                                             : errc::invalid_argument;
  // The API's error shape: {"error": {"code", "message" (Vietnamese), "message_en"}}.
  std::string detail_vi, detail_en;
  if (auto j = json_io::parse(body); j && j->is_object())
    if (auto e = j->find("error"); e != j->end() && e->is_object()) {
      if (auto m = e->find("message"); m != e->end() && m->is_string()) detail_vi = ": " + m->get<std::string>();
      if (auto m = e->find("message_en"); m != e->end() && m->is_string()) detail_en = ": " + m->get<std::string>();
    }
  return error(code, {}, std::string(what_vi) + " (máy chủ trả " + std::to_string(status) + ")" + detail_vi,
               std::string(what_en) + " (the server answered " + std::to_string(status) + ")" + detail_en);
}

inline error offline_error(const network::fetch_response& r) {
  return error(errc::io_error, {}, "Không liên lạc được với máy chủ: " + r.error_vi, "The server did not answer: " + r.error_en);
}

// A manifest playlist as the scheduler's playlist (ids and durations; the items of one zone).
inline playlist as_playlist(const manifest_playlist& p, const std::vector<const manifest_item*>& items) {
  playlist out;
  out.id = playlist_id{p.id};
  out.name = p.name;
  if (!p.layout.empty()) out.layout = layout_id{p.layout};
  out.ticker = p.ticker;
  for (const auto* it : items) {
    playlist_item pi;
    pi.media = media_id{it->media};
    pi.duration_seconds = it->duration_seconds;
    pi.zone = it->zone;
    out.items.push_back(std::move(pi));
  }
  return out;
}

inline const layout* layout_of(const manifest& m, const manifest_playlist& p) {
  for (const auto& l : m.layouts)
    if (l.id.value == p.layout) return &l;
  return nullptr;
}

// The zone an item shows in: its own, or the layout's first zone that is not a ticker.
inline std::string zone_name(const layout* l, const manifest_item& it) {
  if (!it.zone.empty() || !l) return it.zone;
  for (const auto& z : l->zones)
    if (!z.ticker) return z.name;
  return {};
}

// An item in a legal zone of its layout needs an approval even when the manifest does not mark it
// legal: the operator may not move unapproved content into a legal zone.
inline manifest_item as_checked(const layout* l, const manifest_item& it) {
  manifest_item c = it;
  if (l) {
    auto name = zone_name(l, it);
    if (const auto* z = find_zone(*l, name); z && z->legal && !z->ticker) c.legal = true;
  }
  return c;
}

}  // namespace detail

PBGDPL_DECL player::player(player_config c)
    : cfg_(std::move(c)), cache_(detail::prepare_state_dir(cfg_.state_dir)), device_(detail::device_key(cfg_.state_dir)) {
  device_pub_ = device_.public_part();
  cfg_.server = detail::trim_slash(cfg_.server);
  if (cfg_.authority_public_key) authority_ = trust::public_key::parse(*cfg_.authority_public_key).value();
  load();
}

PBGDPL_DECL void player::fault(timestamp at, error e) const {
  faults_.push_back(e);
  fault_log_.push_back(player_fault{at, std::move(e)});
  ++unsent_faults_;
  if (faults_.size() > detail::max_faults) {
    faults_.erase(faults_.begin());
    fault_log_.erase(fault_log_.begin());
  }
  unsent_faults_ = std::min(unsent_faults_, faults_.size());
}

// A fault seen while planning is recorded once per manifest, not at every frame.
PBGDPL_DECL void player::plan_fault(timestamp at, error e) const {
  auto key = std::string(errc_name(e.code)) + "\n" + e.message_en;
  if (plan_faults_seen_.insert(std::move(key)).second) fault(at, std::move(e));
}

PBGDPL_DECL const std::vector<error>& player::faults() const { return faults_; }
PBGDPL_DECL bool player::has_manifest() const { return current_.has_value(); }
PBGDPL_DECL std::uint64_t player::manifest_sequence() const { return current_ ? current_->m.sequence : 0; }

PBGDPL_DECL void player::load() {
  const auto dir = cfg_.state_dir;
  files::open_options nofollow{.refuse_symlinks = true};
  const timestamp at = pbgdpl::now();
  if (auto text = files::read_regular(dir / "trust.json", detail::max_state_bytes, nofollow); text) {
    auto j = json_io::parse(*text);
    try {
      if (!j || !j->is_object() || j->value("format", std::string{}) != detail::player_state_format)
        throw exception(error(errc::corrupt, {}, "trust.json hỏng", "trust.json is corrupt"));
      auto ts = from_json_value<trust_state>(j->at("trust"));
      if (!ts) throw exception(ts.err());
      trust_ = std::move(*ts);
      display_ = j->value("display", std::string{});
      code_ = j->value("code", std::string{});
      etag_ = j->value("etag", std::string{});
      auto pinned = j->value("authority_public_key", std::string{});
      if (!pinned.empty()) {
        auto k = trust::public_key::parse(pinned);
        if (!k) throw exception(k.err());
        // A key configured out of band wins over one remembered from enrolment; they must agree.
        if (authority_ && !(*authority_ == *k))
          throw exception(error(errc::unknown_key, {}, "Khoá cơ quan phê duyệt đã ghim khác khoá được cấu hình",
                                "The pinned authority key differs from the configured one"));
        authority_ = *k;
      }
    } catch (const exception& e) {
      // Without what it trusted the player starts over from enrolment; the cache stays.
      fault(at, e.err());
      trust_ = {};
      display_.clear();
      etag_.clear();
    } catch (const nlohmann::json::exception& e) {
      fault(at, error(errc::corrupt, {}, "trust.json hỏng", std::string("trust.json is corrupt: ") + e.what()));
      trust_ = {};
      display_.clear();
      etag_.clear();
    }
  } else if (text.err().code != errc::not_found) {
    fault(at, text.err());
  }
  if (!display_.empty()) {
    auto log = play_log::open(dir / "plays.log", display_);
    if (log) plays_ = std::move(*log);
    else fault(at, log.err());
  }
  // The current manifest: the bytes accepted last (or, after a crash between the two writes of a
  // swap, the newer one, which was fully verified before it was written).
  auto text = files::read_regular(dir / "current" / "manifest.json", manifest_limits::body_bytes * 2 + (64u << 10), nofollow);
  if (!text) {
    if (text.err().code != errc::not_found) fault(at, text.err());
    return;
  }
  if (!authority_ || display_.empty()) return;
  auto wire = from_wire(*text);
  if (!wire) return fault(at, wire.err());
  auto body = from_json_text<manifest>(wire->body);
  if (!body) return fault(at, body.err());
  verify_options opt;
  opt.display = display_;
  opt.now = body->issued_at;
  auto v = verify_manifest(*wire, *authority_, opt, trust_state{});
  if (!v) return fault(at, v.err());
  if (v->m.sequence < trust_.last_sequence ||
      (v->m.sequence == trust_.last_sequence && v->body_blake2b != trust_.last_body_blake2b)) {
    return fault(at, error(errc::superseded, {}, "Danh sách phát đang lưu cũ hơn danh sách đã chấp nhận",
                           "The stored manifest is older than the one last accepted"));
  }
  current_ = std::move(*v);
  if (current_->m.sequence > trust_.last_sequence) {
    // A crash came between the two writes of a swap: complete it, or the older manifest the
    // server may still offer would be taken back.
    for (const auto& p : current_->m.playlists)
      for (const auto& it : p.items)
        if (auto d = digest_of(it.blake2b); d)
          (void)verify_item(*current_, *authority_, detail::as_checked(detail::layout_of(current_->m, p), it), *d,
                            trust_.latest_time_seen, &trust_.approvals);
    accept(trust_, *current_, trust_.latest_time_seen);
    etag_.clear();  // it named the older manifest
    if (auto s = save_trust(); !s) fault(at, s.err());
  }
}

PBGDPL_DECL result<void> player::save_trust() {
  json j = json::object();
  j["format"] = detail::player_state_format;
  j["trust"] = to_json_value(trust_);
  j["display"] = display_;
  j["code"] = code_;
  j["etag"] = etag_;
  j["authority_public_key"] = authority_ ? authority_->to_file() : std::string{};
  return files::replace_file(cfg_.state_dir / "trust.json", j.dump(2) + "\n", 0600);
}

PBGDPL_DECL network::header_list player::signed_headers(std::string_view method, std::string_view target, std::string_view body,
                                                        timestamp now) const {
  auto h = sign_request(device_, method, target, body, now);
  return {{std::string(device_header), h.device}, {std::string(time_header), h.time}, {std::string(signature_header), h.signature}};
}

PBGDPL_DECL network::fetch_response player::call(std::string_view method, std::string_view path, std::string_view body,
                                                 timestamp now, network::header_list extra, std::size_t max_body) const {
  const std::string u = cfg_.server + std::string(path);
  auto parsed = network::parse_url(u);
  if (!parsed) {
    network::fetch_response r;
    r.failure = network::fetch_failure::bad_url;
    r.error_vi = parsed.err().message_vi;
    r.error_en = parsed.err().message_en;
    return r;
  }
  auto h = signed_headers(method, parsed->target(), body, now);
  for (auto& e : extra) h.push_back(std::move(e));
  if (!body.empty()) h.emplace_back("Content-Type", "application/json");
  auto opt = cfg_.fetch;
  if (max_body) opt.max_body_bytes = max_body;
  return network::fetch(u, h, opt, method, body);
}

PBGDPL_DECL result<enrolment> player::enrol() {
  json body = json::object();
  body["public_key"] = device_pub_.to_file();
  body["name"] = cfg_.name;
  body["width"] = cfg_.width;
  body["height"] = cfg_.height;
  const std::string u = cfg_.server + "/api/v1/signage/enrol";
  auto r = network::fetch(u, {{"Content-Type", "application/json"}}, cfg_.fetch, "POST", body.dump());
  const timestamp at = pbgdpl::now();
  if (!r.ok()) {
    auto e = detail::offline_error(r);
    fault(at, e);
    return e;
  }
  auto j = json_io::parse(r.body);
  auto field = [&](std::string_view k) {
    if (!j || !j->is_object()) return std::string{};
    auto it = j->find(std::string(k));
    return it != j->end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  enrolment out;
  out.state = field("state");
  if (r.status == 202 && out.state == "pending") {
    out.code = field("code");
    code_ = out.code;
    if (auto s = save_trust(); !s) return s.err();
    return out;
  }
  if (r.status == 403 && out.state == "revoked") return out;
  if (r.status != 200 || out.state != "authorised") {
    auto e = detail::server_error(r.status, "Đăng ký màn hình không thành công", "Enrolment failed", r.body);
    fault(at, e);
    return e;
  }
  out.display = field("display");
  auto key = trust::public_key::parse(field("authority_public_key"));
  if (!key) return key.err();
  if (out.display.empty())
    return error(errc::invalid_argument, {}, "Máy chủ không trả mã màn hình", "The server named no display");
  if (authority_ && !(*authority_ == *key)) {
    // The key pinned out of band (or at an earlier enrolment) is the one trusted: a server that
    // offers another is refused, whatever it says.
    auto e = error(errc::unknown_key, {}, "Máy chủ đưa khoá cơ quan phê duyệt khác khoá đã ghim: từ chối",
                   "The server offers an authority key other than the pinned one: refused");
    fault(at, e);
    return e;
  }
  authority_ = *key;
  if (display_ != out.display) {
    // Bound to another display (or for the first time). The enrolment answer is not signed, so
    // nothing accepted before is dropped on its word: the manifest sequence stays (the server
    // keeps one per device, so a rebound device's next manifest is still higher), and the current
    // manifest keeps playing until one for the new display verifies. A forged answer can thus
    // neither blank the screen nor open the way to replaying an older manifest (red team F5).
    etag_.clear();
    display_ = out.display;
    plays_.reset();  // release the old log's lock before opening the file again
    auto log = play_log::open(cfg_.state_dir / "plays.log", display_);
    if (!log) return log.err();
    plays_ = std::move(*log);
  }
  code_.clear();
  if (auto s = save_trust(); !s) return s.err();
  return out;
}

PBGDPL_DECL std::set<std::string> player::addresses(const manifest& m) const {
  std::set<std::string> out;
  for (const auto& p : m.playlists)
    for (const auto& it : p.items) out.insert(it.blake2b);
  return out;
}

PBGDPL_DECL result<trust::content_digest> player::digest_of(std::string_view b) const {
  auto present = cache_.has(b);
  if (!present) return present.err();
  if (!*present) return error(errc::not_found, {}, "Thiếu tệp trong bộ nhớ đệm: " + std::string(b), "Missing from the cache: " + std::string(b));
  std::error_code ec;
  auto f = cache_.file(b);
  auto size = std::filesystem::file_size(f, ec);
  auto mtime = std::filesystem::last_write_time(f, ec);
  // Bytes hashed once stay trusted while the file keeps its size and time; a changed file is hashed again.
  if (auto it = digests_.find(std::string(b)); it != digests_.end() && it->second.size == size && it->second.modified == mtime)
    return it->second.digest;
  auto d = cache_.digest(b);
  if (!d) return d.err();
  digests_[std::string(b)] = cached_digest{size, mtime, *d};
  return d;
}

PBGDPL_DECL result<sync_outcome> player::sync(timestamp now) {
  if (!authority_ || display_.empty())
    return error(errc::unauthenticated, {}, "Màn hình chưa được đăng ký và cấp phép", "The display is not enrolled and authorised yet");
  sync_outcome out;
  out.sequence = manifest_sequence();
  auto refuse = [&](error e, sync_result how = sync_result::refused) {
    fault(now, e);
    out.result = how;
    out.why = std::move(e);
    return out;
  };

  // A clock behind the latest one accepted is not trusted, whatever the server would answer.
  if (now + clock_tolerance < trust_.latest_time_seen)
    return refuse(error(errc::clock_rollback, {}, "Đồng hồ của màn hình lùi về trước lần đồng bộ đã chấp nhận",
                        "The display's clock is behind the last accepted sync"));
  network::header_list extra;
  if (current_ && !etag_.empty()) extra.emplace_back("If-None-Match", etag_);
  // The wire form escapes the body inside a JSON string: room for twice the body's limit.
  auto r = call("GET", "/api/v1/signage/manifest", {}, now, extra, manifest_limits::body_bytes * 2 + (64u << 10));
  if (!r.ok()) return refuse(detail::offline_error(r), sync_result::offline);
  if (r.status >= 500) return refuse(detail::server_error(r.status, "Máy chủ lỗi", "Server error", r.body), sync_result::offline);
  if (r.status == 304 && current_) {
    // No clock reading is kept here: only accept() moves the remembered clock, so a clock that ran
    // fast for one poll cannot lock the player out later.
    out.result = sync_result::unchanged;
    return out;
  }
  if (r.status != 200) return refuse(detail::server_error(r.status, "Không lấy được danh sách phát", "Cannot get the manifest", r.body));

  auto wire = from_wire(r.body);
  if (!wire) return refuse(wire.err());
  verify_options opt;
  opt.display = display_;
  opt.now = now;
  auto v = verify_manifest(*wire, *authority_, opt, trust_);
  if (!v) return refuse(v.err());
  if (current_ && v->body_blake2b == current_->body_blake2b) {
    // The same manifest under another ETag: nothing to swap.
    etag_ = std::string(r.header("ETag"));
    if (auto s = save_trust(); !s) return refuse(s.err());
    out.result = sync_result::unchanged;
    return out;
  }

  // Every content address once, with one size; each checked before it names a file.
  std::map<std::string, std::uint64_t> wanted;
  for (const auto& p : v->m.playlists)
    for (const auto& it : p.items) {
      if (!is_content_address(it.blake2b))
        return refuse(error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ trong danh sách phát: " + it.blake2b,
                            "An invalid content address in the manifest: " + it.blake2b));
      auto [pos, fresh] = wanted.emplace(it.blake2b, it.size);
      if (!fresh && pos->second != it.size)
        return refuse(error(errc::invalid_argument, {}, "Một nội dung có hai kích thước khác nhau: " + it.blake2b,
                            "One content address with two sizes: " + it.blake2b));
    }
  std::vector<std::pair<std::string, std::uint64_t>> missing;
  std::uint64_t needed = 0;
  for (const auto& [b, size] : wanted) {
    auto present = cache_.has(b);
    if (!present) return refuse(present.err());
    if (*present) continue;
    auto part = cache_.partial_size(b);
    if (!part) return refuse(part.err());
    missing.emplace_back(b, size);
    needed += size > *part ? size - *part : 0;
  }
  if (needed > 0 || cache_.used_bytes() > cfg_.max_cache_bytes) {
    auto keep = addresses(v->m);
    if (current_) keep.merge(addresses(current_->m));
    if (auto room = cache_.make_room(needed, cfg_.max_cache_bytes, keep); !room) return refuse(room.err());
  }

  download_options dl;
  dl.chunk_bytes = cfg_.chunk_bytes;
  dl.fetch = cfg_.fetch;
  dl.headers = [&](std::string_view target) { return signed_headers("GET", target, {}, now); };
  for (const auto& [b, size] : missing) {
    auto got = download(cache_, cfg_.server + "/api/v1/signage/content/" + b, b, size, dl);
    if (got.failure) return refuse(got.failure->why, got.failure->offline ? sync_result::offline : sync_result::refused);
    std::error_code ec;
    auto f = cache_.file(b);
    digests_[b] = cached_digest{std::filesystem::file_size(f, ec), std::filesystem::last_write_time(f, ec), *got.digest};
  }

  // Every item, legal approvals included, against the bytes now held; nothing is accepted unless
  // all pass. Approval sequences are recorded into a copy, kept only on success.
  trust::sequence_tracker seen = trust_.approvals;
  for (const auto& p : v->m.playlists) {
    const layout* l = detail::layout_of(v->m, p);
    for (const auto& it : p.items) {
      auto d = digest_of(it.blake2b);
      if (!d) return refuse(d.err());
      if (auto ok = verify_item(*v, *authority_, detail::as_checked(l, it), *d, now, &seen); !ok) {
        auto e = ok.err();
        e.message_en += " (" + it.media + ")";
        e.message_vi += " (" + it.media + ")";
        return refuse(std::move(e));
      }
    }
  }

  // The swap: the manifest's bytes first (atomically), then what was accepted; a crash between
  // the two leaves a newer, fully verified manifest that load() takes.
  if (auto w = files::replace_file(cfg_.state_dir / "current" / "manifest.json", to_wire(*wire), 0644); !w)
    return refuse(w.err().code == errc::io_error && w.err().message_en.find("space") != std::string::npos
                      ? error(errc::storage_full, {}, w.err().message_vi, w.err().message_en)
                      : w.err());
  accept(trust_, *v, now);
  trust_.approvals = std::move(seen);
  etag_ = std::string(r.header("ETag"));
  current_ = std::move(*v);
  plan_faults_seen_.clear();
  approved_.clear();
  if (auto s = save_trust(); !s) fault(now, s.err());
  out.result = sync_result::updated;
  out.sequence = current_->m.sequence;
  return out;
}

// Verifying an approval costs an Ed25519 check and the keyring walk (measured ~0.8 ms a legal item
// here, 83 ms a plan() of 100 items), so a pass is remembered, keyed by the item's bytes and
// approval, until the statement's own valid_until or at most approval_recheck of trusted time
// (what bounds a delegation's end, which the statement does not state). The memo is dropped with
// the manifest it was made for.
PBGDPL_DECL bool player::still_approved(const layout* l, const manifest_item& it, const trust::content_digest& d,
                                        timestamp trusted, timestamp now) const {
  const manifest_item checked = detail::as_checked(l, it);
  auto key = it.blake2b + (checked.legal ? "\nlegal\n" : "\n\n") + it.approval;
  if (auto m = approved_.find(key); m != approved_.end() && m->second.from <= trusted && trusted < m->second.until &&
                                    d.b512 == m->second.b512)
    return true;
  if (auto ok = verify_item(*current_, *authority_, checked, d, trusted, nullptr); !ok) {
    approved_.erase(key);
    auto e = ok.err();
    e.message_en += " (" + it.media + ")";
    e.message_vi += " (" + it.media + ")";
    plan_fault(now, std::move(e));
    return false;
  }
  approval_memo memo{trusted, trusted + approval_recheck, d.b512};
  if (!it.approval.empty())
    if (auto sig = trust::signature::parse(it.approval); sig)
      if (auto st = from_json_text<trust::approval_statement>(sig->trusted_comment); st)
        memo.until = std::min(memo.until, st->valid_until);
  approved_[key] = memo;
  return true;
}

PBGDPL_DECL std::optional<frame_plan> player::plan(timestamp now) const {
  if (!current_ || !authority_) return std::nullopt;
  const manifest& m = current_->m;
  // Approvals are judged at the latest time this player trusted: the accepted reading and, within
  // this run, the latest `now` planned. A clock set back while
  // playing does not bring an expired approval back.
  timestamp trusted = std::max({now, trust_.latest_time_seen, latest_now_});
  if (now + clock_tolerance < trusted) {
    if (!rollback_reported_)
      fault(now, error(errc::clock_rollback, {}, "Đồng hồ của màn hình bị lùi", "The display's clock went back"));
    rollback_reported_ = true;
  } else {
    rollback_reported_ = false;
  }
  latest_now_ = trusted;

  auto tz = time_zone::locate(m.time_zone);
  if (!tz) fault(now, tz.err());
  const time_zone zone_of_display = tz ? *tz : time_zone::vietnam();

  schedule_set set;
  set.entries = m.entries;
  std::map<std::string, const manifest_playlist*> by_id;
  for (const auto& p : m.playlists) {
    std::vector<const manifest_item*> all;
    for (const auto& it : p.items) all.push_back(&it);
    set.playlists.emplace(p.id, detail::as_playlist(p, all));
    by_id.emplace(p.id, &p);
  }
  auto s = what_plays(set, zone_of_display, now);
  if (!s) return std::nullopt;
  auto pit = by_id.find(s->playlist);
  if (pit == by_id.end()) return std::nullopt;
  const manifest_playlist& p = *pit->second;
  const layout* l = detail::layout_of(m, p);

  frame_plan plan;
  plan.playlist = p.id;
  plan.emergency = s->emergency;
  plan.ticker = p.ticker;
  if (l) {
    plan.layout_name = l->name;
    plan.zones = l->zones;
  } else {
    zone full;
    full.name = "";
    full.width = m.width;
    full.height = m.height;
    plan.zones.push_back(full);
  }
  for (const auto& z : plan.zones) {
    if (z.ticker) continue;
    // The zone's items that may still show: in the cache, digest and approval valid now.
    std::vector<const manifest_item*> items;
    for (const auto& it : p.items) {
      if (l && detail::zone_name(l, it) != z.name) continue;  // no layout: one zone shows everything
      auto d = digest_of(it.blake2b);
      if (!d) {
        plan_fault(now, d.err());
        continue;
      }
      if (!still_approved(l, it, *d, trusted, now)) continue;
      items.push_back(&it);
    }
    if (items.empty()) continue;
    auto at = item_at(detail::as_playlist(p, items), s->start, now);
    if (!at || at->index >= items.size()) continue;
    zone_item zi;
    zi.zone = z.name;
    zi.item = *items[at->index];
    zi.file = cache_.file(zi.item.blake2b);
    zi.start = at->start;
    zi.end = at->end;
    plan.items.push_back(std::move(zi));
  }
  return plan;
}

PBGDPL_DECL result<void> player::record_play(const zone_item& it, timestamp start, timestamp end) {
  if (!plays_) return error(errc::unauthenticated, {}, "Màn hình chưa được đăng ký", "The display is not enrolled");
  if (end < start) return error(errc::invalid_argument, {}, "Thời điểm kết thúc trước thời điểm bắt đầu", "The play ends before it starts");
  auto p = plays_->append(device_, it.item.media, it.item.blake2b, start, end);
  if (!p) return p.err();
  return {};
}

PBGDPL_DECL result<std::size_t> player::upload_plays() {
  if (!plays_) return error(errc::unauthenticated, {}, "Màn hình chưa được đăng ký", "The display is not enrolled");
  std::size_t sent = 0;
  for (;;) {
    auto lines = plays_->pending(detail::plays_batch);
    if (lines.empty()) return sent;
    json body = json::object();
    body["lines"] = lines;
    const timestamp now = pbgdpl::now();
    auto r = call("POST", "/api/v1/signage/plays", body.dump(), now);
    if (!r.ok()) {
      auto e = detail::offline_error(r);
      fault(now, e);
      return e;
    }
    if (r.status != 200) {
      auto e = detail::server_error(r.status, "Máy chủ không nhận bản ghi phát", "The server refused the play records", r.body);
      fault(now, e);
      return e;
    }
    auto j = json_io::parse(r.body);
    std::uint64_t through = 0;
    if (j && j->is_object())
      if (auto it = j->find("accepted_through"); it != j->end() && it->is_number_unsigned()) through = it->get<std::uint64_t>();
    if (through == 0) {
      auto e = error(errc::parse_error, {}, "Máy chủ trả lời không rõ số bản ghi đã nhận", "The server's answer names no accepted_through");
      fault(now, e);
      return e;
    }
    // What this batch's acknowledgement covers: its lines with seq <= accepted_through.
    std::size_t covered = 0;
    for (const auto& line : lines)
      if (auto l = json_io::parse(line); l && l->is_object())
        if (auto it = l->find("seq"); it != l->end() && it->is_number_unsigned() && it->get<std::uint64_t>() <= through) ++covered;
    if (auto a = plays_->acknowledge(through); !a) return a.err();
    sent += covered;
    if (covered < lines.size()) return sent;  // the server took part of the batch: the rest waits for the next upload
  }
}

PBGDPL_DECL result<void> player::heartbeat(std::string_view status, std::optional<std::string> snapshot_png) {
  if (display_.empty()) return error(errc::unauthenticated, {}, "Màn hình chưa được đăng ký", "The display is not enrolled");
  json body = json::object();
  body["status"] = status;
  body["manifest_sequence"] = manifest_sequence();
  json inv = json::array();
  for (const auto& e : cache_.entries())
    if (!e.partial) inv.push_back(e.name);
  body["inventory"] = std::move(inv);
  std::error_code ec;
  auto space = std::filesystem::space(cfg_.state_dir, ec);
  body["free_bytes"] = ec ? std::uint64_t{0} : static_cast<std::uint64_t>(space.available);
  json faults = json::array();
  const std::size_t first = fault_log_.size() - unsent_faults_;
  for (std::size_t i = first; i < fault_log_.size(); ++i)
    faults.push_back({{"at", format_timestamp_utc(fault_log_[i].at)},
                      {"code", std::string(errc_name(fault_log_[i].why.code))},
                      {"message", fault_log_[i].why.message_en}});
  body["faults"] = std::move(faults);
  if (snapshot_png) body["snapshot_png"] = trust::detail::base64(trust::as_bytes(*snapshot_png));
  const timestamp now = pbgdpl::now();
  auto r = call("POST", "/api/v1/signage/heartbeat", body.dump(), now);
  if (!r.ok()) return detail::offline_error(r);
  if (r.status != 204 && r.status != 200)
    return detail::server_error(r.status, "Máy chủ không nhận tín hiệu hoạt động", "The server refused the heartbeat", r.body);
  unsent_faults_ = 0;
  return {};
}

}  // namespace signage
PBGDPL_NAMESPACE_END
