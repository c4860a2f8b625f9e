// Definitions for portal/signage_api.hpp (inline in header-only mode, compiled once from
// src/portal/signage.cpp).
#pragma once
#include "../signage_api.hpp"

#include "../../core/text.hpp"
#include "../../signage/device_auth.hpp"
#include "../../signage/plays.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace signage_detail {

inline http::response with_state(const error& e, std::string_view state, http::status s) {
  auto r = http::error_response(e, s);
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    j["state"] = std::string(state);
    r.body = j.dump();
  }
  return r;
}

// The answer to a refused device request: 403 {"state": ...} for a revoked or pending device.
inline http::response refusal(const error& e) {
  if (e.code == errc::revoked) return with_state(e, "revoked", http::status::forbidden);
  if (e.code == errc::permission_denied && e.path == "/state") return with_state(e, "pending", http::status::forbidden);
  return http::error_response(e);
}

inline http::response private_json(const json& j, http::status s = http::status::ok) {
  auto r = http::response::json(j, s);
  r.set("Cache-Control", "no-store");
  return r;
}

inline result<json> json_body(const http::request& req) {
  if (!http::is_json_content_type(req.header(http::bhttp::field::content_type)))
    return error(errc::invalid_argument, {}, "Chỉ nhận nội dung JSON (Content-Type: application/json)",
                 "Only JSON bodies are accepted (Content-Type: application/json)");
  auto j = json_io::parse(req.body());
  if (!j) return j.err();
  if (!j->is_object()) return error(errc::wrong_type, {}, "Nội dung phải là một đối tượng JSON", "The body must be a JSON object");
  return j;
}

// "bytes=a-b", "bytes=a-", "bytes=-n" against a file of `size` bytes: [first, last] inclusive,
// nullopt for a header this server ignores (another unit, several ranges, malformed: the whole
// file is the answer, as RFC 9110 allows), and {1, 0} (first > last) when it cannot be satisfied.
struct byte_range {
  std::uint64_t first = 0, last = 0;
};
inline std::optional<byte_range> parse_range(std::string_view h, std::uint64_t size) {
  constexpr std::string_view unit = "bytes=";
  if (!h.starts_with(unit)) return std::nullopt;
  h.remove_prefix(unit.size());
  if (h.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::uint64_t> {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
  };
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {  // the last n bytes
    auto n = number(b);
    if (!n) return std::nullopt;
    if (*n == 0 || size == 0) return byte_range{1, 0};
    return byte_range{size - std::min(*n, size), size - 1};
  }
  auto first = number(a);
  if (!first) return std::nullopt;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = number(b);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, last);
  }
  if (*first >= size) return byte_range{1, 0};
  return byte_range{*first, last};
}

}  // namespace signage_detail

PBGDPL_DECL signage_service::signage_service(store::store& db, const options& opt, signage_options so)
    : db_(db), clock_(opt.now), units_(opt.units), public_prefix_(checked_public_prefix(opt.public_prefix).value_or("")),
      trusted_proxies_(opt.trusted_proxies), so_(std::move(so)),
      key_(signage::load_or_create_authority_key(so_.data_dir / "signage-authority.key").value()),
      content_(so_.data_dir / "signage" / "content", so_.media_dir), enrol_limiter_([&] {
        auto c = so_.enrol_rate;
        if (c.trusted_proxies.empty()) c.trusted_proxies = opt.trusted_proxies;
        return c;
      }()) {}

PBGDPL_DECL result<std::shared_ptr<const unit_snapshot>> signage_service::units_today() const {
  if (units_) return units_->get();
  return load_units(db_, local_date(now()));
}

PBGDPL_DECL result<unit_id> signage_service::authority_of(const display& d) const {
  auto units = units_today();
  if (!units) return units.err();
  return signage::authority_for((*units)->tree, d.unit);
}

PBGDPL_DECL result<signage::built_manifest> signage_service::manifest_for(const display_id& id, timestamp at) const {
  auto d = db_.get<display>(id.value);
  if (!d) return d.err();
  auto units = units_today();
  if (!units) return units.err();
  auto authority = signage::authority_for((*units)->tree, d->unit);
  if (!authority) return authority.err();
  auto built = signage::build_manifest_detailed(db_, content_, id, key_, *authority, at, so_.validity, &(*units)->tree);
  if (!built) return built.err();
  std::map<std::string, std::string> items;
  for (const auto& p : built->m.playlists)
    for (const auto& it : p.items) items.emplace(it.blake2b, it.media);
  std::lock_guard lock(mu_);
  if (items_.size() > 10000) items_.clear();
  items_[id.value] = items_entry{std::chrono::steady_clock::now(), db_.change_stamp(), std::move(items)};
  return built;
}

