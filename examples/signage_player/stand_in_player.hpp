// A stand-in for signage/player.hpp (interfaces §6), used only while the player core has not
// landed: the same names, a fixed enrolment and a plan made from the files named in
// PBGDPL_STAND_IN_MEDIA (comma-separated; .mp4/.webm/.mkv are videos), 5 s an item.
#pragma once
#include <pbgdpl/core/errors.hpp>
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/core/time.hpp>
#include <pbgdpl/signage/manifest.hpp>
#include <pbgdpl/network/fetch.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

struct player_config {
  std::string server;
  std::filesystem::path state_dir;
  std::string name;
  std::uint32_t width = 1920, height = 1080;
  std::optional<std::string> authority_public_key;
  std::uint64_t max_cache_bytes = 8ull << 30;
  std::size_t chunk_bytes = 4u << 20;
  network::fetch_options fetch;
};
struct enrolment {
  std::string state, code, display;
};
enum class sync_result { unchanged, updated, refused, offline };
struct sync_outcome {
  sync_result result;
  std::optional<error> why;
  std::uint64_t sequence = 0;
};
struct zone_item {
  std::string zone;
  manifest_item item;
  std::filesystem::path file;
  timestamp start{}, end{};
};
struct frame_plan {
  std::string playlist, layout_name;
  std::vector<zone> zones;
  std::vector<zone_item> items;
  std::string ticker;
  bool emergency = false;
};

class player {
 public:
  explicit player(player_config c) : c_(std::move(c)) {
    if (const char* m = std::getenv("PBGDPL_STAND_IN_MEDIA")) {
      std::string_view s(m);
      while (!s.empty()) {
        auto comma = s.find(',');
        files_.emplace_back(std::string(s.substr(0, comma)));
        s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
      }
    }
  }
  result<enrolment> enrol() {
    if (++enrol_calls_ < 3) return enrolment{"pending", "TST-4K7", ""};
    return enrolment{"authorised", "", "stand-in"};
  }
  result<sync_outcome> sync(timestamp) {
    synced_ = true;
    return sync_outcome{sync_result::updated, std::nullopt, 1};
  }
  bool has_manifest() const { return synced_; }
  std::optional<frame_plan> plan(timestamp now) const {
    if (!synced_ || files_.empty()) return std::nullopt;
    const std::uint32_t w = c_.width, h = c_.height, band = h / 8;
    frame_plan p;
    p.playlist = "stand-in";
    p.layout_name = "stand-in";
    p.zones = {zone{"legal", 0, 0, w * 2 / 3, h - band, true, false},
               zone{"notice", w * 2 / 3, 0, w - w * 2 / 3, h - band, false, false},
               zone{"ticker", 0, h - band, w, band, false, true}};
    p.ticker = "Phổ biến, giáo dục pháp luật trong nhà trường — Legal education at school";
    const auto n = static_cast<std::size_t>(now.time_since_epoch().count() / 5);
    for (std::size_t z = 0; z < 2; ++z) {
      const auto& f = files_[(n + z) % files_.size()];
      manifest_item it;
      it.media = f.filename().string();
      it.title = it.media;
      auto ext = f.extension().string();
      it.media_type = ext == ".mp4" || ext == ".webm" || ext == ".mkv" ? "video/mp4" : "image/png";
      it.duration_seconds = 5;
      it.zone = z == 0 ? "legal" : "notice";
      const timestamp start{std::chrono::seconds(static_cast<std::int64_t>(n) * 5)};
      p.items.push_back(zone_item{it.zone, it, f, start, start + std::chrono::seconds(5)});
    }
    return p;
  }
  result<void> record_play(const zone_item& it, timestamp start, timestamp end) {
    plays_.push_back(it.item.media + " " + std::to_string(start.time_since_epoch().count()) + " " +
                     std::to_string(end.time_since_epoch().count()));
    return {};
  }
  result<std::size_t> upload_plays() { return plays_.size(); }
  result<void> heartbeat(std::string_view, std::optional<std::string>) { return {}; }
  const std::vector<error>& faults() const { return faults_; }

 private:
  player_config c_;
  std::vector<std::filesystem::path> files_;
  int enrol_calls_ = 0;
  bool synced_ = false;
  std::vector<std::string> plays_;
  std::vector<error> faults_;
};

}  // namespace signage
PBGDPL_NAMESPACE_END
