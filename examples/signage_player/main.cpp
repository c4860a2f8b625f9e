// pbgdpl_signage_player: the reference "legal staircase" player. It enrols with the portal (the
// code shown on screen, large, and printed on stdout), syncs the signed manifest, and plays the
// plan: each zone of the layout composited with signage/render.hpp (images letterboxed), the
// ticker zone scrolling the playlist's notice line, videos played through libmpv's software
// renderer into the zone's pixels (no GL: works under Xvfb and headless).
//
//   pbgdpl_signage_player --server URL --state DIR [--name N] [--size WxH] [--windowed]
//                         [--headless] [--snapshot-dir DIR --snapshot-every SECONDS]
//                         [--sync-every SECONDS] [--authority-key FILE] [--exit-after SECONDS]
//
// Only what the player core verified is ever shown; with nothing to play the screen says so
// ("Không có nội dung được duyệt / No approved content"). When a sync fails the current plan
// keeps playing (offline). A play is recorded only when it completed: a video from its first frame
// (mpv's PLAYBACK_RESTART) to its end (END_FILE with reason EOF), an image when its slot ran out
// having been shown from the slot's start. Snapshots: the composed frame written as PNG
// (atomically, <snapshot-dir>/snapshot.png) every --snapshot-every seconds and sent with the next
// heartbeat scaled down to at most 640 pixels wide. SIGTERM and SIGINT end it cleanly.
//
// Threads: the main thread draws (SDL wants its window there); a worker does everything that
// touches the network (enrol, sync, plays, heartbeat) holding the player's lock; the drawing
// thread only try-locks it, so a long download never freezes the screen; a third thread encodes
// snapshots.
#include <pbgdpl/core/files.hpp>
#include <pbgdpl/core/time.hpp>
#include <pbgdpl/network/fetch.hpp>
#include <pbgdpl/signage/render.hpp>

#include <pbgdpl/signage/player.hpp>

#include "screens.hpp"
#include "video.hpp"

#include <SDL.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sg = pbgdpl::signage;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

std::atomic<bool> stop_requested{false};
extern "C" void on_signal(int) { stop_requested.store(true); }

struct options {
  std::string server, state, name = "pbgdpl signage player";
  std::uint32_t width = 1920, height = 1080;
  bool windowed = false, headless = false;
  std::string snapshot_dir;
  double snapshot_every = 0, sync_every = 60, exit_after = 0;
  std::string authority_key;
  // An installer's shortcut: an administrator's API key (a file holding it) and the display to
  // bind this device to; the player authorises its own code through the portal's API, exactly as
  // typing the code in the editor would. The key is read once and never stored in the state.
  std::string authorise_with, display;
};

[[noreturn]] void usage(const char* why) {
  std::cerr << "pbgdpl_signage_player: " << why << "\n"
            << "usage: pbgdpl_signage_player --server URL --state DIR [--name N] [--size WxH] [--windowed]\n"
               "       [--headless] [--snapshot-dir DIR --snapshot-every SECONDS] [--sync-every SECONDS]\n"
               "       [--authority-key FILE] [--exit-after SECONDS] [--authorise-with KEYFILE --display ID]\n";
  std::exit(2);
}

double positive_seconds(const char* v, const char* flag) {
  char* end = nullptr;
  const double d = std::strtod(v, &end);
  if (!end || *end || !(d >= 0) || d > 1e7) usage((std::string(flag) + " takes a number of seconds").c_str());
  return d;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage((a + " needs a value").c_str());
      return argv[++i];
    };
    if (a == "--server")
      o.server = value();
    else if (a == "--state")
      o.state = value();
    else if (a == "--name")
      o.name = value();
    else if (a == "--size") {
      unsigned w = 0, h = 0;
      char tail = 0;
      if (std::sscanf(value(), "%ux%u%c", &w, &h, &tail) != 2 || w < 64 || h < 64 || w > 7680 || h > 4320)
        usage("--size is WIDTHxHEIGHT, 64x64 to 7680x4320");
      o.width = w;
      o.height = h;
    } else if (a == "--windowed")
      o.windowed = true;
    else if (a == "--headless")
      o.headless = true;
    else if (a == "--snapshot-dir")
      o.snapshot_dir = value();
    else if (a == "--snapshot-every")
      o.snapshot_every = positive_seconds(value(), "--snapshot-every");
    else if (a == "--sync-every")
      o.sync_every = std::max(1.0, positive_seconds(value(), "--sync-every"));
    else if (a == "--authority-key")
      o.authority_key = value();
    else if (a == "--exit-after")
      o.exit_after = positive_seconds(value(), "--exit-after");
    else if (a == "--authorise-with")
      o.authorise_with = value();
    else if (a == "--display")
      o.display = value();
    else
      usage(("unknown option " + a).c_str());
  }
  if (o.server.empty() || o.state.empty()) usage("--server and --state are required");
  if (o.authorise_with.empty() != o.display.empty()) usage("--authorise-with and --display go together");
  return o;
}