PBGDPL_DECL result<std::map<std::string, std::string>> signage_service::current_items(const display_id& d,
                                                                                     timestamp at) const {
  {
    std::lock_guard lock(mu_);
    auto it = items_.find(d.value);
    const auto stamp = db_.change_stamp();
    if (it != items_.end() && stamp && it->second.stamp == stamp &&
        std::chrono::steady_clock::now() - it->second.at < std::chrono::minutes{1})
      return it->second.items;
  }
  auto built = manifest_for(d, at);
  if (!built) return built.err();
  std::map<std::string, std::string> items;
  for (const auto& p : built->m.playlists)
    for (const auto& it : p.items) items.emplace(it.blake2b, it.media);
  return items;
}

PBGDPL_DECL result<signage_service::device_call> signage_service::authenticate(const http::request& req,
                                                                              timestamp at) const {
  auto unauthenticated = [](std::string vi, std::string en) {
    return error(errc::unauthenticated, {}, std::move(vi), std::move(en));
  };
  signage::signed_headers h{std::string(req.header(signage::device_header)), std::string(req.header(signage::time_header)),
                            std::string(req.header(signage::signature_header))};
  if (!is_device_key_id(h.device))
    return unauthenticated("Thiếu hoặc sai tiêu đề X-Pbgdpl-Device (mã khóa thiết bị, 16 ký tự hex in hoa)",
                           "Missing or malformed X-Pbgdpl-Device (the device key id, 16 upper-case hex characters)");
  auto e = db_.get<display_enrolment>(h.device);
  if (!e) {
    if (e.err().code == errc::not_found)
      return unauthenticated("Thiết bị chưa đăng ký", "Unknown device: enrol first");
    return e.err();
  }
  auto pk = trust::public_key::parse(e->public_key);
  if (!pk) return unauthenticated("Khóa của thiết bị không đọc được", "The device's key cannot be read");
  // The target as this server received it; behind a proxy that strips options::public_prefix (or
  // the prefix a trusted proxy names in X-Forwarded-Prefix), the device signed it with that prefix.
  const auto method = req.method_name();
  auto ok = signage::verify_request(*pk, h, method, req.target(), req.body(), at, so_.clock_tolerance);
  options fwd;
  fwd.trusted_proxies = trusted_proxies_;
  const std::string prefixes[] = {public_prefix_, forwarded(fwd, req).prefix.value_or("")};
  for (const auto& pre : prefixes)
    if (!ok && !pre.empty())
      if (signage::verify_request(*pk, h, method, pre + std::string(req.target()), req.body(), at, so_.clock_tolerance))
        ok = {};
  if (!ok) return ok.err();
  if (e->state == enrolment_state::revoked)
    return error(errc::revoked, {}, "Thiết bị đã bị thu hồi", "The device was revoked");
  if (e->state != enrolment_state::authorised || !e->display)
    return error(errc::permission_denied, "/state", "Thiết bị đang chờ quản trị viên cho phép (mã " + e->code + ")",
                 "The device is waiting for an administrator to authorise it (code " + e->code + ")");
  auto d = db_.get<display>(e->display->value);
  if (!d) return d.err();
  return device_call{std::move(*e), std::move(*d)};
}

