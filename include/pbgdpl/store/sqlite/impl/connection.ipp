// Bodies of store/sqlite/connection.hpp: compiled once into the store tier
// (src/store/sqlite.cpp), or included by the header in header-only builds.
#pragma once
#include "../connection.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

PBGDPL_DECL error make_error(int rc, std::string_view what, const char* msg) {
  std::string detail = msg ? msg : sqlite3_errstr(rc);
  std::string en = std::string(what) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return error(errc::corrupt, {}, "Tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu SQLite", en);
    case SQLITE_FULL:
      return error(errc::storage_full, {}, "Hết dung lượng lưu trữ; dữ liệu đã có vẫn nguyên vẹn", en);
    case SQLITE_READONLY:
      return error(errc::read_only, {}, "Cơ sở dữ liệu chỉ đọc, không ghi được", en);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return error(errc::busy, {}, "Cơ sở dữ liệu đang bận, hãy thử lại", en);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return error(errc::io_error, {}, "Lỗi đọc/ghi cơ sở dữ liệu", en);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return error(errc::already_exists, {}, "Bản ghi đã tồn tại", en);
      return error(errc::invalid_argument, {}, "Dữ liệu vi phạm ràng buộc", en);
    case SQLITE_TOOBIG:
      return error(errc::too_large, {}, "Dữ liệu quá lớn", en);
    default:
      return error(errc::internal, {}, "Lỗi cơ sở dữ liệu", en);
  }
}

// --- statement ---------------------------------------------------------------------------------

PBGDPL_DECL statement::~statement() {
  if (s_) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

PBGDPL_DECL statement& statement::bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data() ? v.data() : "", static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

PBGDPL_DECL statement& statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}

PBGDPL_DECL statement& statement::bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}

PBGDPL_DECL statement& statement::bind_null(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

PBGDPL_DECL int statement::step() { return sqlite3_step(s_); }
PBGDPL_DECL std::int64_t statement::i64(int c) const { return sqlite3_column_int64(s_, c); }
PBGDPL_DECL double statement::dbl(int c) const { return sqlite3_column_double(s_, c); }
PBGDPL_DECL std::string statement::str(int c) const { return std::string(text(c)); }

PBGDPL_DECL bool statement::is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }

PBGDPL_DECL std::string_view statement::text(int c) const {
  auto p = sqlite3_column_text(s_, c);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
           : std::string_view();
}

// --- connection --------------------------------------------------------------------------------

PBGDPL_DECL wal_header_watch::~wal_header_watch() {
  if (map_) ::munmap(const_cast<unsigned char*>(map_), len_);
}

PBGDPL_DECL bool wal_header_watch::open(const std::filesystem::path& db_path) {
  if (map_) return true;
  auto shm = db_path;
  shm += "-shm";
  // The descriptor is opened once per -shm file and process and NEVER closed: closing any
  // descriptor of a file drops every POSIX lock this process holds on it, SQLite's own locks on
  // the -shm included (the one that tells other processes this one uses the WAL index). Without
  // them a second process (the CLI beside the portal) reset the index under our connections: a
  // SIGBUS inside sqlite3WalFrames and a risk of corruption. One descriptor per database file.
  static std::mutex fds_mu;
  static std::map<std::string, int> fds;
  int fd = -1;
  {
    std::lock_guard lock(fds_mu);
    auto key = shm.string();
    // The same file as when it was opened: SQLite unlinks the -shm when the last connection of
    // every process closes, and the next open makes a new one (the old descriptor then stays
    // open on a dead file, unused: closing it could still drop a lock, see above).
    struct stat now {}, then {};
    auto it = fds.find(key);
    if (it != fds.end() && ::stat(shm.c_str(), &now) == 0 && ::fstat(it->second, &then) == 0 && now.st_ino == then.st_ino &&
        now.st_dev == then.st_dev) {
      fd = it->second;
    } else {
      // O_NONBLOCK: a FIFO put in the file's place must not hang the store's open (it is then
      // refused below as not a regular file, and the watch stays off: SQLite is asked every time).
      fd = ::open(shm.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0) return false;
      struct stat st {};
      if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);  // not the -shm SQLite uses (it refuses non-regular files): no lock of its to lose
        return false;
      }
      fds[std::move(key)] = fd;
    }
  }
  struct stat st {};
  // SQLite keeps the file at least one 32 KiB region long while a connection has it open (ours
  // does, so nobody truncates it under the mapping).
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) >= header_bytes;
  void* m = ok ? ::mmap(nullptr, header_bytes, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  if (m == MAP_FAILED) return false;
  map_ = static_cast<const unsigned char*>(m);
  len_ = header_bytes;
  return true;
}

PBGDPL_DECL std::optional<wal_header_watch::header> wal_header_watch::read() const noexcept {
  if (!map_) return std::nullopt;
  header h;
  // Writers update it under their own barriers; this copy is checked, never trusted: any byte
  // that differs sends the caller to SQLite.
  std::memcpy(h.data(), map_, header_bytes);
  std::atomic_thread_fence(std::memory_order_acquire);
  return h;
}

PBGDPL_DECL std::filesystem::path connection::filename() const {
  const char* f = db_ ? sqlite3_db_filename(db_, "main") : nullptr;
  return f ? std::filesystem::path(f) : std::filesystem::path();
}

PBGDPL_DECL connection::~connection() {
  for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  if (db_) sqlite3_close_v2(db_);
}