void say(const std::string& line) {
  std::cout << "pbgdpl-signage: " << line << std::endl;  // flushed: tests and operators read it live
}

bool is_video(const sg::manifest_item& it) { return it.media_type.rfind("video/", 0) == 0; }

template <class Z>
bool is_ticker_zone(const Z& z) {
  if constexpr (requires { z.ticker; })
    return z.ticker;
  else
    return z.name == "ticker";
}

// A completed play, handed from the drawing thread to the worker that records it.
struct finished_play {
  sg::zone_item item;
  pbgdpl::timestamp start{}, end{};
};

// What the worker tells the drawing thread.
struct worker_view {
  bool authorised = false, revoked = false, offline = false;
  std::string code, note;
};

struct shared_state {
  std::mutex player_mu;  // the player is used under this lock only
  std::unique_ptr<sg::player> player;

  std::mutex mu;  // everything below
  std::condition_variable wake;
  worker_view view;
  std::vector<finished_play> plays;
  std::optional<std::string> heartbeat_snapshot;  // PNG, ≤ 640 px wide
  std::string status = "idle";

  std::mutex snap_mu;
  std::condition_variable snap_wake;
  std::optional<sg::rgba_image> snap_frame;  // a frame waiting to be encoded
};

void sleep_or_stop(shared_state& s, std::chrono::milliseconds d) {
  std::unique_lock lock(s.mu);
  s.wake.wait_for(lock, d, [] { return stop_requested.load(); });
}

void record_pending(shared_state& s) {
  std::vector<finished_play> plays;
  {
    std::lock_guard lock(s.mu);
    plays.swap(s.plays);
  }
  for (const auto& p : plays) {
    auto r = s.player->record_play(p.item, p.start, p.end);
    if (!r)
      say("play not recorded: " + r.err().message_en);
    else
      say("play recorded: " + p.item.item.media + " " + std::to_string(p.start.time_since_epoch().count()) +
          " " + std::to_string(p.end.time_since_epoch().count()));
  }
}

// --authorise-with: POST the code to /api/v1/signage/enrolments/authorise with the
// administrator's key; returns the line to print. The next enrol() then finds the device authorised.
std::string authorise_code(const options& o, const std::string& code) {
  std::ifstream in(o.authorise_with);
  std::string key;
  std::getline(in, key);
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  if (key.empty()) return "cannot read an API key from " + o.authorise_with;
  pbgdpl::network::fetch_options fo;
  fo.allow_private_addresses = true;  // the demo portal is on loopback
  fo.timeout = std::chrono::seconds(15);
  pbgdpl::json body{{"code", code}, {"display", o.display}};
  auto r = pbgdpl::network::fetch(o.server + "/api/v1/signage/enrolments/authorise",
                          {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}}, fo, "POST", body.dump());
  if (r.status == 200) return "authorised for display " + o.display + " with the administrator's key";
  if (r.failure != pbgdpl::network::fetch_failure::none) return "could not authorise: " + r.error_en;
  return "could not authorise (HTTP " + std::to_string(r.status) + "): " + r.body.substr(0, 300);
}