PBGDPL_DECL http::response signage_service::enrol(http::request& req) {
  using namespace signage_detail;
  auto j = json_body(req);
  if (!j) return http::error_response(j.err());
  signage::enrol_request er;
  auto str = [&](const char* key, std::string& out, std::size_t max) -> result<void> {
    auto it = j->find(key);
    if (it == j->end() || it->is_null()) return {};
    if (!it->is_string() || it->get_ref<const std::string&>().size() > max)
      return error(errc::invalid_argument, std::string("/") + key, "Phải là chuỗi ngắn", "Must be a short string");
    out = it->get<std::string>();
    return {};
  };
  auto num = [&](const char* key, std::uint32_t& out) -> result<void> {
    auto it = j->find(key);
    if (it == j->end() || it->is_null()) return {};
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 16384)
      return error(errc::invalid_argument, std::string("/") + key, "Phải là số từ 0 đến 16384", "Must be a number 0 to 16384");
    out = static_cast<std::uint32_t>(it->get<std::uint64_t>());
    return {};
  };
  for (auto ok : {str("public_key", er.public_key, 1024), str("name", er.name, 200), num("width", er.width),
                  num("height", er.height)})
    if (!ok) return http::error_response(ok.err());
  // The name is shown to administrators: one line of valid text.
  if (!text::is_valid_utf8(er.name)) er.name.clear();
  for (auto& c : er.name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (auto n = text::nfc(er.name)) er.name = std::move(*n);
  const auto at = now();
  // A key already enrolled (the device asking again) is not counted against the client's rate.
  auto pk = trust::public_key::parse(er.public_key);
  bool known = false;
  if (pk)
    if (auto cur = db_.get<display_enrolment>(pk->id.hex()))
      known = !(cur->state == enrolment_state::pending && cur->created_at + so_.enrolment.pending_ttl <= at);
  if (!known)
    if (auto limited = enrol_limiter_.check(req)) return std::move(*limited);
  auto e = signage::enrol(db_, er, at, so_.enrolment);
  if (!e) return http::error_response(e.err());
  if (e->state == enrolment_state::revoked)
    return with_state(error(errc::revoked, {}, "Thiết bị đã bị thu hồi", "The device was revoked"), "revoked",
                      http::status::forbidden);
  if (e->state == enrolment_state::pending)
    return private_json({{"state", "pending"}, {"code", e->code}}, http::status::accepted);
  auto d = db_.get<display>(e->display ? e->display->value : std::string());
  if (!d) return http::error_response(d.err());
  auto authority = authority_of(*d);
  if (!authority) return http::error_response(authority.err());
  return private_json({{"state", "authorised"},
                       {"display", d->id.value},
                       {"authority", authority->value},
                       {"authority_public_key", key_.public_part().to_file()}});
}

PBGDPL_DECL http::response signage_service::manifest(http::request& req) {
  using namespace signage_detail;
  const auto at = now();
  auto dev = authenticate(req, at);
  if (!dev) return refusal(dev.err());
  auto built = manifest_for(dev->screen.id, at);
  if (!built) return http::error_response(built.err());
  const auto etag = signage::manifest_etag(built->signed_form);
  // The gzip layer sends this ETag with "-gz" when it compresses the body: either names this manifest.
  auto gz = etag;
  gz.insert(gz.size() - 1, "-gz");
  const auto inm = req.header(http::bhttp::field::if_none_match);
  if (!inm.empty() && (http::detail::etag_listed(inm, etag) || http::detail::etag_listed(inm, gz))) {
    http::response r(http::status::not_modified);
    r.set("ETag", etag);
    r.set("Cache-Control", "no-cache");
    return r;
  }
  http::response r;
  r.body = signage::to_wire(built->signed_form);
  r.set("Content-Type", "application/json");
  r.set("ETag", etag);
  r.set("Cache-Control", "no-cache");
  return r;
}

