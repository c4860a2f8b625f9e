// Definitions for signage/proof_of_play.hpp (inline in header-only mode, compiled once from
// src/signage/proof_of_play.cpp).
#pragma once
#include "../proof_of_play.hpp"

#include "../../media/bundle.hpp"
#include "../../trust/approval.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

inline constexpr std::string_view play_ack_format = "pbgdpl/play-log-ack/1";

template <class V>
void describe(V& f, play& p) {
  using model_io::need;
  using model_io::short_text;
  f("display", p.display, need::required, short_text);
  f("media", p.media, need::required, short_text);
  f("blake2b", p.blake2b, need::required, short_text);
  f("start", p.start, need::required);
  f("end", p.end, need::required);
  f("player", p.player, need::required, short_text);
  f("seq", p.seq, need::required);
  f("prev", p.prev, need::required, short_text);
}
PBGDPL_MODEL_DEFINE(play)

PBGDPL_DECL void validate(const play& p, validator& v) {
  auto id = [&](const std::string& s, const std::string& path, std::string_view vi, std::string_view en) {
    v.check(is_valid_id(s), path, errc::invalid_argument,
            rules::cat(vi, " chỉ gồm chữ, số, '.', '_' hoặc '-' (1-64 ký tự)"),
            rules::cat(en, " must be 1-64 characters of letters, digits, '.', '_' or '-'"));
  };
  id(p.display, "/display", "Mã màn hình", "The display id");
  id(p.media, "/media", "Mã tệp", "The media id");
  rules::blake2b(v, p.blake2b, "/blake2b");
  // Times a person can read back: from 2000 to 9000 (a year past 9999 has no ISO form to read).
  const auto lo = timestamp{std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}};
  const auto hi = timestamp{std::chrono::sys_days{std::chrono::year{9000} / 1 / 1}};
  v.check(p.start >= lo && p.start < hi, "/start", errc::out_of_range, "Thời điểm bắt đầu phát không hợp lệ",
          "The start of the play is out of range");
  v.check(p.end >= p.start && p.end < hi, "/end", errc::bad_date, "Thời điểm kết thúc phải sau thời điểm bắt đầu",
          "The end of a play must not be before its start");
  v.check(p.player == "native" || p.player == "kiosk", "/player", errc::out_of_range,
          "Loại trình phát chỉ là \"native\" hoặc \"kiosk\"", "The player is \"native\" or \"kiosk\"");
  v.check(p.seq >= 1, "/seq", errc::out_of_range, "Số thứ tự bắt đầu từ 1", "The sequence starts at 1");
  if (p.seq == 1)
    v.check(p.prev.empty(), "/prev", errc::invalid_argument, "Lượt phát đầu tiên không có dòng trước",
            "The first play has no previous line");
  else
    rules::blake2b(v, p.prev, "/prev");
}

