// The kiosk for screens with only a browser (smart TVs, Android boxes): the portal plays a
// display's schedule in a full-screen page, verifying on the browser's behalf what a native player
// verifies itself. Each request carries the display's kiosk token (?k=, issued in the editor's
// "Màn hình" screen, stored hashed, revocable). now.json builds and signs the display's manifest
// (signage/publisher.hpp), verifies it and every item's approval against the bytes the portal holds
// with the player's own code (verify_manifest, verify_item), and answers what each zone shows now
// among the verified items only; content is served only when it is one of those items; completed
// plays the page posts are checked against the schedule and recorded as player "kiosk". The page's
// script and style are the portal's own files: no inline script, no third-party request, and a
// CSP that allows nothing else. Included by impl/pages.ipp.
#pragma once
#include "../pages.hpp"
#include "../signage_api.hpp"
#include "../signage_view.hpp"

#include "../../core/files.hpp"
#include "../../model/kiosk.hpp"
#include "../../model/signage_ops.hpp"
#include "../../signage/manifest.hpp"
#include "../../trust/tokens.hpp"

#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace kiosk_detail {

inline constexpr std::string_view csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

inline constexpr std::string_view script = R"JS((function () {
  'use strict';
  var root = document.getElementById('kiosk');
  if (!root) return;
  var stage = document.getElementById('kiosk-stage');
  var note = document.getElementById('kiosk-note');
  var nowUrl = root.getAttribute('data-now');
  var playsUrl = root.getAttribute('data-plays');
  var skew = 0, doc = null, shown = {}, outbox = [], timer = null, busy = false;

  function clock() { return Date.now() / 1000 + skew; }

  function request(method, url, body, done) {
    var x = new XMLHttpRequest();
    x.open(method, url, true);
    x.timeout = 15000;
    if (body) x.setRequestHeader('Content-Type', 'application/json');
    x.onload = function () {
      var j = null;
      try { j = JSON.parse(x.responseText); } catch (e) { j = null; }
      done(x.status, j);
    };
    x.onerror = x.ontimeout = function () { done(0, null); };
    x.send(body ? JSON.stringify(body) : null);
  }

  function fit() {
    if (!doc) return;
    var w = window.innerWidth, h = window.innerHeight;
    var s = Math.min(w / doc.width, h / doc.height);
    stage.style.width = doc.width + 'px';
    stage.style.height = doc.height + 'px';
    stage.style.transform = 'translate(' + (w - doc.width * s) / 2 + 'px,' + (h - doc.height * s) / 2 + 'px) scale(' + s + ')';
  }

  function zoneBox(z) {
    var id = 'kiosk-zone-' + z.index;
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement('div');
      box.id = id;
      box.className = 'kiosk-zone';
      stage.appendChild(box);
    }
    box.setAttribute('data-zone', z.name);
    box.style.left = z.x + 'px';
    box.style.top = z.y + 'px';
    box.style.width = z.width + 'px';
    box.style.height = z.height + 'px';
    return box;
  }

  // A play counts once it ran whole: a video to its end, an image from its start to its end.
  function finish(key, completed) {
    var cur = shown[key];
    if (!cur) return;
    delete shown[key];
    if (completed && cur.started) {
      outbox.push({media: cur.item.media, blake2b: cur.item.blake2b, zone: cur.zone,
                   start: Math.floor(cur.started), end: Math.ceil(clock())});
      if (outbox.length > 200) outbox.shift();
    }
    if (cur.el.parentNode) cur.el.parentNode.removeChild(cur.el);
  }

  // A video near its end finishes first (it may have started a little late), unless the playlist
  // changed (an emergency override does not wait).
  function show(z, item, urgent) {
    var id = item.media + '@' + item.start;
    var cur = shown[z.index];
    if (cur && cur.id === id) return;
    if (cur && cur.video && !urgent && cur.started && !cur.el.ended && cur.el.duration &&
        cur.el.duration - cur.el.currentTime < 5) return;
    if (cur) finish(z.index, !cur.video && cur.fromStart && cur.item.end <= clock() + 1);
    var box = zoneBox(z);
    var rec = {id: id, item: item, zone: z.name, started: 0, fromStart: false,
               video: item.type.indexOf('video/') === 0, el: null};
    var el;
    if (rec.video) {
      el = document.createElement('video');
      el.muted = true;
      el.autoplay = true;
      el.setAttribute('muted', '');
      el.setAttribute('playsinline', '');
      el.addEventListener('playing', function () { if (!rec.started) rec.started = clock(); });
      el.addEventListener('ended', function () {
        if (shown[z.index] === rec) { finish(z.index, true); schedule(0.2); }
      });
    } else {
      el = document.createElement('img');
      el.alt = item.title || '';
      el.addEventListener('load', function () {
        rec.started = clock();
        rec.fromStart = rec.started <= item.start + 3;
      });
    }
    el.className = 'kiosk-media';
    rec.el = el;
    shown[z.index] = rec;
    el.src = item.url;
    box.appendChild(el);
  }

  function ticker(z, text) {
    var box = zoneBox(z);
    var t = box.querySelector('.kiosk-ticker');
    if (!text) { if (t) box.removeChild(t); return; }
    if (t && t.textContent === text) return;
    if (!t) {
      t = document.createElement('p');
      t.className = 'kiosk-ticker';
      box.appendChild(t);
    }
    t.textContent = text;
  }

  function apply(j) {
    var urgent = !doc || doc.playlist !== j.playlist;
    doc = j;
    skew = j.server_time - Date.now() / 1000;
    fit();
    note.textContent = j.message || '';
    var seen = {}, zones = j.zones || [], i, k;
    for (i = 0; i < zones.length; i++) {
      var z = zones[i];
      z.index = i;
      seen[i] = true;
      if (z.ticker) ticker(z, j.ticker);
      else if (z.item) show(z, z.item, urgent);
      else finish(i, false);
    }
    for (k in shown) if (!seen[k]) finish(k, false);
    var boxes = stage.querySelectorAll('.kiosk-zone');
    for (i = 0; i < boxes.length; i++)
      if (!seen[boxes[i].id.substring(11)]) stage.removeChild(boxes[i]);
  }

  function schedule(seconds) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, Math.max(200, seconds * 1000));
  }

  function poll() {
    request('GET', nowUrl, null, function (status, j) {
      busy = false;
      if (status === 200 && j) {
        apply(j);
        var next = j.next_check || 10, zones = j.zones || [];
        for (var i = 0; i < zones.length; i++) {
          var cur = shown[i];
          if (zones[i].item && cur && !cur.video) next = Math.min(next, zones[i].item.end - clock() + 0.3);
        }
        schedule(Math.max(0.5, Math.min(next, 30)));
      } else {
        if (j && j.message) note.textContent = j.message;
        schedule(status === 0 || status >= 500 ? 15 : 60);
      }
    });
  }

  function tick() {
    if (busy) return;
    busy = true;
    if (!outbox.length) { poll(); return; }
    var batch = outbox.slice(0, 50);
    request('POST', playsUrl, {plays: batch}, function (status) {
      if (status === 200 || status === 422) outbox.splice(0, batch.length);
      poll();
    });
  }

  window.addEventListener('resize', fit);
  tick();
})();
)JS";

