// The events a notifier has already delivered, by key, so that the same event sent again (a
// reminder run that was interrupted and runs again, a second node) reaches nobody twice. Kept in
// memory, and in a file when the instance has a state directory (written whole: temp file, fsync,
// rename, directory fsync). A file that does not decode is an error, never a silent reset: a reset
// would send every remembered event again.
#pragma once
#include <pbgdpl/core/files.hpp>
#include <pbgdpl/core/json.hpp>
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/core/time.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

class delivered_ids {
 public:
  // `file` empty: in memory only. Throws pbgdpl::exception when the file exists and is not a
  // regular file of the expected shape.
  delivered_ids(std::filesystem::path file, std::size_t max_entries = 100'000,
                std::chrono::seconds keep = std::chrono::seconds(400 * 86400))
      : file_(std::move(file)), max_(max_entries), keep_(keep) {
    if (file_.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(file_.parent_path(), ec);
    if (std::filesystem::symlink_status(file_, ec).type() == std::filesystem::file_type::not_found) return;
    auto bytes = files::read_regular(file_, 64u << 20);
    if (!bytes) throw exception(bytes.err());
    auto corrupt = [&] {
      return exception(error(errc::corrupt, file_.string(),
                             "Tệp các sự kiện đã gửi bị hỏng: " + file_.string(),
                             "The file of delivered events is corrupt: " + file_.string()));
    };
    auto j = json::parse(*bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != "pbgdpl-delivered" ||
        j.value("version", 0) != 1 || !j.contains("entries") || !j["entries"].is_object())
      throw corrupt();
    for (const auto& [k, v] : j["entries"].items()) {
      if (!v.is_number_integer()) throw corrupt();
      at_.emplace(k, timestamp(std::chrono::seconds(v.get<std::int64_t>())));
    }
  }

  bool contains(std::string_view key) const { return at_.find(key) != at_.end(); }
  std::size_t size() const noexcept { return at_.size(); }

  // Remembers `key` (and forgets what is older than `keep`, then the oldest beyond max_entries).
  result<void> add(std::string key, timestamp now) {
    at_[std::move(key)] = now;
    std::erase_if(at_, [&](const auto& kv) { return kv.second + keep_ < now; });
    while (at_.size() > max_) {
      auto oldest = std::min_element(at_.begin(), at_.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
      at_.erase(oldest);
    }
    if (file_.empty()) return {};
    json entries = json::object();
    for (const auto& [k, t] : at_) entries[k] = t.time_since_epoch().count();
    json doc{{"format", "pbgdpl-delivered"}, {"version", 1}, {"entries", std::move(entries)}};
    if (auto r = files::replace_file(file_, doc.dump(), 0600); !r) return r;
    if (int fd = ::open(file_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    return {};
  }

 private:
  std::filesystem::path file_;
  std::size_t max_;
  std::chrono::seconds keep_;
  std::map<std::string, timestamp, std::less<>> at_;
};

}  // namespace plugin
PBGDPL_NAMESPACE_END