// Network work: enrol until authorised, then sync, record and upload plays, heartbeat.
void worker(shared_state& s, const options& o) {
  bool authorised = false, was_offline = false;
  std::string shown_code;
  auto next_sync = clock_type::now();
  while (!stop_requested.load()) {
    if (!authorised) {
      std::lock_guard pl(s.player_mu);
      auto e = s.player->enrol();
      std::lock_guard lock(s.mu);
      if (!e) {
        // Unreachable, or refused (an authority key other than the pinned one): said on screen.
        const auto note = e.err().message_vi + " / " + e.err().message_en;
        if (note != s.view.note) say("enrolment failed: " + e.err().message_en);
        s.view.note = note;
        // A device that holds a verified manifest plays it even when the portal is down.
        if (s.player->has_manifest()) authorised = s.view.authorised = true;
      } else if (e->state == "authorised") {
        authorised = s.view.authorised = true;
        s.view.revoked = false;
        say("authorised as display " + e->display);
      } else if (e->state == "revoked") {
        s.view.revoked = true;
        s.view.code.clear();
        s.view.note = "Màn hình đã bị thu hồi quyền / This screen's authorisation was revoked";
      } else {
        s.view.code = e->code;
        s.view.note.clear();
        if (e->code != shown_code) {
          shown_code = e->code;
          say("enrolment code " + e->code + " (pending: an administrator enters it at /quan-tri/man-hinh)");
          if (!o.authorise_with.empty()) say(authorise_code(o, e->code));
        }
      }
    }
    if (authorised && clock_type::now() >= next_sync) {
      next_sync = clock_type::now() + std::chrono::milliseconds(static_cast<long>(o.sync_every * 1000));
      std::lock_guard pl(s.player_mu);
      auto r = s.player->sync(pbgdpl::now());
      bool offline = !r || r->result == sg::sync_result::offline;
      if (!r)
        say("sync failed: " + r.err().message_en);
      else if (r->result == sg::sync_result::refused)
        say("manifest refused: " + (r->why ? r->why->message_en : std::string("?")));
      else if (r->result == sg::sync_result::updated)
        say("manifest " + std::to_string(r->sequence) + " in use");
      else if (r->result == sg::sync_result::offline && !was_offline)
        say("sync offline (" + (r->why ? r->why->message_en : std::string("no answer")) +
            "): the current manifest keeps playing");
      was_offline = r && r->result == sg::sync_result::offline;
      record_pending(s);
      auto up = s.player->upload_plays();
      if (!up) offline = true;
      std::optional<std::string> snap;
      std::string status;
      {
        std::lock_guard lock(s.mu);
        s.view.offline = offline;
        snap.swap(s.heartbeat_snapshot);
        status = offline ? "offline-cache" : s.status;
      }
      if (auto hb = s.player->heartbeat(status, std::move(snap)); !hb)
        say("heartbeat failed: " + hb.err().message_en);
    } else if (authorised) {
      std::lock_guard pl(s.player_mu);
      record_pending(s);
    }
    sleep_or_stop(s, authorised ? 250ms : 2000ms);
  }
  // The plays of the last moments, uploaded at once unless the portal was unreachable.
  std::lock_guard pl(s.player_mu);
  record_pending(s);
  bool offline = false;
  {
    std::lock_guard lock(s.mu);
    offline = s.view.offline;
  }
  if (authorised && !offline) (void)s.player->upload_plays();
}

// Encodes snapshots off the drawing thread: the full frame to <dir>/snapshot.png (atomically) and
// a copy at most 640 px wide for the next heartbeat.
void snapshotter(shared_state& s, const options& o) {
  for (;;) {
    sg::rgba_image frame;
    {
      std::unique_lock lock(s.snap_mu);
      s.snap_wake.wait(lock, [&] { return s.snap_frame.has_value() || stop_requested.load(); });
      if (!s.snap_frame) return;
      frame = std::move(*s.snap_frame);
      s.snap_frame.reset();
    }
    if (!o.snapshot_dir.empty()) {
      auto png = sg::encode_png(frame);
      if (auto w =
              pbgdpl::files::replace_file(std::filesystem::path(o.snapshot_dir) / "snapshot.png", png, 0644);
          !w)
        say("snapshot not written: " + w.err().message_en);
    }
    auto small = sg::encode_png(sg::scale_to_width(frame, 640));
    std::lock_guard lock(s.mu);
    s.heartbeat_snapshot = std::move(small);
  }
}