inline constexpr std::string_view style = R"CSS(html,body{margin:0;height:100%;background:#000;overflow:hidden;cursor:none}
.kiosk-title{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
#kiosk-stage{position:absolute;left:0;top:0;transform-origin:0 0;background:#000;overflow:hidden}
.kiosk-zone{position:absolute;overflow:hidden;background:#000}
.kiosk-media{display:block;width:100%;height:100%;object-fit:contain}
.kiosk-ticker{margin:0;position:absolute;top:50%;transform:translateY(-50%);white-space:nowrap;color:#fff;font:bold 48px/1.2 "DejaVu Sans",sans-serif;padding-left:100%;animation:kiosk-scroll 30s linear infinite}
@keyframes kiosk-scroll{from{transform:translate(0,-50%)}to{transform:translate(-100%,-50%)}}
#kiosk-note{position:fixed;left:0;right:0;bottom:0;margin:0;padding:.4em;color:#bbb;background:rgba(0,0,0,.6);font:16px/1.3 sans-serif;text-align:center}
#kiosk-note:empty{display:none}
)CSS";

// A JSON answer of the kiosk: never cached, nothing else allowed.
inline http::response json_answer(const json& j, http::status st = http::status::ok) {
  auto r = http::response::json(j, st);
  r.set("Cache-Control", "no-store");
  r.set("Content-Security-Policy", std::string(csp));
  r.set("Referrer-Policy", "no-referrer");
  r.cacheable = false;
  return r;
}

inline http::response refused(http::status st, std::string_view vi, std::string_view en) {
  return json_answer(json{{"message", std::string(vi) + " / " + std::string(en)}, {"state", "refused"}}, st);
}

// A range of a file: "bytes=a-b", "bytes=a-", "bytes=-n" (one range). nullopt: not satisfiable.
struct byte_range {
  std::uint64_t first = 0, last = 0;
};
inline std::optional<byte_range> parse_range(std::string_view h, std::uint64_t size) {
  if (!h.starts_with("bytes=") || size == 0) return std::nullopt;
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto num = [](std::string_view s, std::uint64_t& out) {
    if (s.empty() || s.size() > 19) return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
  };
  std::uint64_t a = 0, b = 0;
  const auto left = h.substr(0, dash), right = h.substr(dash + 1);
  if (left.empty()) {  // the last n bytes
    if (!num(right, b) || b == 0) return std::nullopt;
    return byte_range{size - std::min(b, size), size - 1};
  }
  if (!num(left, a) || a >= size) return std::nullopt;
  if (right.empty()) return byte_range{a, size - 1};
  if (!num(right, b) || b < a) return std::nullopt;
  return byte_range{a, std::min(b, size - 1)};
}

// Reads [first, first + n) of a regular file.
inline result<std::string> read_part(const std::filesystem::path& p, std::uint64_t first, std::uint64_t n) {
  auto fd = files::open_regular(p, {.refuse_symlinks = true});
  if (!fd) return fd.err();
  std::string out(static_cast<std::size_t>(n), '\0');
  std::uint64_t got = 0;
  while (got < n) {
    auto r = ::pread(fd->get(), out.data() + got, static_cast<std::size_t>(n - got), static_cast<off_t>(first + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return error(errc::io_error, "/content", "Không đọc được tệp nội dung", "The content file cannot be read");
    got += static_cast<std::uint64_t>(r);
  }
  return out;
}

// The schedule a verified manifest describes, with only the items in `ok` (the verified ones):
// what the scheduler runs for the kiosk, as the native player runs it over its manifest.
inline display_schedule schedule_of(const signage::manifest& m, const std::set<std::string, std::less<>>& ok) {
  display_schedule s;
  s.d.id = display_id{m.display};
  s.d.unit = unit_id{m.unit};
  s.d.width = m.width;
  s.d.height = m.height;
  s.d.time_zone = m.time_zone;
  auto tz = signage::time_zone::locate(m.time_zone);
  s.tz = tz ? std::move(*tz) : signage::time_zone::vietnam();
  for (const auto& l : m.layouts) s.layouts.emplace(l.id.value, l);
  s.set.entries = m.entries;
  for (const auto& mp : m.playlists) {
    playlist p;
    p.id = playlist_id{mp.id};
    p.name = mp.name;
    p.unit = unit_id{m.unit};
    if (!mp.layout.empty()) p.layout = layout_id{mp.layout};
    p.ticker = mp.ticker;
    for (const auto& it : mp.items)
      if (ok.count(it.blake2b)) p.items.push_back(playlist_item{media_id{it.media}, it.duration_seconds, std::nullopt, it.zone});
    s.set.playlists.emplace(mp.id, std::move(p));
  }
  return s;
}

}  // namespace kiosk_detail

// What the kiosk of one display may show now: its manifest, verified, and its verified items.
struct pages::kiosk_view {
  signage::verified_manifest v;
  display_schedule sched;
  std::map<std::string, signage::manifest_item, std::less<>> items;  // blake2b -> item (verified)
  std::map<std::string, std::filesystem::path, std::less<>> files;    // blake2b -> file
};

PBGDPL_DECL result<kiosk_link> pages::kiosk_check(const http::request& req, std::string_view display) const {
  auto k = req.query("k");
  if (!k || k->size() < 8 || k->size() > 200)
    return error(errc::unauthenticated, "/k", "Thiếu mã của liên kết trình chiếu", "The kiosk link's token is missing");
  auto link = db_.get<kiosk_link>(trust::token_hash(*k));
  if (!link || link->display.value != display)
    return error(errc::unauthenticated, "/k", "Liên kết trình chiếu không hợp lệ", "The kiosk link is not valid");
  if (!is_live(*link, opt_.now()))
    return error(errc::revoked, "/k", "Liên kết trình chiếu đã bị thu hồi hoặc hết hạn", "The kiosk link was revoked or has expired");
  return link;
}

PBGDPL_DECL result<pages::kiosk_view> pages::kiosk_build(const display& d, timestamp t) const {
  if (!opt_.signage) return error(errc::not_found, "/signage", "Máy chủ chưa bật màn hình", "Signage is not enabled on this server");
  auto built = opt_.signage->manifest_for(d.id, t);
  if (!built) return built.err();
  // Verified as the player verifies: the signature by the pinned authority key, then each item
  // against the bytes this portal holds. A fresh trust state: the portal built this manifest a
  // moment ago, so there is no earlier one to roll back to.
  const auto authority = opt_.signage->authority_public_key();
  signage::verify_options vo;
  vo.display = d.id.value;
  vo.now = t;
  auto v = signage::verify_manifest(built->signed_form, authority, vo, signage::trust_state{});
  if (!v) return v.err();
  kiosk_view out;
  trust::sequence_tracker seen;
  std::set<std::string, std::less<>> ok;
  for (const auto& p : v->m.playlists)
    for (const auto& it : p.items) {
      if (ok.count(it.blake2b)) continue;
      auto m = db_.get<media_asset>(it.media);
      if (!m || m->blake2b != it.blake2b) continue;
      auto found = opt_.signage->content().find(*m);
      if (!found) continue;
      if (!signage::verify_item(*v, authority, it, found->digest, t, &seen)) continue;
      ok.insert(it.blake2b);
      out.items.emplace(it.blake2b, it);
      out.files.emplace(it.blake2b, found->path);
    }
  out.sched = kiosk_detail::schedule_of(v->m, ok);
  out.v = std::move(*v);
  return out;
}

PBGDPL_DECL http::response pages::kiosk_page(http::request& req, const page_context& ctx) {
  const std::string id(req.param("display"));
  const bool en = ctx.lang == language::en;
  auto d = db_.get<display>(id);
  auto link = kiosk_check(req, id);
  http::response r;
  std::string body;
  if (!d || !ctx.units->tree.within(d->unit, ctx.u->id) || !link) {
    r = http::response::html(std::string("<!DOCTYPE html>\n<html lang=\"") + (en ? "en" : "vi") + "\"><head><meta charset=\"utf-8\"><title>" +
                                 (en ? "Kiosk" : "Trình chiếu") + "</title></head><body><main><h1>" +
                                 (en ? "This kiosk link is not valid" : "Liên kết trình chiếu không hợp lệ") + "</h1><p>" +
                                 (en ? "Ask the school's administrator for a new link." : "Hãy xin quản trị viên của trường một liên kết mới.") +
                                 "</p></main></body></html>\n",
                             link ? http::status::not_found : http::status::forbidden);
  } else {
    const auto token = std::string(req.query("k").value_or(""));
    const auto base = ctx.links.kiosk(id);
    body = std::string("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
                       "<title>") +
           publish::escape_html(d->name) + " – Cầu thang pháp luật</title><link rel=\"stylesheet\" href=\"" +
           publish::escape_html(ctx.links.signage() + "kiosk.css") + "\"><script src=\"" + publish::escape_html(ctx.links.signage() + "kiosk.js") +
           "\" defer></script></head><body><main id=\"kiosk\" data-now=\"" + publish::escape_html(base + "/now.json?k=" + http::percent_encode(token)) +
           "\" data-plays=\"" + publish::escape_html(base + "/plays?k=" + http::percent_encode(token)) + "\"><h1 class=\"kiosk-title\">" +
           publish::escape_html(d->name) + "</h1><div id=\"kiosk-stage\"></div><p id=\"kiosk-note\" role=\"status\"></p></main></body></html>\n";
    r = http::response::html(std::move(body));
  }
  r.set("Cache-Control", "no-store");
  r.set("Content-Security-Policy", std::string(kiosk_detail::csp));
  r.set("Referrer-Policy", "no-referrer");
  r.set("X-Robots-Tag", "noindex");
  r.cacheable = false;
  r.cache_tags.clear();
  return r;
}

PBGDPL_DECL http::response pages::kiosk_asset(http::request& req, const page_context&) {
  const bool js = req.path().ends_with(".js");
  http::response r(http::status::ok);
  r.body = std::string(js ? kiosk_detail::script : kiosk_detail::style);
  r.set("Content-Type", js ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
  r.set("Cache-Control", "public, max-age=3600");
  r.cacheable = true;
  r.cache_tags = {"content"};
  return r;
}

PBGDPL_DECL http::response pages::kiosk_now(http::request& req, const page_context& ctx) {
  using namespace kiosk_detail;
  const std::string id(req.param("display"));
  auto d = db_.get<display>(id);
  if (!d || !ctx.units->tree.within(d->unit, ctx.u->id)) return refused(http::status::not_found, "Không có màn hình này", "No such screen");
  auto link = kiosk_check(req, id);
  if (!link) return refused(link.err().code == errc::revoked ? http::status::gone : http::status::forbidden, link.err().message_vi, link.err().message_en);
  const auto t = opt_.now();
  json j{{"display", d->id.value}, {"name", d->name}, {"width", d->width}, {"height", d->height},
         {"next_check", 10}, {"zones", json::array()}, {"playlist", nullptr}, {"emergency", false}, {"ticker", ""}};
  // The portal's clock (tests move it) rather than the machine's.
  j["server_time"] = static_cast<double>(t.time_since_epoch().count());
  auto view = kiosk_build(*d, t);
  if (!view) {
    j["state"] = "refused";
    j["message"] = "Chưa có lịch chiếu hợp lệ / no valid schedule: " + view.err().message_vi;
    return json_answer(j);
  }
  j["sequence"] = view->v.m.sequence;
  j["width"] = view->v.m.width;
  j["height"] = view->v.m.height;
  auto np = playing_at(view->sched, t);
  if (!np) {
    j["state"] = "idle";
    return json_answer(j);
  }
  j["state"] = "playing";
  j["playlist"] = np->list.id.value;
  j["emergency"] = np->slot.emergency;
  j["ticker"] = np->list.ticker;
  const auto base = ctx.links.kiosk(id);
  const auto token = http::percent_encode(std::string(req.query("k").value_or("")));
  std::int64_t next = std::chrono::duration_cast<std::chrono::seconds>(np->slot.end - t).count();
  for (const auto& z : np->zones) {
    json zj{{"name", z.z.name}, {"x", z.z.x}, {"y", z.z.y}, {"width", z.z.width}, {"height", z.z.height}, {"ticker", z.z.ticker}, {"item", nullptr}};
    if (z.item) {
      // The schedule's item names a medium; the manifest's verified item with that medium says what bytes.
      const signage::manifest_item* mi = nullptr;
      for (const auto& [b, it] : view->items)
        if (it.media == z.item->media.value && (it.zone.empty() || it.zone == z.z.name || z.z.name.empty())) mi = &it;
      if (mi) {
        zj["item"] = {{"media", mi->media}, {"title", mi->title}, {"blake2b", mi->blake2b}, {"type", mi->media_type},
                      {"url", base + "/noi-dung/" + mi->blake2b + "?k=" + token},
                      {"start", z.start.time_since_epoch().count()}, {"end", z.end.time_since_epoch().count()}};
        next = std::min<std::int64_t>(next, std::chrono::duration_cast<std::chrono::seconds>(z.end - t).count());
      }
    }
    j["zones"].push_back(std::move(zj));
  }
  j["next_check"] = std::clamp<std::int64_t>(next, 1, 10);
  return json_answer(j);
}

PBGDPL_DECL http::response pages::kiosk_content(http::request& req, const page_context& ctx) {
  using namespace kiosk_detail;
  const std::string id(req.param("display"));
  const std::string_view b2b = req.param("blake2b");
  auto d = db_.get<display>(id);
  if (!d || !ctx.units->tree.within(d->unit, ctx.u->id) || !is_blake2b_hex(b2b)) return refused(http::status::not_found, "Không có nội dung này", "No such content");
  auto link = kiosk_check(req, id);
  if (!link) return refused(link.err().code == errc::revoked ? http::status::gone : http::status::forbidden, link.err().message_vi, link.err().message_en);
  // Only bytes of the display's verified manifest, read from the file the check hashed.
  auto view = kiosk_build(*d, opt_.now());
  if (!view) return refused(http::status::not_found, "Không có nội dung này", "No such content");
  auto it = view->items.find(b2b);
  auto f = view->files.find(b2b);
  if (it == view->items.end() || f == view->files.end()) return refused(http::status::not_found, "Không có nội dung này", "No such content");
  std::error_code ec;
  const auto size = std::filesystem::file_size(f->second, ec);
  if (ec) return refused(http::status::not_found, "Không có nội dung này", "No such content");
  constexpr std::uint64_t max_whole = 64u << 20, max_part = 8u << 20;
  http::response r;
  const auto range = req.header(http::bhttp::field::range);
  if (!range.empty()) {
    auto br = parse_range(range, size);
    if (!br) {
      r = http::response(http::status::range_not_satisfiable);
      r.set("Content-Range", "bytes */" + std::to_string(size));
    } else {
      const auto n = std::min<std::uint64_t>(br->last - br->first + 1, max_part);
      auto part = read_part(f->second, br->first, n);
      if (!part) return refused(http::status::internal_server_error, part.err().message_vi, part.err().message_en);
      r = http::response(http::status::partial_content);
      r.body = std::move(*part);
      r.set("Content-Range", "bytes " + std::to_string(br->first) + "-" + std::to_string(br->first + n - 1) + "/" + std::to_string(size));
    }
  } else if (size > max_whole) {
    r = http::response(http::status::range_not_satisfiable);
    r.set("Content-Range", "bytes */" + std::to_string(size));
  } else {
    auto whole = read_part(f->second, 0, size);
    if (!whole) return refused(http::status::internal_server_error, whole.err().message_vi, whole.err().message_en);
    r = http::response(http::status::ok);
    r.body = std::move(*whole);
  }
  r.set("Content-Type", it->second.media_type.empty() ? std::string("application/octet-stream") : it->second.media_type);
  r.set("Accept-Ranges", "bytes");
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Cache-Control", "private, max-age=86400");
  r.set("Content-Security-Policy", std::string(csp));
  r.set("Referrer-Policy", "no-referrer");
  r.cacheable = false;
  return r;
}

PBGDPL_DECL http::response pages::kiosk_plays(http::request& req, const page_context& ctx) {
  using namespace kiosk_detail;
  const std::string id(req.param("display"));
  auto d = db_.get<display>(id);
  if (!d || !ctx.units->tree.within(d->unit, ctx.u->id)) return refused(http::status::not_found, "Không có màn hình này", "No such screen");
  auto link = kiosk_check(req, id);
  if (!link) return refused(link.err().code == errc::revoked ? http::status::gone : http::status::forbidden, link.err().message_vi, link.err().message_en);
  if (req.body().size() > 64 * 1024) return refused(http::status::payload_too_large, "Quá nhiều lượt chiếu một lần", "Too many plays at once");
  auto body = json_io::parse(req.body());
  if (!body || !body->is_object() || !body->contains("plays") || !(*body)["plays"].is_array() || (*body)["plays"].size() > 50)
    return refused(http::status::unprocessable_entity, "Danh sách lượt chiếu không hợp lệ", "The list of plays is not valid");
  const auto t = opt_.now();
  auto view = kiosk_build(*d, t);
  if (!view) return refused(http::status::service_unavailable, view.err().message_vi, view.err().message_en);
  std::size_t accepted = 0, refused_n = 0;
  for (const auto& p : (*body)["plays"]) {
    // A completed play of a verified item, in its scheduled place at the time the page says, not
    // in the future, at most a few hours old, lasting about as long as the item.
    auto str = [&](const char* k) { return p.is_object() && p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string(); };
    auto num = [&](const char* k) -> std::optional<std::int64_t> {
      if (!p.is_object() || !p.contains(k) || !p[k].is_number_integer()) return std::nullopt;
      return p[k].get<std::int64_t>();
    };
    const auto media = str("media"), b2b = str("blake2b"), zone = str("zone");
    const auto s0 = num("start"), s1 = num("end");
    auto it = view->items.find(b2b);
    bool ok = it != view->items.end() && it->second.media == media && s0 && s1 && *s1 > *s0;
    if (ok) {
      const timestamp start{std::chrono::seconds(*s0)}, end{std::chrono::seconds(*s1)};
      const auto length = end - start;
      ok = end <= t + std::chrono::seconds(30) && start >= t - std::chrono::hours(6) && length >= std::chrono::seconds(1) &&
           length <= std::chrono::seconds(it->second.duration_seconds) + std::chrono::seconds(30);
      // What the schedule had in that zone a moment into the play.
      if (ok) {
        bool scheduled = false;
        for (auto at : {start + std::chrono::seconds(1), start + length / 2}) {
          auto np = playing_at(view->sched, at);
          if (!np) continue;
          for (const auto& z : np->zones)
            if (z.z.name == zone && z.item && z.item->media.value == media) scheduled = true;
        }
        ok = scheduled;
      }
      if (ok) {
        play_record rec;
        const json line{{"display", d->id.value}, {"media", media}, {"blake2b", b2b}, {"start", *s0}, {"end", *s1}, {"player", "kiosk"},
                        {"link", link->handle}};
        const auto hash = trust::to_hex(trust::blake2b_256(trust::detail::compact(line)));
        rec.id = play_record_id{"kiosk-" + hash.substr(0, 40)};  // display ids may be 64 characters already
        rec.display = d->id;
        rec.unit = d->unit;
        rec.media = media;
        rec.blake2b = b2b;
        rec.start = start;
        rec.end = end;
        rec.player = "kiosk";
        // A browser signs nothing, so there is no device chain: a kiosk's plays are numbered by their
        // start second, and the link's handle is in the hashed line.
        rec.seq = static_cast<std::uint64_t>(std::max<std::int64_t>(1, *s0));
        rec.line_blake2b = hash;
        // The same play posted again (an answer lost on the way back) is the same record.
        if (auto c = db_.create(rec, "kiosk:" + link->handle); c || c.err().code == errc::already_exists) ++accepted;
        else ok = false;
      }
    }
    if (!ok) ++refused_n;
  }
  return json_answer(json{{"accepted", accepted}, {"refused", refused_n}});
}

}  // namespace portal
PBGDPL_NAMESPACE_END