namespace detail {
inline std::string canonical(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

// The BLAKE2b-512 the device's signature covers: that of the play's canonical JSON without "sig".
inline trust::digest512 play_digest(const play& p) { return trust::blake2b_512(canonical(to_json_value(p))); }

struct parsed_line {
  play p;
  std::string sig;  // base64, as in the line
};

inline result<parsed_line> parse_line(std::string_view line) {
  if (line.size() > play_limits::line_bytes)
    return error(errc::too_large, {}, "Dòng ghi nhận lượt phát dài quá 4 KiB", "A play line is over 4 KiB");
  auto j = trust::parse_json_unique_keys(line);
  if (!j) return j.err();
  if (!j->is_object()) return error(errc::wrong_type, {}, "Dòng ghi nhận phải là một đối tượng JSON", "A play line is a JSON object");
  auto s = j->find("sig");
  if (s == j->end() || !s->is_string())
    return error(errc::missing_field, "/sig", "Dòng ghi nhận thiếu chữ ký \"sig\"", "The play line has no \"sig\" string");
  parsed_line out;
  out.sig = s->get<std::string>();
  j->erase("sig");
  auto p = from_json_value<play>(*j);
  if (!p) return p.err();
  out.p = std::move(*p);
  json back = to_json_value(out.p);
  back["sig"] = out.sig;
  try {
    if (canonical(back) != line)
      return error(errc::parse_error, {}, "Dòng ghi nhận không ở dạng chuẩn (thứ tự khóa, khoảng trắng, trường lạ)",
                   "The play line is not in canonical form (key order, spaces, unknown fields)");
  } catch (const json::exception&) {
    return error(errc::invalid_utf8);
  }
  return out;
}

inline result<void> check_signature(const trust::public_key& device, const parsed_line& l) {
  auto sig = trust::detail::unbase64(l.sig, trust::ed25519_signature_bytes);
  const auto digest = play_digest(l.p);
  if (!sig || crypto_sign_verify_detached(sig->data(), digest.data(), digest.size(), device.key.data()) != 0)
    return error(errc::bad_signature, "/sig",
                 "Chữ ký của lượt phát số " + std::to_string(l.p.seq) + " không khớp khóa của thiết bị",
                 "The signature of play " + std::to_string(l.p.seq) + " does not match the device's key");
  return {};
}

inline error chain_broken(std::size_t index, std::uint64_t expected, std::string vi, std::string en) {
  return error(errc::conflict, "/lines/" + std::to_string(index),
               std::move(vi) + " (máy chủ chờ lượt số " + std::to_string(expected) + ")",
               std::move(en) + " (the server expects seq " + std::to_string(expected) + ")");
}

inline error io(const std::filesystem::path& p, std::string_view vi, std::string_view en) {
  return files::detail::errno_error(errno, p, vi, en);
}

inline error log_corrupt(const std::filesystem::path& p, std::string vi, std::string en) {
  return error(errc::corrupt, {}, "Tệp nhật ký lượt phát " + p.string() + " bị hỏng: " + std::move(vi),
               "The play log " + p.string() + " is corrupt: " + std::move(en));
}

// Reads [from, to) of a file with pread.
inline result<std::string> read_range(int fd, std::uint64_t from, std::uint64_t to, const std::filesystem::path& p) {
  std::string out(static_cast<std::size_t>(to - from), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(from + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io(p, "Không đọc được", "Cannot read");
    if (n == 0) return error(errc::io_error, {}, "Tệp ngắn hơn dự kiến: " + p.string(), "File shorter than expected: " + p.string());
    done += static_cast<std::size_t>(n);
  }
  return out;
}
}  // namespace detail

PBGDPL_DECL std::string play_line(const trust::secret_key& device, const play& p) {
  trust::ensure_sodium();
  const auto digest = detail::play_digest(p);
  std::array<std::uint8_t, trust::ed25519_signature_bytes> sig{};
  crypto_sign_detached(sig.data(), nullptr, digest.data(), digest.size(), device.raw().data());
  json j = to_json_value(p);
  j["sig"] = trust::detail::base64(sig);
  return detail::canonical(j);
}

PBGDPL_DECL std::string line_hash(std::string_view line) { return trust::to_hex(trust::blake2b_256(line)); }

PBGDPL_DECL result<play> parse_play_line(std::string_view line) {
  auto l = detail::parse_line(line);
  if (!l) return l.err();
  return std::move(l->p);
}

PBGDPL_DECL result<std::vector<play>> verify_batch(const trust::public_key& device, std::string_view display,
                                                   const std::vector<std::string>& lines, chain_state& state) {
  trust::ensure_sodium();
  if (lines.size() > play_limits::batch_lines)
    return error(errc::too_large, "/lines", "Một lần gửi tối đa 1.000 lượt phát", "A batch holds at most 1,000 plays");
  const std::uint64_t expected = state.seq + 1;
  std::vector<play> fresh;
  std::string prev_hash;          // of the batch's previous line
  std::uint64_t prev_seq = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto l = detail::parse_line(lines[i]);
    if (!l) {
      auto e = l.err();
      e.path = "/lines/" + std::to_string(i) + e.path;
      return e;
    }
    const play& p = l->p;
    if (p.display != display)
      return error(errc::invalid_argument, "/lines/" + std::to_string(i) + "/display",
                   "Lượt phát ghi cho màn hình " + p.display + ", không phải " + std::string(display),
                   "The play is for display " + p.display + ", not " + std::string(display));
    if (auto r = detail::check_signature(device, *l); !r) {
      auto e = r.err();
      e.path = "/lines/" + std::to_string(i) + e.path;
      return e;
    }
    const auto h = line_hash(lines[i]);
    const auto seq = std::to_string(p.seq);
    if (i > 0 && p.seq != prev_seq + 1)
      return detail::chain_broken(i, expected, "lượt số " + seq + " không nối tiếp lượt số " + std::to_string(prev_seq),
                                  "seq " + seq + " does not follow seq " + std::to_string(prev_seq));
    if (i > 0 && p.prev != prev_hash)
      return detail::chain_broken(i, expected, "lượt số " + seq + " không trỏ tới dòng trước nó (chuỗi bị rẽ nhánh)",
                                  "seq " + seq + " does not point at the line before it (a fork)");
    prev_hash = h;
    prev_seq = p.seq;
    if (p.seq < state.seq) continue;  // checked through the chain up to the head, or older than it
    if (p.seq == state.seq) {
      if (h != state.hash)
        return detail::chain_broken(i, expected, "lượt số " + seq + " khác với lượt đã nhận (chuỗi bị rẽ nhánh)",
                                    "seq " + seq + " differs from the line already accepted (a fork)");
      continue;  // the same line again: a retried upload
    }
    if (fresh.empty()) {  // the first new line continues the accepted head
      if (p.seq != expected)
        return detail::chain_broken(i, expected, "thiếu lượt phát trước lượt số " + seq,
                                    "plays are missing before seq " + seq);
      if (p.prev != state.hash)
        return detail::chain_broken(i, expected, "lượt số " + seq + " không trỏ tới lượt đã nhận cuối cùng (chuỗi bị rẽ nhánh)",
                                    "seq " + seq + " does not point at the last accepted line (a fork)");
    }
    fresh.push_back(p);
  }
  if (!fresh.empty()) state = chain_state{fresh.back().seq, prev_hash};
  return fresh;
}

// --- The device's log -----------------------------------------------------------------------------

PBGDPL_DECL result<play_log> play_log::open(const std::filesystem::path& file, std::string display) {
  play_log log;
  log.file_ = file;
  log.ack_file_ = file;
  log.ack_file_ += ".ack";
  log.display_ = std::move(display);
  log.fd_ = files::unique_fd(::open(file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644));
  if (!log.fd_) return detail::io(file, "Không mở được nhật ký lượt phát", "Cannot open the play log");
  if (::flock(log.fd_.get(), LOCK_EX | LOCK_NB) != 0)
    return error(errc::busy, {}, "Nhật ký lượt phát " + file.string() + " đang được một tiến trình khác dùng",
                 "The play log " + file.string() + " is in use by another process");
  struct stat st {};
  if (::fstat(log.fd_.get(), &st) != 0) return detail::io(file, "Không đọc được thông tin tệp", "Cannot stat file");
  if (!S_ISREG(st.st_mode))
    return error(errc::unsafe_path, {}, "Không phải tệp thông thường: " + file.string(), "Not a regular file: " + file.string());

  // Read it back line by line; memory holds one line and the offsets.
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  std::string pending_line;
  std::uint64_t at = 0, line_start = 0;
  std::optional<error> bad;  // the first bad line: fatal unless it is the last
  std::uint64_t bad_at = 0;
  auto take = [&](std::string_view line) -> bool {  // false: stop (a bad line)
    auto l = parse_play_line(line);
    std::string why_vi, why_en;
    if (!l) why_vi = l.err().message_vi, why_en = l.err().message_en;
    else if (l->display != log.display_)
      why_vi = "dòng của màn hình " + l->display, why_en = "a line of display " + l->display;
    else if (log.first_seq_ != 0 && (l->seq != log.last_seq_ + 1 || l->prev != log.last_hash_))
      why_vi = "chuỗi bị đứt ở lượt số " + std::to_string(l->seq), why_en = "the chain breaks at seq " + std::to_string(l->seq);
    if (!why_vi.empty()) {
      bad = detail::log_corrupt(file, "dòng ở byte " + std::to_string(line_start) + ": " + why_vi,
                                "line at byte " + std::to_string(line_start) + ": " + why_en);
      bad_at = line_start;
      return false;
    }
    if (log.first_seq_ == 0) log.first_seq_ = l->seq;
    log.offsets_.push_back(line_start);
    log.last_seq_ = l->seq;
    log.last_hash_ = line_hash(line);
    log.size_ = line_start + line.size() + 1;
    return true;
  };
  std::vector<char> buf(64u << 10);
  bool stopped = false;
  while (at < file_size && !stopped) {
    ssize_t n = ::pread(log.fd_.get(), buf.data(), buf.size(), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return detail::io(file, "Không đọc được nhật ký lượt phát", "Cannot read the play log");
    if (n == 0) break;
    std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < chunk.size() && !stopped; ++i) {
      if (chunk[i] != '\n') {
        if (pending_line.size() <= play_limits::line_bytes) pending_line += chunk[i];
        continue;
      }
      if (!take(pending_line)) stopped = true;
      pending_line.clear();
      line_start = at + i + 1;
    }
    at += static_cast<std::uint64_t>(n);
  }
  // A bad line is a crash's torn write only when nothing whole follows it.
  if (bad) {
    const auto rest = detail::read_range(log.fd_.get(), bad_at, file_size, file);
    if (!rest) return rest.err();
    const auto nl = rest->find('\n');
    if (nl != std::string::npos && nl + 1 < rest->size()) return *bad;
  }
  if (log.size_ < file_size && ::ftruncate(log.fd_.get(), static_cast<off_t>(log.size_)) != 0)
    return detail::io(file, "Không cắt được dòng dở dang ở cuối nhật ký", "Cannot drop the torn last line of the log");

  // The acknowledgement.
  std::error_code ec;
  if (std::filesystem::exists(log.ack_file_, ec)) {
    auto text = files::read_regular(log.ack_file_, 4096, {.refuse_symlinks = true});
    if (!text) return text.err();
    auto j = trust::parse_json_unique_keys(*text);
    std::uint64_t through = 0;
    bool ok = j && j->is_object() && j->value("format", "") == play_ack_format && j->value("display", "") == log.display_ &&
              j->contains("through") && (*j)["through"].is_number_unsigned();
    if (!ok)
      return detail::log_corrupt(log.ack_file_, "không đọc được lượt đã được xác nhận", "cannot read the acknowledged seq");
    through = (*j)["through"].get<std::uint64_t>();
    if (through > log.last_seq_)
      return detail::log_corrupt(file, "máy chủ đã nhận lượt số " + std::to_string(through) + " nhưng nhật ký chỉ có đến lượt số " +
                                           std::to_string(log.last_seq_),
                                 "the server accepted seq " + std::to_string(through) + " but the log ends at seq " +
                                     std::to_string(log.last_seq_));
    log.acked_ = through;
  }
  if (log.first_seq_ > 1 && log.first_seq_ > log.acked_)
    return detail::log_corrupt(file, "nhật ký bắt đầu ở lượt số " + std::to_string(log.first_seq_) + " mà chưa có xác nhận tới đó",
                               "the log starts at seq " + std::to_string(log.first_seq_) + " with no acknowledgement that far");
  return log;
}

PBGDPL_DECL result<play> play_log::append(const trust::secret_key& device, std::string media, std::string blake2b,
                                          timestamp start, timestamp end, std::string player) {
  play p{display_, std::move(media), std::move(blake2b), start, end, std::move(player), last_seq_ + 1, last_hash_};
  if (auto r = check(p); !r) return r.err();
  std::string line = play_line(device, p);
  if (line.size() > play_limits::line_bytes)
    return error(errc::too_large, {}, "Dòng ghi nhận lượt phát dài quá 4 KiB", "A play line is over 4 KiB");
  const std::string bytes = line + "\n";
  // One write of the whole line; a short write or a failed sync is undone, so the file never
  // keeps half a line or a line the chain in memory does not know.
  auto undo = [&](std::string_view vi, std::string_view en) {
    auto e = detail::io(file_, vi, en);
    if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0) {
      // Left for open() to drop as a torn line.
    }
    return e;
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return undo("Không ghi được nhật ký lượt phát", "Cannot write the play log");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_.get()) != 0) return undo("Không ghi được nhật ký lượt phát xuống đĩa", "Cannot sync the play log");
  if (first_seq_ == 0) first_seq_ = p.seq;
  offsets_.push_back(size_);
  size_ += bytes.size();
  last_seq_ = p.seq;
  last_hash_ = line_hash(line);
  return p;
}