// What one zone shows and what the drawing thread knows of it.
struct zone_state {
  std::optional<sg::zone_item> item;     // the current item
  std::string key;                       // media + slot start: a new slot is a new play
  std::chrono::system_clock::time_point shown_since{};  // images: when it first appeared
  sg::rgba_image fitted;  // images
  std::unique_ptr<signage_player::video_zone> video;
  bool video_started = false;
  pbgdpl::timestamp video_start{};
};

std::string key_of(const sg::zone_item& it) {
  return it.item.media + "@" + std::to_string(it.start.time_since_epoch().count());
}

pbgdpl::timestamp wall_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

class compositor {
 public:
  compositor(shared_state& s, std::uint32_t w, std::uint32_t h) : s_(s), frame_(sg::blank_image(w, h)) {}

  sg::rgba_image& frame() { return frame_; }

  // Draws the plan at `now`; false when there is nothing to play (the caller shows the idle screen).
  bool draw(const sg::frame_plan& plan, double seconds) {
    if (plan.items.empty()) {
      end_all();
      return false;
    }
    sg::fill_rect(frame_, 0, 0, frame_.width, frame_.height, {});
    // The layout's extent (its zones' far edges): a layout made for 1080x1920 shown in a 540x960
    // window is scaled to it, every zone by the same factors, so no zone falls off the screen.
    std::uint64_t lw = 0, lh = 0;
    for (const auto& z : plan.zones) {
      lw = std::max<std::uint64_t>(lw, std::uint64_t{z.x} + z.width);
      lh = std::max<std::uint64_t>(lh, std::uint64_t{z.y} + z.height);
    }
    auto scaled = [&](pbgdpl::zone z) {
      if (lw == 0 || lh == 0 || (lw == frame_.width && lh == frame_.height)) return z;
      auto sx = [&](std::uint64_t v) { return static_cast<std::uint32_t>(v * frame_.width / lw); };
      auto sy = [&](std::uint64_t v) { return static_cast<std::uint32_t>(v * frame_.height / lh); };
      const auto x2 = sx(std::uint64_t{z.x} + z.width), y2 = sy(std::uint64_t{z.y} + z.height);
      z.x = sx(z.x);
      z.y = sy(z.y);
      z.width = std::max<std::uint32_t>(1, x2 - z.x);
      z.height = std::max<std::uint32_t>(1, y2 - z.y);
      return z;
    };
    std::map<std::string, bool> seen;
    for (auto z0 : plan.zones) {
      auto z = scaled(z0);
      seen[z.name] = true;
      // Only the part of a zone on the screen is drawn (and allocated: a zone's size comes from
      // the manifest, a video zone holds two frames of it).
      if (z.x >= frame_.width || z.y >= frame_.height) continue;
      z.width = std::min(z.width, frame_.width - z.x);
      z.height = std::min(z.height, frame_.height - z.y);
      if (is_ticker_zone(z)) {
        // About a band's height every second, at least 60 px/s.
        const double speed = std::max(60.0, static_cast<double>(z.height));
        sg::draw_ticker(frame_, z.x, z.y, z.width, z.height, plan.ticker,
                        static_cast<int>(std::fmod(seconds * speed, 1e9)));
        continue;
      }
      const sg::zone_item* item = nullptr;
      for (const auto& it : plan.items)
        if (it.zone == z.name) item = &it;
      auto& st = zones_[z.name];
      show(st, z, item);
    }
    for (auto& [name, st] : zones_)
      if (!seen.count(name)) finish(st, nullptr);
    return true;
  }

  // Nothing plays any more: current clips stop (not recorded), images count if their slot ended.
  void end_all() {
    for (auto& [name, st] : zones_) finish(st, nullptr);
  }

 private:
  void queue_play(const sg::zone_item& it, pbgdpl::timestamp start, pbgdpl::timestamp end) {
    std::lock_guard lock(s_.mu);
    s_.plays.push_back({it, start, end});
  }

