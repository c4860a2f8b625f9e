// Bodies of plugin/host.hpp, part 1: manifests, the library file checks, dlopen, version
// negotiation and descriptor checks, instances and the plugin_host. Compiled once
// (src/plugin/plugin.cpp), or inline in header-only builds.
#pragma once
#include "../host.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

PBGDPL_DECL std::string_view load_errc_name(load_errc e) noexcept {
  switch (e) {
    case load_errc::disabled: return "disabled";
    case load_errc::not_found: return "not_found";
    case load_errc::manifest_unreadable: return "manifest_unreadable";
    case load_errc::manifest_invalid: return "manifest_invalid";
    case load_errc::unsafe_library_path: return "unsafe_library_path";
    case load_errc::library_missing: return "library_missing";
    case load_errc::library_not_regular_file: return "library_not_regular_file";
    case load_errc::dlopen_failed: return "dlopen_failed";
    case load_errc::entry_missing: return "entry_missing";
    case load_errc::init_failed: return "init_failed";
    case load_errc::abi_major_mismatch: return "abi_major_mismatch";
    case load_errc::abi_minor_too_new: return "abi_minor_too_new";
    case load_errc::bad_struct_size: return "bad_struct_size";
    case load_errc::descriptor_mismatch: return "descriptor_mismatch";
    case load_errc::missing_kind_table: return "missing_kind_table";
    case load_errc::duplicate_id: return "duplicate_id";
    case load_errc::plugin_threw: return "plugin_threw";
    case load_errc::create_failed: return "create_failed";
  }
  return "unknown";
}

PBGDPL_DECL std::optional<load_errc> load_errc_from_name(std::string_view name) noexcept {
  for (int i = 0; i <= static_cast<int>(load_errc::create_failed); ++i)
    if (load_errc_name(static_cast<load_errc>(i)) == name) return static_cast<load_errc>(i);
  return std::nullopt;
}

PBGDPL_DECL std::string_view kind_name(std::uint32_t kind_bit) noexcept {
  switch (kind_bit) {
    case PBGDPL_KIND_STORE: return "store";
    case PBGDPL_KIND_PUBLISHER: return "publisher";
    case PBGDPL_KIND_NOTIFIER: return "notifier";
    case PBGDPL_KIND_EXPORTER: return "exporter";
    case PBGDPL_KIND_CONNECTOR: return "connector";
    default: return "";
  }
}

PBGDPL_DECL std::vector<std::string> kind_names(std::uint32_t kinds) {
  std::vector<std::string> out;
  for (std::uint32_t bit = 1; bit <= PBGDPL_KIND_CONNECTOR; bit <<= 1)
    if (kinds & bit) out.emplace_back(kind_name(bit));
  return out;
}

PBGDPL_DECL json manifest::to_json() const {
  return json{{"id", id},
              {"library", library},
              {"abi", {{"major", abi_major}, {"minor", abi_minor}}},
              {"kinds", kind_names(kinds)},
              {"version", version},
              {"license", license},
              {"description", description},
              {"file", file.string()}};
}