// A symbolic link whose target does not exist: SQLite would create the database where it points
// (outside the directory named, with the umask's mode, not 0600), so it is refused.
inline result<void> refuse_dangling_link(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_symlink(path, ec) && !std::filesystem::exists(path, ec))
    return error(errc::unsafe_path, path.string(),
                 "Đường dẫn là một liên kết tượng trưng tới tệp không có: " + path.string(),
                 "The path is a symbolic link to a file that does not exist: " + path.string());
  return {};
}

PBGDPL_DECL result<void> connection::open(const std::filesystem::path& path, int busy_timeout_ms, bool& existed) {
  std::error_code ec;
  auto dir = path.parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      bool ro = ec == std::errc::permission_denied || ec == std::errc::read_only_file_system;
      return error(ro ? errc::read_only : errc::io_error, {}, "Không tạo được thư mục dữ liệu " + dir.string(),
                   "Cannot create the data directory " + dir.string() + ": " + ec.message());
    }
  }
  existed = std::filesystem::exists(path, ec);
  if (auto r = refuse_dangling_link(path); !r) return r;
  auto dir_check = dir.empty() ? std::filesystem::path(".") : dir;
  if (::access(dir_check.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
    return error(errc::read_only, {}, "Thư mục dữ liệu chỉ đọc: " + dir_check.string(),
                 "The data directory is read-only: " + dir_check.string());
  // A new database holds askers' contact details: it is created owner-only (0600), before SQLite
  // opens it, and its -wal and -shm files inherit that mode from it.
  if (!existed) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return make_error(rc, "open " + path.string());
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  return {};
}

PBGDPL_DECL result<void> connection::configure(const sqlite_options& opt) {
  for (const char* p : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON"})
    if (auto r = exec(p); !r) return r;
  if (auto cs = exec("PRAGMA cache_size=-" + std::to_string(opt.cache_kib)); !cs) return cs;
  if (auto s = exec(opt.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !s) return s;
  if (opt.max_page_count > 0)
    if (auto m = exec("PRAGMA max_page_count=" + std::to_string(opt.max_page_count)); !m) return m;
  return {};
}

PBGDPL_DECL result<statement> connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return fail(rc, "prepare");
    it = cache_.emplace(sql, s).first;
  }
  return statement(it->second);
}

PBGDPL_DECL result<void> connection::exec(const std::string& sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
  std::unique_ptr<char, decltype(&sqlite3_free)> guard(msg, &sqlite3_free);
  if (rc != SQLITE_OK) return make_error(sqlite3_extended_errcode(db_), sql, msg);
  return {};
}

PBGDPL_DECL result<int> connection::query_int(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(s, &sqlite3_finalize);
  if (rc != SQLITE_OK) return make_error(sqlite3_extended_errcode(db_), sql, sqlite3_errmsg(db_));
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) return sqlite3_column_int(s, 0);
  if (rc == SQLITE_DONE) return 0;
  return make_error(sqlite3_extended_errcode(db_), sql, sqlite3_errmsg(db_));
}

PBGDPL_DECL error connection::fail(int rc, std::string_view what) {
  int ext = sqlite3_extended_errcode(db_);
  return make_error(ext != SQLITE_OK ? ext : rc, what, sqlite3_errmsg(db_));
}

PBGDPL_DECL result<void> connection::in_transaction(const std::function<result<void>()>& fn) {
  bool outer = depth_ == 0;
  auto begin = exec(outer ? "BEGIN IMMEDIATE" : "SAVEPOINT nested");
  if (!begin) return begin;
  ++depth_;
  result<void> r;
  try {
    r = fn();
  } catch (...) {
    --depth_;
    rollback(outer);
    throw;
  }
  --depth_;
  if (!r) {
    rollback(outer);
    return r;
  }
  auto c = exec(outer ? "COMMIT" : "RELEASE nested");
  if (!c) {
    rollback(outer);
    return c;
  }
  return {};
}

PBGDPL_DECL void connection::rollback(bool outer) {
  if (outer) {
    if (!sqlite3_get_autocommit(db_)) (void)exec("ROLLBACK");
  } else {
    (void)exec("ROLLBACK TO nested");
    (void)exec("RELEASE nested");
  }
}

PBGDPL_DECL bool connection::autocommit() const noexcept { return sqlite3_get_autocommit(db_) != 0; }
PBGDPL_DECL std::int64_t connection::last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }
PBGDPL_DECL std::int64_t connection::total_changes() const noexcept { return sqlite3_total_changes64(db_); }

PBGDPL_DECL result<void> connection::backup_to(const std::filesystem::path& dest) {
  // A copy holds what the database holds (askers' contact details): a new one is owner-only
  // (0600) from the moment it exists, as open() makes the database; it was made with the umask's
  // mode (0644: readable by every local user).
  if (auto r = refuse_dangling_link(dest); !r) return r;
  {
    std::error_code ec;
    if (!std::filesystem::exists(dest, ec)) {
      int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd >= 0) ::close(fd);
    }
  }
  sqlite3* out = nullptr;
  int rc = sqlite3_open_v2(dest.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> guard(out, &sqlite3_close_v2);
  if (rc != SQLITE_OK) return make_error(rc, "backup: open destination");
  auto* b = sqlite3_backup_init(out, "main", db_, "main");
  if (!b) return make_error(sqlite3_extended_errcode(out), "backup", sqlite3_errmsg(out));
  rc = sqlite3_backup_step(b, -1);
  int frc = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return make_error(rc, "backup");
  if (frc != SQLITE_OK) return make_error(frc, "backup");
  return {};
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