  // The zone's item is replaced by `next` (or by nothing).
  void finish(zone_state& st, const sg::zone_item* next) {
    if (!st.item) return;
    const auto& it = *st.item;
    const auto now = std::chrono::system_clock::now();
    if (!is_video(it.item)) {
      // Shown from (within a second of) its slot's start until the slot ran out: a whole play.
      if (st.shown_since <= it.start + 1s && now + 250ms >= it.end)
        queue_play(it, std::chrono::floor<std::chrono::seconds>(st.shown_since), wall_now());
    } else if (st.video && (!next || !is_video(next->item))) {
      st.video->stop();  // ends with reason STOP: not a play
    }
    st.video_started = false;
    st.item.reset();
    st.key.clear();
  }

  template <class Z>
  void show(zone_state& st, const Z& z, const sg::zone_item* item) {
    if (!item) {
      finish(st, nullptr);
      sg::fill_rect(frame_, z.x, z.y, z.width, z.height, {});
      return;
    }
    if (key_of(*item) != st.key) {
      const bool same_media = st.item && st.item->item.media == item->item.media && !st.fitted.pixels.empty();
      finish(st, item);
      st.item = *item;
      st.key = key_of(*item);
      st.shown_since = std::chrono::system_clock::now();
      if (is_video(item->item)) {
        if (!st.video || st.video->width() != z.width || st.video->height() != z.height)
          st.video = std::make_unique<signage_player::video_zone>(z.width, z.height);
        if (!st.video->ok()) say("video zone " + z.name + ": libmpv could not start");
        st.video->play(item->file);
        st.fitted = {};
      } else if (!same_media || st.fitted.width != z.width || st.fitted.height != z.height) {
        st.fitted = {};
        auto bytes = pbgdpl::files::read_regular(item->file, 64u << 20);
        if (!bytes)
          say("image " + item->item.media + " unreadable: " + bytes.err().message_en);
        else if (auto img = sg::decode_image(*bytes); !img)
          say("image " + item->item.media + " refused: " + img.err().message_en);
        else
          st.fitted = sg::fit(*img, z.width, z.height, sg::fit_mode::letterbox);
      }
    }
    if (is_video(item->item) && st.video) {
      auto ev = st.video->poll();
      const auto now = wall_now();
      if (ev.started) {
        st.video_started = true;
        st.video_start = now;
      }
      if (ev.ended_error) say("video " + item->item.media + " failed: " + ev.error);
      if (ev.ended_eof) {
        if (st.video_started) queue_play(*item, st.video_start, now);
        st.video_started = false;
        // Time left in the slot: the clip plays again (a new play when it completes).
        if (now + 1s < item->end) st.video->play(item->file);
      }
      sg::blit(frame_, st.video->frame(), z.x, z.y);
    } else if (!st.fitted.pixels.empty()) {
      sg::blit(frame_, st.fitted, z.x, z.y);
    } else {
      sg::fill_rect(frame_, z.x, z.y, z.width, z.height, {});
    }
  }