namespace detail {

// Each load_errc's errc, unless the caller knows better.
inline errc load_errc_code(load_errc e) noexcept {
  switch (e) {
    case load_errc::disabled: return errc::permission_denied;
    case load_errc::not_found:
    case load_errc::library_missing: return errc::not_found;
    case load_errc::manifest_unreadable:
    case load_errc::dlopen_failed: return errc::io_error;
    case load_errc::unsafe_library_path:
    case load_errc::library_not_regular_file: return errc::unsafe_path;
    case load_errc::abi_major_mismatch:
    case load_errc::abi_minor_too_new:
    case load_errc::bad_struct_size: return errc::unsupported_version;
    case load_errc::duplicate_id: return errc::already_exists;
    case load_errc::plugin_threw:
    case load_errc::init_failed: return errc::internal;
    default: return errc::invalid_argument;
  }
}

PBGDPL_DECL error load_failure(load_errc code, const std::filesystem::path& file, std::string vi, std::string en,
                               std::optional<errc> code_override) {
  if (!file.empty()) {
    vi += " (tệp " + file.string() + ")";
    en += " (file " + file.string() + ")";
  }
  return error(code_override.value_or(load_errc_code(code)), std::string(load_errc_name(code)), std::move(vi),
               std::move(en));
}

inline bool valid_plugin_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// A library name that can only mean a file in the manifest's own directory.
inline bool plain_file_name(std::string_view n) noexcept {
  if (n.empty() || n.size() > 255 || n == "." || n == "..") return false;
  return n.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

inline std::string errno_text(int e) { return std::strerror(e); }

// Opens a file for reading without following a symlink and without blocking on a FIFO; the
// caller checks what fstat says before reading.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace detail

PBGDPL_DECL result<manifest> read_manifest(const std::filesystem::path& file) {
  using detail::load_failure;
  constexpr std::size_t max_manifest_bytes = 64u * 1024u;
  detail::fd_guard f;
  f.fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (f.fd < 0) {
    int e = errno;
    if (e == ENOENT) return load_failure(load_errc::not_found, file, "Không có tệp khai báo plugin", "No plugin manifest");
    if (e == ELOOP)
      return load_failure(load_errc::manifest_unreadable, file, "Tệp khai báo plugin là liên kết tượng trưng (không được phép)",
                          "The plugin manifest is a symbolic link (not allowed)");
    return load_failure(load_errc::manifest_unreadable, file, "Không mở được tệp khai báo plugin: " + detail::errno_text(e),
                        "Cannot open the plugin manifest: " + detail::errno_text(e));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode))
    return load_failure(load_errc::manifest_unreadable, file, "Tệp khai báo plugin không phải tệp thường",
                        "The plugin manifest is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_manifest_bytes)
    return load_failure(load_errc::manifest_invalid, file, "Tệp khai báo plugin quá lớn (tối đa 64 KiB)",
                        "The plugin manifest is too large (at most 64 KiB)");
  std::string text;
  char buf[8192];
  for (;;) {
    auto n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return load_failure(load_errc::manifest_unreadable, file, "Không đọc được tệp khai báo plugin: " + detail::errno_text(errno),
                          "Cannot read the plugin manifest: " + detail::errno_text(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > max_manifest_bytes)
      return load_failure(load_errc::manifest_invalid, file, "Tệp khai báo plugin quá lớn (tối đa 64 KiB)",
                          "The plugin manifest is too large (at most 64 KiB)");
  }
  auto j = json_io::parse(text);
  if (!j)
    return load_failure(load_errc::manifest_invalid, file, "Tệp khai báo plugin không phải JSON hợp lệ: " + j.err().message_vi,
                        "The plugin manifest is not valid JSON: " + j.err().message_en);
  auto invalid = [&](const std::string& vi, const std::string& en) {
    return load_failure(load_errc::manifest_invalid, file, "Tệp khai báo plugin không hợp lệ: " + vi,
                        "The plugin manifest is invalid: " + en);
  };
  if (!j->is_object()) return invalid("không phải đối tượng JSON", "not a JSON object");
  manifest m;
  m.file = file;
  auto text_of = [&](const char* key, std::string& out, std::size_t max) -> bool {
    auto it = j->find(key);
    if (it == j->end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return !out.empty() && out.size() <= max && text::is_valid_utf8(out);
  };
  if (!text_of("id", m.id, 64) || !detail::valid_plugin_id(m.id))
    return invalid("\"id\" phải gồm 1-64 ký tự a-z, 0-9, '_' hoặc '-'", "\"id\" must be 1-64 of a-z, 0-9, '_' or '-'");
  if (!text_of("library", m.library, 255)) return invalid("thiếu \"library\"", "\"library\" is missing");
  if (!detail::plain_file_name(m.library))
    return load_failure(load_errc::unsafe_library_path, file,
                        "\"library\" phải là tên một tệp trong cùng thư mục với tệp khai báo (không có '/' hay '..'): " +
                            m.library,
                        "\"library\" must name a file in the manifest's own directory (no '/' or '..'): " + m.library);
  auto abi = j->find("abi");
  if (abi == j->end() || !abi->is_object() || !(*abi)["major"].is_number_unsigned() || !(*abi)["minor"].is_number_unsigned() ||
      (*abi)["major"].get<std::uint64_t>() > 0xffffffffu || (*abi)["minor"].get<std::uint64_t>() > 0xffffffffu)
    return invalid("\"abi\" phải là {\"major\": n, \"minor\": n}", "\"abi\" must be {\"major\": n, \"minor\": n}");
  m.abi_major = static_cast<std::uint32_t>((*abi)["major"].get<std::uint64_t>());
  m.abi_minor = static_cast<std::uint32_t>((*abi)["minor"].get<std::uint64_t>());
  auto kinds = j->find("kinds");
  if (kinds == j->end() || !kinds->is_array() || kinds->empty())
    return invalid("\"kinds\" phải là một mảng không rỗng", "\"kinds\" must be a non-empty array");
  for (const auto& k : *kinds) {
    std::uint32_t bit = 0;
    for (std::uint32_t b = 1; b <= PBGDPL_KIND_CONNECTOR; b <<= 1)
      if (k.is_string() && k.get_ref<const std::string&>() == kind_name(b)) bit = b;
    if (!bit)
      return invalid("loại plugin không biết trong \"kinds\"; cho phép: store, publisher, notifier, exporter, connector",
                     "unknown kind in \"kinds\"; allowed: store, publisher, notifier, exporter, connector");
    m.kinds |= bit;
  }
  if (!text_of("version", m.version, 64)) return invalid("thiếu \"version\"", "\"version\" is missing");
  if (!text_of("license", m.license, 200)) return invalid("thiếu \"license\" (SPDX, bắt buộc)", "\"license\" (SPDX) is missing");
  if (!text_of("description", m.description, 1000))
    return invalid("thiếu \"description\" (bắt buộc)", "\"description\" is missing");
  return m;
}

namespace detail {

PBGDPL_DECL library::~library() {
  if (dl) ::dlclose(dl);
  if (fd < 0) return;
  // A library may stay loaded after dlclose (a C++ plugin's unique symbols make it NODELETE),
  // still known by "/proc/self/fd/N": then N stays taken, else the next plugin opened as N
  // would be given this one. One descriptor per such load, for the life of the process.
  if (!dl_name.empty()) {
    if (void* still = ::dlopen(dl_name.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)) {
      ::dlclose(still);
      return;
    }
  }
  ::close(fd);
}

// Reads a NUL-terminated string the plugin owns, at most `max` bytes; nullopt when longer,
// absent or not UTF-8.
inline std::optional<std::string> plugin_text(const char* s, std::size_t max) {
  if (!s) return std::nullopt;
  auto n = ::strnlen(s, max + 1);
  if (n > max) return std::nullopt;
  std::string out(s, n);
  if (!text::is_valid_utf8(out)) return std::nullopt;
  return out;
}

// Copies a kind table of the plugin's into a zero-filled one of the host's size (policy 3): a
// table larger than the host knows is refused, a smaller one (an older minor) reads as absent
// past its end; `minimum` is the size of the table at minor 0.
template <class T>
result<void> copy_table(const T* from, T& to, std::size_t minimum, std::string_view kind, const std::filesystem::path& file) {
  to = T{};
  if (from->struct_size > sizeof(T) || from->struct_size < minimum)
    return load_failure(load_errc::bad_struct_size, file,
                        "Bảng \"" + std::string(kind) + "\" của plugin có kích thước " + std::to_string(from->struct_size) +
                            " byte, máy chủ biết " + std::to_string(sizeof(T)) + " byte",
                        "The plugin's \"" + std::string(kind) + "\" table is " + std::to_string(from->struct_size) +
                            " bytes, the host knows " + std::to_string(sizeof(T)));
  std::memcpy(static_cast<void*>(&to), from, from->struct_size);
  return {};
}

PBGDPL_DECL result<std::shared_ptr<library>> open_library(pbgdpl_plugin_init_fn entry, void* dl, const std::filesystem::path& file,
                                                          const std::optional<manifest>& expected, std::shared_ptr<services> host,
                                                          abi_version presented) {
  auto lib = std::make_shared<library>();
  lib->dl = dl;  // closed by ~library on every failure below
  lib->ctx = make_host_ctx(std::move(host), expected ? expected->id : std::string("?"), presented);
  const pbgdpl_plugin_desc* d = nullptr;
  pbgdpl_status st = PBGDPL_STATUS_INTERNAL;
  try {
    st = entry(&lib->ctx->info, &d);
  } catch (...) {
    return load_failure(load_errc::plugin_threw, file, "Hàm khởi đầu của plugin ném ra ngoại lệ",
                        "The plugin's entry point threw an exception");
  }
  const std::string host_abi = std::to_string(presented.major) + "." + std::to_string(presented.minor);
  if (st == PBGDPL_STATUS_VERSION) {
    // Without a manifest to say which, a host of this build's own major was refused for its minor.
    if (expected ? expected->abi_major != presented.major : presented.major != PBGDPL_ABI_MAJOR)
      return load_failure(load_errc::abi_major_mismatch, file, "Plugin từ chối ABI " + host_abi + " của máy chủ (khác phiên bản chính)",
                          "The plugin refused the host's ABI " + host_abi + " (another major version)");
    return load_failure(load_errc::abi_minor_too_new, file,
                        "Plugin cần ABI mới hơn ABI " + host_abi + " của máy chủ",
                        "The plugin needs a newer ABI than the host's " + host_abi);
  }
  if (st != PBGDPL_STATUS_OK || !d)
    return load_failure(load_errc::init_failed, file,
                        "Hàm khởi đầu của plugin thất bại (" + std::string(status_name(st)) + ")",
                        "The plugin's entry point failed (" + std::string(status_name(st)) + ")");
  // The descriptor: its size first (policy 3), then versions, then what it says against the
  // manifest.
  constexpr std::size_t desc_minimum = sizeof(pbgdpl_plugin_desc);  // minor 0 is the whole struct today
  if (d->struct_size > sizeof(pbgdpl_plugin_desc) || d->struct_size < desc_minimum)
    return load_failure(load_errc::bad_struct_size, file,
                        "Mô tả plugin có kích thước " + std::to_string(d->struct_size) + " byte, máy chủ biết " +
                            std::to_string(sizeof(pbgdpl_plugin_desc)) + " byte",
                        "The plugin descriptor is " + std::to_string(d->struct_size) + " bytes, the host knows " +
                            std::to_string(sizeof(pbgdpl_plugin_desc)));
  std::memcpy(static_cast<void*>(&lib->desc), d, d->struct_size);
  auto& desc = lib->desc;
  const std::string plugin_abi = std::to_string(desc.abi_major) + "." + std::to_string(desc.abi_minor);
  if (desc.abi_major != presented.major)
    return load_failure(load_errc::abi_major_mismatch, file,
                        "Plugin được xây dựng cho ABI " + plugin_abi + ", máy chủ dùng ABI " + host_abi,
                        "The plugin was built for ABI " + plugin_abi + ", the host has ABI " + host_abi);
  if (desc.abi_minor > presented.minor)
    return load_failure(load_errc::abi_minor_too_new, file,
                        "Plugin được xây dựng cho ABI " + plugin_abi + ", mới hơn ABI " + host_abi + " của máy chủ",
                        "The plugin was built for ABI " + plugin_abi + ", newer than the host's " + host_abi);
  auto mismatch = [&](const std::string& vi, const std::string& en) {
    return load_failure(load_errc::descriptor_mismatch, file, "Mô tả plugin không khớp: " + vi, "The plugin descriptor does not match: " + en);
  };
  auto id = plugin_text(desc.id, 64);
  if (!id || !valid_plugin_id(*id)) return mismatch("mã plugin không hợp lệ", "its id is invalid");
  auto version = plugin_text(desc.version, 64);
  auto license = plugin_text(desc.license, 200);
  auto description = plugin_text(desc.description, 1000);
  if (!version || version->empty()) return mismatch("thiếu phiên bản", "its version is missing");
  if (!license || license->empty()) return mismatch("thiếu giấy phép (bắt buộc)", "its license is missing (mandatory)");
  if (!description || description->empty()) return mismatch("thiếu mô tả (bắt buộc)", "its description is missing (mandatory)");
  if (desc.kinds == 0 || (desc.kinds & ~std::uint32_t(0x1f)) != 0)
    return mismatch("loại plugin không hợp lệ", "its kinds are invalid");
  if (expected) {
    if (*id != expected->id)
      return mismatch("mã \"" + *id + "\" khác \"" + expected->id + "\" của tệp khai báo",
                      "its id \"" + *id + "\" differs from the manifest's \"" + expected->id + "\"");
    if (desc.kinds != expected->kinds)
      return mismatch("các loại khác với tệp khai báo", "its kinds differ from the manifest's");
    if (desc.abi_major != expected->abi_major || desc.abi_minor != expected->abi_minor)
      return mismatch("ABI " + plugin_abi + " khác với tệp khai báo", "its ABI " + plugin_abi + " differs from the manifest's");
    lib->info = *expected;
  } else {
    lib->info.id = *id;
    lib->info.library = file.filename().string();
    lib->info.file = file;
    lib->info.abi_major = desc.abi_major;
    lib->info.abi_minor = desc.abi_minor;
    lib->info.kinds = desc.kinds;
  }
  lib->info.version = *version;
  lib->info.license = *license;
  lib->info.description = *description;
  lib->ctx->plugin_id = *id;
  if (!desc.create || !desc.destroy) return mismatch("thiếu hàm create hoặc destroy", "create or destroy is missing");
  auto missing = [&](std::string_view kind, std::string_view what) {
    return load_failure(load_errc::missing_kind_table, file,
                        "Plugin khai báo loại \"" + std::string(kind) + "\" nhưng " + std::string(what),
                        "The plugin declares the kind \"" + std::string(kind) + "\" but " +
                            (what == "thiếu bảng hàm" ? std::string("has no table for it") : std::string("its table lacks a function")));
  };
  // Each declared kind needs its table and every function in it (minor 0's).
  if (desc.kinds & PBGDPL_KIND_STORE) {
    if (!desc.store) return missing("store", "thiếu bảng hàm");
    if (auto c = copy_table(desc.store, lib->store, sizeof(pbgdpl_store_api), "store", file); !c) return c.err();
    const auto& t = lib->store;
    if (!t.write || !t.read || !t.list || !t.search || !t.audit_log || !t.transaction || !t.change_stamp || !t.poll_changes)
      return missing("store", "thiếu hàm trong bảng");
  }
  if (desc.kinds & PBGDPL_KIND_PUBLISHER) {
    if (!desc.publisher) return missing("publisher", "thiếu bảng hàm");
    if (auto c = copy_table(desc.publisher, lib->publisher, sizeof(pbgdpl_publisher_api), "publisher", file); !c) return c.err();
    if (!lib->publisher.publish || !lib->publisher.drain) return missing("publisher", "thiếu hàm trong bảng");
  }
  if (desc.kinds & PBGDPL_KIND_NOTIFIER) {
    if (!desc.notifier) return missing("notifier", "thiếu bảng hàm");
    if (auto c = copy_table(desc.notifier, lib->notifier, sizeof(pbgdpl_notifier_api), "notifier", file); !c) return c.err();
    auto channel = plugin_text(lib->notifier.channel, 64);
    if (!lib->notifier.send || !channel || channel->empty()) return missing("notifier", "thiếu hàm trong bảng");
    lib->notifier_channel = *channel;
  }
  if (desc.kinds & PBGDPL_KIND_EXPORTER) {
    if (!desc.exporter) return missing("exporter", "thiếu bảng hàm");
    if (auto c = copy_table(desc.exporter, lib->exporter, sizeof(pbgdpl_exporter_api), "exporter", file); !c) return c.err();
    auto formats = plugin_text(lib->exporter.formats, 64 * 1024);
    if (!lib->exporter.export_records || !formats) return missing("exporter", "thiếu hàm trong bảng");
    auto fj = json_io::parse(*formats);
    if (!fj || !fj->is_array()) return mismatch("danh sách định dạng không phải mảng JSON", "its export formats are not a JSON array");
    for (const auto& f : *fj) {
      export_format x;
      if (!f.is_object() || !f.contains("format") || !f["format"].is_string())
        return mismatch("một định dạng thiếu \"format\"", "an export format lacks \"format\"");
      x.format = f["format"].get<std::string>();
      if (f.contains("content_type") && f["content_type"].is_string()) x.content_type = f["content_type"].get<std::string>();
      if (f.contains("extension") && f["extension"].is_string()) x.extension = f["extension"].get<std::string>();
      lib->formats.push_back(std::move(x));
    }
  }
  if (desc.kinds & PBGDPL_KIND_CONNECTOR) {
    if (!desc.connector) return missing("connector", "thiếu bảng hàm");
    if (auto c = copy_table(desc.connector, lib->connector, sizeof(pbgdpl_connector_api), "connector", file); !c) return c.err();
    if (!lib->connector.import_catalogue || !lib->connector.export_catalogue) return missing("connector", "thiếu hàm trong bảng");
  }
  return lib;
}

// Opens the checked file and dlopens exactly it, through /proc/self/fd: a file swapped after the
// checks (a race with whoever can write the directory) is not what gets loaded.
inline result<std::shared_ptr<library>> dlopen_checked(const std::filesystem::path& file, const std::filesystem::path& dir,
                                                       const std::optional<manifest>& expected, std::shared_ptr<services> host,
                                                       abi_version presented) {
  struct stat lst {};
  if (::lstat(file.c_str(), &lst) != 0) {
    int e = errno;
    if (e == ENOENT)
      return load_failure(load_errc::library_missing, file, "Không có tệp thư viện của plugin", "The plugin's library file is missing");
    return load_failure(load_errc::dlopen_failed, file, "Không đọc được tệp thư viện: " + errno_text(e),
                        "Cannot stat the library file: " + errno_text(e));
  }
  std::filesystem::path target = file;
  if (S_ISLNK(lst.st_mode)) {
    // A link is followed only to a file in the same directory (libx.so -> libx.so.1).
    std::error_code ec1, ec2;
    auto real = std::filesystem::canonical(file, ec1);
    auto real_dir = std::filesystem::canonical(dir, ec2);
    if (ec1 || ec2 || real.parent_path() != real_dir)
      return load_failure(load_errc::unsafe_library_path, file,
                          "Tệp thư viện là liên kết tượng trưng trỏ ra ngoài thư mục plugin",
                          "The library file is a symbolic link out of the plugin directory");
    target = real;
    if (::lstat(target.c_str(), &lst) != 0)
      return load_failure(load_errc::library_missing, file, "Liên kết tới tệp thư viện không tồn tại", "The library link is dangling");
  }
  if (!S_ISREG(lst.st_mode))
    return load_failure(load_errc::library_not_regular_file, file,
                        "Tệp thư viện không phải tệp thường (thư mục, FIFO, thiết bị...)",
                        "The library is not a regular file (a directory, FIFO, device...)");
  fd_guard f;
  f.fd = ::open(target.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (f.fd < 0)
    return load_failure(load_errc::dlopen_failed, file, "Không mở được tệp thư viện: " + errno_text(errno),
                        "Cannot open the library file: " + errno_text(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode))
    return load_failure(load_errc::library_not_regular_file, file, "Tệp thư viện không phải tệp thường",
                        "The library is not a regular file");
  if (st.st_mode & S_IWOTH)
    return load_failure(load_errc::unsafe_library_path, file, "Ai cũng ghi được tệp thư viện (quyền o+w): không nạp",
                        "The library file is writable by anyone (o+w): not loaded");
  // The sticky bit (/tmp) keeps others from replacing files, not from adding their own: in such a
  // directory only a library of ours or root's is ours to run.
  if (struct stat shared {}; ::stat(dir.c_str(), &shared) == 0 && (shared.st_mode & S_IWOTH) && st.st_uid != ::geteuid() &&
                             st.st_uid != 0)
    return load_failure(load_errc::unsafe_library_path, file,
                        "Thư mục plugin ai cũng ghi được và tệp thư viện thuộc người dùng khác: không nạp",
                        "The plugin directory is writable by anyone and the library belongs to another user: not loaded");
  // A parent anyone may write (without the sticky bit) lets them swap the whole directory.
  std::error_code parent_ec;
  auto real_dir = std::filesystem::canonical(dir, parent_ec);
  for (auto p = real_dir.parent_path(); !parent_ec && !p.empty(); p = p.parent_path()) {
    struct stat ps {};
    if (::stat(p.c_str(), &ps) == 0 && (ps.st_mode & S_IWOTH) && !(ps.st_mode & S_ISVTX))
      return load_failure(load_errc::unsafe_library_path, file,
                          "Ai cũng ghi được thư mục cha " + p.string() + " của thư mục plugin (quyền o+w): không nạp",
                          "The plugin directory's parent " + p.string() + " is writable by anyone (o+w): not loaded");
    if (p == p.root_path()) break;
  }
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) == 0 && (dst.st_mode & S_IWOTH) && !(dst.st_mode & S_ISVTX))
    return load_failure(load_errc::unsafe_library_path, file, "Ai cũng ghi được thư mục plugin (quyền o+w): không nạp",
                        "The plugin directory is writable by anyone (o+w): not loaded");
  const bool have_proc = ::access("/proc/self/fd", F_OK) == 0;
  std::string via_fd = "/proc/self/fd/" + std::to_string(f.fd);
  void* dl = ::dlopen(have_proc ? via_fd.c_str() : target.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    const char* why = ::dlerror();
    std::string w = why ? why : "?";
    return load_failure(load_errc::dlopen_failed, file, "dlopen thất bại: " + w, "dlopen failed: " + w);
  }
  ::dlerror();
  void* sym = ::dlsym(dl, PBGDPL_PLUGIN_ENTRY);
  if (!sym) {
    ::dlclose(dl);
    return load_failure(load_errc::entry_missing, file, "Thư viện không có hàm " PBGDPL_PLUGIN_ENTRY,
                        "The library has no " PBGDPL_PLUGIN_ENTRY " symbol");
  }
  pbgdpl_plugin_init_fn entry;
  static_assert(sizeof entry == sizeof sym);
  std::memcpy(&entry, &sym, sizeof entry);
  auto lib = open_library(entry, dl, file, expected, std::move(host), presented);
  if (!lib) return lib;
  // The descriptor stays open while the library is loaded: the dynamic loader knows it by the
  // name "/proc/self/fd/N", and a number reused for another plugin would be taken for this one.
  if (have_proc) {
    (*lib)->fd = f.fd;
    (*lib)->dl_name = via_fd;
    f.fd = -1;
  }
  return lib;
}

PBGDPL_DECL result<std::shared_ptr<library>> load_library(const manifest& m, std::shared_ptr<services> host, abi_version presented) {
  const std::string host_abi = std::to_string(presented.major) + "." + std::to_string(presented.minor);
  const std::string plugin_abi = std::to_string(m.abi_major) + "." + std::to_string(m.abi_minor);
  // Refused on the manifest's word, before any of the library's code runs.
  if (m.abi_major != presented.major)
    return load_failure(load_errc::abi_major_mismatch, m.file,
                        "Plugin khai báo ABI " + plugin_abi + ", máy chủ dùng ABI " + host_abi,
                        "The plugin declares ABI " + plugin_abi + ", the host has ABI " + host_abi);
  if (m.abi_minor > presented.minor)
    return load_failure(load_errc::abi_minor_too_new, m.file,
                        "Plugin khai báo ABI " + plugin_abi + ", mới hơn ABI " + host_abi + " của máy chủ",
                        "The plugin declares ABI " + plugin_abi + ", newer than the host's " + host_abi);
  if (!plain_file_name(m.library))
    return load_failure(load_errc::unsafe_library_path, m.file, "Tên tệp thư viện không an toàn", "Unsafe library file name");
  return dlopen_checked(m.library_path(), m.file.parent_path(), m, std::move(host), presented);
}

PBGDPL_DECL result<std::shared_ptr<library>> load_library_file(const std::filesystem::path& file, std::shared_ptr<services> host,
                                                               abi_version presented) {
  auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  return dlopen_checked(file, dir, std::nullopt, std::move(host), presented);
}

PBGDPL_DECL result<std::shared_ptr<instance>> library::create(const std::shared_ptr<library>& lib, const json& config) {
  if (!config.is_object())
    return error(errc::invalid_argument, {}, "Cấu hình plugin phải là một đối tượng JSON",
                 "A plugin's configuration must be a JSON object");
  std::shared_ptr<instance> inst(new instance(lib));
  auto text = config.dump(-1, ' ', false, json::error_handler_t::replace);
  pbgdpl_buffer err{};
  void* handle = nullptr;
  pbgdpl_status st = PBGDPL_STATUS_INTERNAL;
  const auto& file = lib->info.library_path();
  try {
    std::lock_guard<std::recursive_mutex> lock(inst->mu_);
    st = lib->desc.create(&lib->ctx->api, inst.get(), text.data(), text.size(), &handle, &err);
  } catch (...) {
    return load_failure(load_errc::plugin_threw, file, "Hàm create của plugin \"" + lib->info.id + "\" ném ra ngoại lệ",
                        "The create function of plugin \"" + lib->info.id + "\" threw an exception", errc::internal);
  }
  std::string err_text = err.data ? std::string(err.data, std::min<std::size_t>(err.size, 1u << 20)) : std::string();
  if (err.data) std::free(err.data);
  if (st != PBGDPL_STATUS_OK) {
    if (handle) {  // a failed create must not leave an instance behind; give it back to the plugin
      try {
        lib->desc.destroy(handle);
      } catch (...) {
      }
    }
    auto why = error_from_abi_text(err_text, st);
    return load_failure(load_errc::create_failed, file,
                        "Plugin \"" + lib->info.id + "\" không khởi tạo được: " + why.message_vi,
                        "The plugin \"" + lib->info.id + "\" could not start: " + why.message_en, why.code);
  }
  inst->handle_ = handle;
  inst->created_ = true;
  return inst;
}

}  // namespace detail

// --- instance ------------------------------------------------------------------------------------

PBGDPL_DECL instance::instance(std::shared_ptr<detail::library> lib) : lib_(std::move(lib)) {}

PBGDPL_DECL instance::~instance() {
  if (created_) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    try {
      lib_->desc.destroy(handle_);
    } catch (...) {  // nothing to report to: the instance is gone
    }
  }
}

PBGDPL_DECL const std::string& instance::id() const noexcept { return lib_->info.id; }
PBGDPL_DECL const manifest& instance::info() const noexcept { return lib_->info; }
PBGDPL_DECL const pbgdpl_plugin_desc& instance::descriptor() const noexcept { return lib_->desc; }
PBGDPL_DECL const pbgdpl_store_api* instance::store_api() const noexcept {
  return lib_->desc.kinds & PBGDPL_KIND_STORE ? &lib_->store : nullptr;
}
PBGDPL_DECL const pbgdpl_publisher_api* instance::publisher_api() const noexcept {
  return lib_->desc.kinds & PBGDPL_KIND_PUBLISHER ? &lib_->publisher : nullptr;
}
PBGDPL_DECL const pbgdpl_notifier_api* instance::notifier_api() const noexcept {
  return lib_->desc.kinds & PBGDPL_KIND_NOTIFIER ? &lib_->notifier : nullptr;
}
PBGDPL_DECL const pbgdpl_exporter_api* instance::exporter_api() const noexcept {
  return lib_->desc.kinds & PBGDPL_KIND_EXPORTER ? &lib_->exporter : nullptr;
}
PBGDPL_DECL const pbgdpl_connector_api* instance::connector_api() const noexcept {
  return lib_->desc.kinds & PBGDPL_KIND_CONNECTOR ? &lib_->connector : nullptr;
}
PBGDPL_DECL const std::string& instance::notifier_channel() const noexcept { return lib_->notifier_channel; }
PBGDPL_DECL const std::vector<export_format>& instance::export_formats() const noexcept { return lib_->formats; }
PBGDPL_DECL bool instance::thread_safe() const noexcept { return (lib_->desc.flags & PBGDPL_PLUGIN_THREAD_SAFE) != 0; }

PBGDPL_DECL result<std::string> instance::call(detail::json_call fn, std::string_view request, std::string_view what) {
  if (!fn) return error(errc::internal);
  pbgdpl_buffer out{}, err{};
  auto st = locked([&]() -> result<pbgdpl_status> { return fn(handle_, request.data(), request.size(), &out, &err); });
  // Buffers are ours (host->alloc is malloc): freed whatever happened.
  struct freer {
    pbgdpl_buffer& b;
    ~freer() { std::free(b.data); }
  } free_out{out}, free_err{err};
  if (!st) return st.err();
  auto named = [&](error e) {
    e.message_vi = "Plugin \"" + id() + "\" (" + std::string(what) + "): " + e.message_vi;
    e.message_en = "Plugin \"" + id() + "\" (" + std::string(what) + "): " + e.message_en;
    return e;
  };
  if (*st != PBGDPL_STATUS_OK) {
    std::string_view et(err.data ? err.data : "", err.data ? err.size : 0);
    auto e = error_from_abi_text(et.substr(0, std::min<std::size_t>(et.size(), 1u << 20)), *st);
    // A refusal about the request (an empty search, a stale version, a missing record) is the
    // store's answer and reaches people as the built-in stores word it; a failure of the plugin
    // itself names the plugin, so that an operator knows where to look.
    const bool plugin_fault = *st == PBGDPL_STATUS_INTERNAL || *st == PBGDPL_STATUS_UNAVAILABLE ||
                              *st == PBGDPL_STATUS_CORRUPT || *st == PBGDPL_STATUS_VERSION ||
                              *st == PBGDPL_STATUS_UNSUPPORTED;
    return plugin_fault ? named(std::move(e)) : e;
  }
  if (!out.data && out.size != 0)
    return named(error(errc::corrupt, {}, "câu trả lời không hợp lệ (con trỏ rỗng)", "invalid answer (null data)"));
  if (out.size > max_boundary_bytes)
    return named(error(errc::too_large, {}, "câu trả lời quá lớn (" + std::to_string(out.size) + " byte)",
                       "answer too large (" + std::to_string(out.size) + " bytes)"));
  return std::string(out.data ? out.data : "", out.size);
}

PBGDPL_DECL result<json> instance::call_json(detail::json_call fn, const json& request, std::string_view what) {
  // Text that is not UTF-8 is refused here, as every built-in store refuses it: replaced by
  // U+FFFD it would reach the plugin as a different, valid request (a search for other words).
  std::string request_text;
  try {
    request_text = request.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::type_error&) {
    return error(errc::invalid_utf8, {}, "Yêu cầu gửi plugin \"" + id() + "\" có văn bản không phải UTF-8",
                 "The request to plugin \"" + id() + "\" holds text that is not UTF-8");
  }
  auto text = call(fn, request_text, what);
  if (!text) return text.err();
  auto j = parse_limited(*text, max_boundary_bytes);
  if (!j) {
    error e = j.err();
    e.code = errc::corrupt;
    e.message_vi = "Plugin \"" + id() + "\" (" + std::string(what) + ") trả về JSON không hợp lệ: " + e.message_vi;
    e.message_en = "Plugin \"" + id() + "\" (" + std::string(what) + ") answered invalid JSON: " + e.message_en;
    return e;
  }
  return j;
}

PBGDPL_DECL void instance::on_changes(const void* owner, std::function<void(const std::vector<store::change>&)> fn) {
  std::lock_guard<std::recursive_mutex> lock(changes_mu_);
  stop_changes(owner);
  if (fn) listeners_.emplace_back(owner, std::move(fn));
}

PBGDPL_DECL void instance::stop_changes(const void* owner) {
  std::lock_guard<std::recursive_mutex> lock(changes_mu_);
  std::erase_if(listeners_, [owner](const auto& l) { return l.first == owner; });
}

namespace detail {
// This thread's calls into instances, and the batches reported during them (a few at most).
struct thread_calls {
  std::vector<const instance*> active;
  std::vector<std::pair<const instance*, std::vector<store::change>>> pending;
};
inline thread_calls& this_thread_calls() {
  thread_local thread_calls calls;
  return calls;
}
}  // namespace detail

PBGDPL_DECL instance::call_scope::call_scope(instance& i) : inst(i) {
  auto& active = detail::this_thread_calls().active;
  outermost = std::find(active.begin(), active.end(), &i) == active.end();
  active.push_back(&i);
}

PBGDPL_DECL instance::call_scope::~call_scope() {
  auto& calls = detail::this_thread_calls();
  calls.active.erase(std::find(calls.active.rbegin(), calls.active.rend(), &inst).base() - 1);
  if (!outermost) return;
  // Taken out first: a listener may call the instance again, and that call's batches come after.
  std::vector<std::vector<store::change>> mine;
  for (auto it = calls.pending.begin(); it != calls.pending.end();) {
    if (it->first == &inst) {
      mine.push_back(std::move(it->second));
      it = calls.pending.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& batch : mine) inst.deliver_now(batch);
}

PBGDPL_DECL void instance::deliver_now(const std::vector<store::change>& batch) noexcept {
  try {
    std::lock_guard<std::recursive_mutex> lock(changes_mu_);
    // A copy: a listener may add or remove listeners (a handle made or dropped in it).
    auto listeners = listeners_;
    for (const auto& [owner, fn] : listeners) {
      const void* o = owner;
      if (std::none_of(listeners_.begin(), listeners_.end(), [o](const auto& l) { return l.first == o; })) continue;
      try {
        fn(batch);
      } catch (...) {  // a listener's failure stays on this side of the boundary
      }
    }
  } catch (...) {
  }
}

PBGDPL_DECL void instance::deliver_changes(std::string_view batch_json) noexcept {
  try {
    auto j = parse_limited(batch_json, max_boundary_bytes);
    if (!j) {
      log(PBGDPL_LOG_ERROR, "store_changed: invalid JSON dropped: " + j.err().message_en);
      return;
    }
    auto batch = store_codec::decode_changes(*j);
    if (!batch) {
      log(PBGDPL_LOG_ERROR, "store_changed: a batch of the wrong shape dropped: " + batch.err().describe());
      return;
    }
    if (lib_->ctx && lib_->ctx->host) lib_->ctx->host->changes_seen(id(), *batch);
    auto& calls = detail::this_thread_calls();
    if (std::find(calls.active.begin(), calls.active.end(), this) != calls.active.end()) {
      calls.pending.emplace_back(this, std::move(*batch));
      return;
    }
    deliver_now(*batch);
  } catch (...) {
  }
}

PBGDPL_DECL void instance::log(pbgdpl_log_level level, std::string_view message) const {
  if (lib_->ctx && lib_->ctx->host) lib_->ctx->host->log(id(), level, message);
}

// --- plugin_host -----------------------------------------------------------------------------------

struct plugin_host::state {
  host_options options;
  std::shared_ptr<detail::services> services;
  std::mutex mu;  // guards libraries
  std::map<std::string, std::shared_ptr<detail::library>, std::less<>> libraries;
};

PBGDPL_DECL plugin_host::plugin_host(host_options o) : s_(std::make_unique<state>()) {
  s_->options = std::move(o);
  s_->services = detail::make_host_services(s_->options);
}

PBGDPL_DECL plugin_host::~plugin_host() = default;

PBGDPL_DECL const host_options& plugin_host::options() const noexcept { return s_->options; }

PBGDPL_DECL std::vector<std::filesystem::path> plugin_host::search_path() const {
  std::vector<std::filesystem::path> out = s_->options.dirs;
  if (s_->options.use_env_path) {
    if (const char* env = std::getenv("PBGDPL_PLUGIN_PATH")) {
      std::string_view rest(env);
      while (!rest.empty()) {
        auto colon = rest.find(':');
        auto part = rest.substr(0, colon);
        if (!part.empty()) out.emplace_back(std::string(part));
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
      }
    }
  }
  return out;
}

namespace detail {
// Every manifest file of the search path, each directory once, in order; a directory's files in
// name order so that "which one came first" never depends on the file system.
inline std::vector<std::filesystem::path> manifest_files(const std::vector<std::filesystem::path>& dirs) {
  std::vector<std::filesystem::path> out;
  std::set<std::filesystem::path> seen_dirs;
  for (const auto& d : dirs) {
    std::error_code ec;
    auto real = std::filesystem::canonical(d, ec);
    if (ec || !std::filesystem::is_directory(real, ec) || !seen_dirs.insert(real).second) continue;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(real, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".json") files.push_back(it->path());
      if (files.size() > 10000) break;  // a directory of plugins, not of everything
    }
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  }
  return out;
}
}  // namespace detail

PBGDPL_DECL std::vector<manifest> plugin_host::discover(std::vector<load_error>* problems) const {
  std::vector<manifest> found;
  std::map<std::string, std::size_t> by_id;
  for (const auto& f : detail::manifest_files(search_path())) {
    auto m = read_manifest(f);
    if (!m) {
      if (problems)
        problems->push_back({load_errc_from_name(m.err().path).value_or(load_errc::manifest_invalid), f, m.err()});
      continue;
    }
    if (auto it = by_id.find(m->id); it != by_id.end()) {
      if (problems)
        problems->push_back({load_errc::duplicate_id, f,
                             detail::load_failure(load_errc::duplicate_id, f,
                                                  "Mã plugin \"" + m->id + "\" đã có ở " + found[it->second].file.string(),
                                                  "The plugin id \"" + m->id + "\" is already declared by " +
                                                      found[it->second].file.string())});
      continue;
    }
    by_id.emplace(m->id, found.size());
    found.push_back(std::move(*m));
  }
  return found;
}

namespace detail {
inline result<manifest> find_manifest(const plugin_host& h, std::string_view id) {
  if (!h.options().enabled)
    return load_failure(load_errc::disabled, {}, "Chưa bật nạp plugin (host_options::enabled)",
                        "Plugin loading is not enabled (host_options::enabled)");
  if (!valid_plugin_id(id))
    return load_failure(load_errc::not_found, {}, "Mã plugin không hợp lệ", "Invalid plugin id");
  std::vector<manifest> matches;
  std::optional<error> named_file_error;
  for (const auto& f : manifest_files(h.search_path())) {
    auto m = read_manifest(f);
    if (!m) {
      // A broken <id>.json is that plugin's problem to report, not "not found".
      if (f.stem() == id && !named_file_error) named_file_error = m.err();
      continue;
    }
    if (m->id == id) matches.push_back(std::move(*m));
  }
  if (matches.size() > 1)
    return load_failure(load_errc::duplicate_id, matches[1].file,
                        "Mã plugin \"" + std::string(id) + "\" được khai báo hai lần, ở " + matches[0].file.string() +
                            " và ở đây: không nạp bản nào",
                        "The plugin id \"" + std::string(id) + "\" is declared twice, by " + matches[0].file.string() +
                            " and here: neither is loaded");
  if (matches.empty()) {
    if (named_file_error) return *named_file_error;
    return load_failure(load_errc::not_found, {}, "Không tìm thấy plugin \"" + std::string(id) + "\" trong các thư mục plugin",
                        "No plugin \"" + std::string(id) + "\" in the plugin directories");
  }
  return std::move(matches[0]);
}
}  // namespace detail

PBGDPL_DECL result<manifest> plugin_host::check(std::string_view id) {
  auto m = detail::find_manifest(*this, id);
  if (!m) return m.err();
  std::lock_guard<std::mutex> lock(s_->mu);
  if (auto it = s_->libraries.find(id); it != s_->libraries.end()) return it->second->info;
  auto lib = detail::load_library(*m, s_->services, s_->options.abi);
  if (!lib) return lib.err();
  s_->libraries.emplace(std::string(id), *lib);
  return (*lib)->info;
}

PBGDPL_DECL result<std::shared_ptr<instance>> plugin_host::create(std::string_view id, const json& config) {
  std::shared_ptr<detail::library> lib;
  {
    auto m = detail::find_manifest(*this, id);
    if (!m) return m.err();
    std::lock_guard<std::mutex> lock(s_->mu);
    if (auto it = s_->libraries.find(id); it != s_->libraries.end()) {
      lib = it->second;
    } else {
      auto l = detail::load_library(*m, s_->services, s_->options.abi);
      if (!l) return l.err();
      lib = *l;
      s_->libraries.emplace(std::string(id), lib);
    }
  }
  return detail::library::create(lib, config);
}

}  // namespace plugin
PBGDPL_NAMESPACE_END