PBGDPL_DECL std::vector<std::string> play_log::pending(std::size_t max) const {
  std::vector<std::string> out;
  if (max == 0 || last_seq_ <= acked_ || first_seq_ == 0) return out;
  const std::uint64_t from = std::max(acked_ + 1, first_seq_);
  const std::uint64_t to = std::min(last_seq_, from + max - 1);  // inclusive
  const auto i = static_cast<std::size_t>(from - first_seq_), j = static_cast<std::size_t>(to - first_seq_);
  const std::uint64_t end = j + 1 < offsets_.size() ? offsets_[j + 1] : size_;
  auto text = detail::read_range(fd_.get(), offsets_[i], end, file_);
  if (!text) return out;
  std::string_view rest = *text;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    out.emplace_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return out;
}

PBGDPL_DECL result<void> play_log::acknowledge(std::uint64_t through_seq) {
  if (through_seq > last_seq_)
    return error(errc::out_of_range, {},
                 "Không thể xác nhận lượt số " + std::to_string(through_seq) + ": nhật ký chỉ có đến lượt số " +
                     std::to_string(last_seq_),
                 "Cannot acknowledge seq " + std::to_string(through_seq) + ": the log ends at seq " + std::to_string(last_seq_));
  if (through_seq <= acked_) return {};
  json j = json::object();
  j["format"] = play_ack_format;
  j["display"] = display_;
  j["through"] = through_seq;
  if (auto r = media::write_file_atomically(ack_file_, detail::canonical(j) + "\n"); !r) return r.err();
  acked_ = through_seq;
  // The acknowledgement is persisted: a compaction that fails (a full disk) is tried again at the
  // next acknowledgement and must not make the caller upload again.
  (void)compact();
  return {};
}

