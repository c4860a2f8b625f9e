// One video zone: a libmpv instance rendering with its software renderer (MPV_RENDER_API_TYPE_SW)
// into the zone's own pixels, so it needs no GL and works under Xvfb and headless. Its events say
// when a clip really started (MPV_EVENT_PLAYBACK_RESTART after MPV_EVENT_START_FILE) and how it
// ended (MPV_EVENT_END_FILE with its reason): only a clip played to its end counts as a play.
#pragma once
#include <pbgdpl/signage/render.hpp>

#include <mpv/client.h>
#include <mpv/render.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

namespace signage_player {

class video_zone {
 public:
  struct events {
    bool started = false;    // the first frame of the loaded clip is on its way
    bool ended_eof = false;  // the clip played to its end
    bool ended_error = false;
    std::string error;
  };

  video_zone(std::uint32_t w, std::uint32_t h) : w_(w), h_(h), stride_((std::size_t{w} * 4 + 63) / 64 * 64) {
    mpv_ = mpv_create();
    if (!mpv_) return;
    // Silent (a staircase screen), software decoding, no window, no terminal, no key bindings;
    // the core stays alive between clips (idle) and a clip ends at its last frame (keep-open no).
    for (const auto& [k, v] : {std::pair{"vo", "libmpv"},
                               {"ao", "null"},
                               {"audio", "no"},
                               {"hwdec", "no"},
                               {"idle", "yes"},
                               {"keep-open", "no"},
                               {"terminal", "no"},
                               {"osc", "no"},
                               {"input-default-bindings", "no"},
                               {"input-vo-keyboard", "no"},
                               {"sub", "no"}})
      mpv_set_option_string(mpv_, k, v);
    if (mpv_initialize(mpv_) < 0) return;
    mpv_render_param params[] = {{MPV_RENDER_PARAM_API_TYPE, const_cast<char*>(MPV_RENDER_API_TYPE_SW)},
                                 {MPV_RENDER_PARAM_INVALID, nullptr}};
    if (mpv_render_context_create(&ctx_, mpv_, params) < 0) {
      ctx_ = nullptr;
      return;
    }
    // 64-byte aligned rows and pointer, as the software renderer prefers.
    buffer_.reset(static_cast<std::uint8_t*>(std::aligned_alloc(64, stride_ * h_ + 64)));
    if (buffer_) std::memset(buffer_.get(), 0, stride_ * h_);
    frame_ = pbgdpl::signage::blank_image(w, h);
  }
  ~video_zone() {
    if (ctx_) mpv_render_context_free(ctx_);  // before the core, as render.h requires
    if (mpv_) mpv_terminate_destroy(mpv_);
  }
  video_zone(const video_zone&) = delete;
  video_zone& operator=(const video_zone&) = delete;

  bool ok() const { return ctx_ && buffer_; }
  std::uint32_t width() const { return w_; }
  std::uint32_t height() const { return h_; }

  void play(const std::filesystem::path& file) {
    if (!ok()) return;
    const std::string p = file.string();
    const char* cmd[] = {"loadfile", p.c_str(), "replace", nullptr};
    mpv_command(mpv_, cmd);
    loaded_ = true;
    frame_ = pbgdpl::signage::blank_image(w_, h_);
  }
  void stop() {
    if (!ok() || !loaded_) return;
    const char* cmd[] = {"stop", nullptr};
    mpv_command(mpv_, cmd);
    loaded_ = false;
  }

  // Everything mpv reported since the last call.
  events poll() {
    events e;
    if (!mpv_) return e;
    for (;;) {
      mpv_event* ev = mpv_wait_event(mpv_, 0);
      if (!ev || ev->event_id == MPV_EVENT_NONE) break;
      if (ev->event_id == MPV_EVENT_START_FILE) starting_ = true;
      if (ev->event_id == MPV_EVENT_PLAYBACK_RESTART && starting_) {
        starting_ = false;
        e.started = true;
      }
      if (ev->event_id == MPV_EVENT_END_FILE) {
        starting_ = false;
        const auto* end = static_cast<mpv_event_end_file*>(ev->data);
        if (end->reason == MPV_END_FILE_REASON_EOF) e.ended_eof = true;
        if (end->reason == MPV_END_FILE_REASON_ERROR) {
          e.ended_error = true;
          e.error = mpv_error_string(end->error);
        }
      }
    }
    return e;
  }

  // The zone's pixels, with the newest frame when mpv has one (letterboxed by mpv: keepaspect).
  const pbgdpl::signage::rgba_image& frame() {
    if (!ok()) return frame_;
    if (mpv_render_context_update(ctx_) & MPV_RENDER_UPDATE_FRAME) {
      int size[2] = {static_cast<int>(w_), static_cast<int>(h_)};
      char format[] = "rgb0";
      std::size_t stride = stride_;
      mpv_render_param params[] = {{MPV_RENDER_PARAM_SW_SIZE, size},
                                   {MPV_RENDER_PARAM_SW_FORMAT, format},
                                   {MPV_RENDER_PARAM_SW_STRIDE, &stride},
                                   {MPV_RENDER_PARAM_SW_POINTER, buffer_.get()},
                                   {MPV_RENDER_PARAM_INVALID, nullptr}};
      if (mpv_render_context_render(ctx_, params) >= 0) {
        for (std::uint32_t y = 0; y < h_; ++y) {
          const std::uint8_t* s = buffer_.get() + stride_ * y;
          std::uint8_t* d = frame_.pixels.data() + std::size_t{y} * w_ * 4;
          for (std::uint32_t x = 0; x < w_; ++x, s += 4, d += 4) {
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
            d[3] = 255;
          }
        }
      }
    }
    return frame_;
  }

 private:
  struct free_deleter {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };
  std::uint32_t w_, h_;
  std::size_t stride_;
  mpv_handle* mpv_ = nullptr;
  mpv_render_context* ctx_ = nullptr;
  std::unique_ptr<std::uint8_t, free_deleter> buffer_;
  pbgdpl::signage::rgba_image frame_;
  bool loaded_ = false, starting_ = false;
};

}  // namespace signage_player