  shared_state& s_;
  sg::rgba_image frame_;
  std::map<std::string, zone_state> zones_;
};

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  sg::player_config cfg;
  cfg.server = o.server;
  cfg.state_dir = o.state;
  cfg.name = o.name;
  cfg.width = o.width;
  cfg.height = o.height;
  // The portal is the one the operator configured, often on the school's own network.
  cfg.fetch.allow_private_addresses = true;
  cfg.fetch.timeout = 20s;
  if (!o.authority_key.empty()) {
    auto key = pbgdpl::files::read_regular(o.authority_key, 64 * 1024);
    if (!key) {
      std::cerr << "pbgdpl_signage_player: " << key.err().message_en << "\n";
      return 1;
    }
    cfg.authority_public_key = *key;
  }
  if (!o.snapshot_dir.empty()) std::filesystem::create_directories(o.snapshot_dir);

  shared_state s;
  try {
    s.player = std::make_unique<sg::player>(cfg);
  } catch (const std::exception& e) {
    std::cerr << "pbgdpl_signage_player: " << e.what() << "\n";
    return 1;
  }

  SDL_Window* window = nullptr;
  SDL_Renderer* renderer = nullptr;
  SDL_Texture* texture = nullptr;
  if (!o.headless) {
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");  // ours above end the player cleanly
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
      std::cerr << "pbgdpl_signage_player: no display (" << SDL_GetError() << "); use --headless\n";
      return 1;
    }
    const Uint32 flags = o.windowed ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP;
    window = SDL_CreateWindow("pbgdpl signage", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                              static_cast<int>(o.width), static_cast<int>(o.height), flags);
    if (window) renderer = SDL_CreateRenderer(window, -1, 0);
    if (renderer) {
      SDL_RenderSetLogicalSize(renderer, static_cast<int>(o.width),
                               static_cast<int>(o.height));  // letterboxed to the screen
      texture = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STREAMING,
                                  static_cast<int>(o.width), static_cast<int>(o.height));
    }
    if (!texture) {
      std::cerr << "pbgdpl_signage_player: cannot open the window: " << SDL_GetError() << "\n";
      SDL_Quit();
      return 1;
    }
    SDL_ShowCursor(SDL_DISABLE);
  }

  std::thread net([&] { worker(s, o); });
  std::thread snaps([&] { snapshotter(s, o); });

  compositor comp(s, o.width, o.height);
  const auto started = clock_type::now();
  auto next_snapshot = started + 1s;
  const auto frame_time = std::chrono::microseconds(1'000'000 / 30);
  std::optional<sg::frame_plan> plan;
  auto last_plan = clock_type::time_point{};
  std::string last_status;
  while (!stop_requested.load()) {
    const auto tick = clock_type::now();
    const double seconds = std::chrono::duration<double>(tick - started).count();
    if (o.exit_after > 0 && seconds >= o.exit_after) break;
    if (window) {
      SDL_Event ev;
      while (SDL_PollEvent(&ev))
        if (ev.type == SDL_QUIT || (ev.type == SDL_KEYDOWN && o.windowed && ev.key.keysym.sym == SDLK_ESCAPE))
          stop_requested.store(true);
    }
    worker_view view;
    {
      std::lock_guard lock(s.mu);
      view = s.view;
    }
    // The plan, about 10 times a second, when the worker is not holding the player.
    if (tick - last_plan >= 100ms) {
      std::unique_lock pl(s.player_mu, std::try_to_lock);
      if (pl.owns_lock()) {
        plan = s.player->has_manifest() ? s.player->plan(pbgdpl::now()) : std::nullopt;
        last_plan = tick;
      }
    }
    auto& frame = comp.frame();
    std::string status;
    if (!view.authorised && !(plan && !plan->items.empty())) {
      comp.end_all();
      signage_player::draw_enrolment(frame, view.revoked ? "" : view.code, view.note);
      status = "idle";
    } else if (plan && comp.draw(*plan, seconds)) {
      status = "playing";
    } else {
      comp.end_all();
      signage_player::draw_idle(frame);
      status = "idle";
    }
    if (status != last_status) {
      say("status " + status);
      last_status = status;
      std::lock_guard lock(s.mu);
      s.status = status;
    }
    if (o.snapshot_every > 0 && tick >= next_snapshot) {
      next_snapshot = tick + std::chrono::milliseconds(static_cast<long>(o.snapshot_every * 1000));
      std::lock_guard lock(s.snap_mu);
      s.snap_frame = frame;
      s.snap_wake.notify_one();
    }
    if (texture) {
      SDL_UpdateTexture(texture, nullptr, frame.pixels.data(), static_cast<int>(frame.width * 4));
      SDL_RenderClear(renderer);
      SDL_RenderCopy(renderer, texture, nullptr, nullptr);
      SDL_RenderPresent(renderer);
    }
    std::this_thread::sleep_until(tick + frame_time);
  }

  stop_requested.store(true);
  comp.end_all();
  s.wake.notify_all();
  {
    std::lock_guard lock(s.snap_mu);
    s.snap_wake.notify_all();
  }
  net.join();
  snaps.join();
  if (texture) SDL_DestroyTexture(texture);
  if (renderer) SDL_DestroyRenderer(renderer);
  if (window) SDL_DestroyWindow(window);
  if (!o.headless) SDL_Quit();
  say("stopped");
  return 0;
}