// Drops acknowledged lines once they are at least 1 MiB and half the file, keeping the last one
// (the chain's head): each byte is copied a bounded number of times however long the device runs.
PBGDPL_DECL result<void> play_log::compact() {
  if (acked_ <= first_seq_ || first_seq_ == 0) return {};
  const auto keep = static_cast<std::size_t>(acked_ - first_seq_);  // index of the acknowledged head line
  const std::uint64_t cut = offsets_[keep];
  if (cut < (1u << 20) || cut < size_ / 2) return {};
  auto rest = detail::read_range(fd_.get(), cut, size_, file_);
  if (!rest) return rest.err();
  if (auto r = media::write_file_atomically(file_, *rest); !r) return r.err();
  files::unique_fd fd(::open(file_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
  if (!fd) return detail::io(file_, "Không mở lại được nhật ký lượt phát", "Cannot reopen the play log");
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
    return error(errc::busy, {}, "Nhật ký lượt phát " + file_.string() + " đang được một tiến trình khác dùng",
                 "The play log " + file_.string() + " is in use by another process");
  fd_ = std::move(fd);
  offsets_.erase(offsets_.begin(), offsets_.begin() + static_cast<std::ptrdiff_t>(keep));
  for (auto& o : offsets_) o -= cut;
  size_ -= cut;
  first_seq_ = acked_;
  return {};
}

}  // namespace signage

PBGDPL_MODEL_INSTANTIATE(signage::play)

PBGDPL_NAMESPACE_END