PBGDPL_DECL http::response signage_service::content(http::request& req) {
  using namespace signage_detail;
  const auto at = now();
  auto dev = authenticate(req, at);
  if (!dev) return refusal(dev.err());
  const std::string digest(req.param("blake2b"));
  auto not_here = [&] {
    return http::error_response(error(errc::not_found, "/blake2b", "Nội dung này không có trong bản kê của màn hình",
                                      "This content is not in the display's manifest"));
  };
  if (!rules::is_hex(digest, 64)) return not_here();
  auto items = current_items(dev->screen.id, at);
  if (!items) return http::error_response(items.err());
  auto it = items->find(digest);
  if (it == items->end()) return not_here();
  auto m = db_.get<media_asset>(it->second);
  if (!m || m->blake2b != digest) return not_here();
  auto file = content_.find(*m);  // its digest checked (memo): changed bytes are never sent
  if (!file) return not_here();
  auto fd = files::open_regular(file->path, {.refuse_symlinks = true});
  if (!fd) return not_here();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) != file->size) return not_here();
  const std::uint64_t size = file->size;
  const std::string etag = "\"" + digest + "\"";
  std::uint64_t first = 0, last = size == 0 ? 0 : size - 1;
  bool partial = false;
  if (auto h = req.header(http::bhttp::field::range); !h.empty()) {
    if (auto range = parse_range(h, size)) {
      if (range->first > range->last) {
        auto r = http::error_response(error(errc::out_of_range, {}, "Khoảng byte nằm ngoài tệp", "The byte range lies outside the file"),
                                      http::status::range_not_satisfiable);
        r.set("Content-Range", "bytes */" + std::to_string(size));
        return r;
      }
      first = range->first;
      last = std::min(range->last, first + so_.max_range_bytes - 1);
      partial = true;
    }
  }
  if (!partial && size > so_.max_whole_bytes)
    return http::error_response(error(errc::too_large, {}, "Tệp lớn: hãy tải từng đoạn (Range: bytes=...)",
                                      "A large file: ask for it in ranges (Range: bytes=...)"));
  std::string body;
  if (size > 0) {
    body.resize(static_cast<std::size_t>(last - first + 1));
    std::size_t got = 0;
    while (got < body.size()) {
      auto n = ::pread(fd->get(), body.data() + got, body.size() - got, static_cast<off_t>(first + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != body.size()) return http::error_response(error(errc::io_error, {}, "Không đọc được tệp", "Cannot read the file"));
  }
  http::response r(partial ? http::status::partial_content : http::status::ok);
  r.body = std::move(body);
  r.set("Content-Type", m->mime_type.empty() ? std::string("application/octet-stream") : m->mime_type);
  r.set("Accept-Ranges", "bytes");
  r.set("ETag", etag);
  r.set("Cache-Control", "private, max-age=31536000, immutable");
  r.set("X-Content-Type-Options", "nosniff");
  if (partial) r.set("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(size));
  return r;
}

PBGDPL_DECL http::response signage_service::plays(http::request& req) {
  using namespace signage_detail;
  const auto at = now();
  auto dev = authenticate(req, at);
  if (!dev) return refusal(dev.err());
  auto j = json_body(req);
  if (!j) return http::error_response(j.err());
  auto lines_it = j->find("lines");
  if (lines_it == j->end() || !lines_it->is_array())
    return http::error_response(error(errc::missing_field, "/lines", "Thiếu mảng lines", "The lines array is missing"));
  if (lines_it->size() > signage::play_limits::batch_lines)
    return http::error_response(error(errc::too_large, "/lines", "Quá 1000 dòng một lần", "More than 1000 lines at once"));
  std::vector<std::string> lines;
  for (const auto& l : *lines_it) {
    if (!l.is_string()) return http::error_response(error(errc::wrong_type, "/lines", "Mỗi dòng là một chuỗi", "Each line is a string"));
    lines.push_back(l.get<std::string>());
  }
  auto ok = signage::record_plays(db_, dev->enrolment.id, lines, at);
  if (!ok) {
    if (ok.err().code == errc::conflict) {
      // The chain the server holds: the device sends again from the line after it.
      auto e = db_.get<display_enrolment>(dev->enrolment.id.value);
      const auto head = e ? e->plays_seq : dev->enrolment.plays_seq;
      auto r = http::error_response(ok.err());
      auto body = json::parse(r.body, nullptr, false);
      if (body.is_object()) {
        body["expected_seq"] = head + 1;
        body["accepted_through"] = head;
        r.body = body.dump();
      }
      return r;
    }
    return http::error_response(ok.err());
  }
  return private_json({{"accepted_through", ok->accepted_through}, {"recorded", ok->recorded}});
}

PBGDPL_DECL http::response signage_service::heartbeat(http::request& req) {
  using namespace signage_detail;
  const auto at = now();
  auto dev = authenticate(req, at);
  if (!dev) return refusal(dev.err());
  if (!http::is_json_content_type(req.header(http::bhttp::field::content_type)))
    return http::error_response(error(errc::invalid_argument, {}, "Chỉ nhận nội dung JSON", "Only JSON bodies are accepted"));
  auto hb = signage::parse_heartbeat(req.body());
  if (!hb) return http::error_response(hb.err());
  auto saved = signage::record_heartbeat(db_, dev->screen, std::move(*hb), snapshot_dir(), at);
  if (!saved) return http::error_response(saved.err());
  http::response r(http::status::no_content);
  r.set("Cache-Control", "no-store");
  return r;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
