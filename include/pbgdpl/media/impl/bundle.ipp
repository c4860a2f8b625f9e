// Bodies of media/bundle.hpp (manifests, pack, verify): compiled once into the trust tier
// (src/trust/bundle.cpp), or included by the header in header-only builds.
#pragma once
#include "../bundle.hpp"

#include "../../core/files.hpp"
#include "../../core/media_types.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace media {

PBGDPL_DECL result<void> check_relative_path(std::string_view p) {
  return files::check_relative_path(p, {.allow_non_portable = false, .max_bytes = max_path_bytes, .max_segments = max_path_components});
}

PBGDPL_DECL std::string guess_media_type(std::string_view path) { return std::string(mime::type_for(path)); }

template <class V>
void describe(V& f, bundle_file& x) {
  using model_io::need;
  // Read with room to spare: check_relative_path bounds it (max_path_bytes) with its own message,
  // so a path pack accepted is never refused by a reader's shorter limit.
  f("path", x.path, need::required, model_io::long_text);
  f("size", x.size, need::required);
  f("media_type", x.media_type, need::required, model_io::short_text);
  f("blake2b", x.blake2b, need::required, model_io::short_text);
}
PBGDPL_MODEL_DEFINE(bundle_file)

template <class V>
void describe(V& f, bundle_manifest& m) {
  using model_io::need;
  trust::describe_format(f, bundle_format, "Định dạng gói", "bundle format");
  f("content_id", m.content_id, need::required, model_io::short_text);
  f("title", m.title, need::optional, model_io::short_text);
  f("metadata", m.metadata, need::optional);
  f("created_at", m.created_at, need::required);
  f("files", m.files, need::required);
}
PBGDPL_MODEL_DEFINE(bundle_manifest)

PBGDPL_DECL void validate(const bundle_manifest& m, validator& v) {
  v.required_text(m.content_id, "/content_id", "Mã nội dung", "Content id");
  v.check(m.metadata.is_object(), "/metadata", errc::wrong_type, "metadata phải là đối tượng", "metadata must be an object");
  v.check(!m.files.empty(), "/files", errc::missing_field, "Gói không có tệp nào", "The bundle lists no files");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = m.files[i];
    auto at = "/files/" + std::to_string(i);
    if (auto r = check_relative_path(f.path); !r) v.add(at + "/path", errc::unsafe_path, r.err().message_vi, r.err().message_en);
    // Duplicates compare after NFC and case folding: two names a file system may treat as one.
    auto key = text::nfc(f.path);
    std::string k = key ? *key : f.path;
    for (auto& c : k) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (!seen.insert(k).second)
      v.add(at + "/path", errc::unsafe_path, "Tên tệp bị trùng: " + f.path, "Duplicate file name: " + f.path);
    if (f.path == manifest_file_name || f.path == std::string(manifest_file_name) + std::string(signature_suffix))
      v.add(at + "/path", errc::unsafe_path, "Tên tệp dành riêng cho bản kê", "Name reserved for the manifest");
    v.check(f.blake2b.size() == 64 && trust::from_hex(f.blake2b).has_value(), at + "/blake2b", errc::invalid_argument,
            "Cần mã băm BLAKE2b-256 (64 chữ số hex)", "Needs a BLAKE2b-256 digest (64 hex digits)");
  }
}

PBGDPL_DECL bundle_layout bundle_layout::of(const fs::path& source) {
  bundle_layout l;
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(source, ec))) {
    l.root = source;
    l.manifest = source / std::string(manifest_file_name);
  } else {
    l.root = source.has_parent_path() ? source.parent_path() : fs::path(".");
    l.single_file = source.filename().string();
    l.manifest = l.root / (source.filename().string() + "." + std::string(manifest_file_name));
  }
  l.signature = l.manifest;
  l.signature += std::string(signature_suffix);
  return l;
}

namespace detail {
// The files of a directory bundle, as sorted relative '/' paths; links and special files refused.
PBGDPL_DECL result<std::vector<std::string>> list_files(const bundle_layout& l) {
  std::vector<std::string> out;
  std::error_code ec;
  if (l.single_file) {
    auto st = fs::symlink_status(l.root / *l.single_file, ec);
    if (fs::is_symlink(st))
      return error(errc::unsafe_path, {}, "Gói không được chứa liên kết: " + *l.single_file,
                   "Bundles may not contain links: " + *l.single_file);
    if (fs::exists(st) && !fs::is_regular_file(st))
      return error(errc::unsafe_path, {}, "Không phải tệp thông thường: " + *l.single_file,
                   "Not a regular file: " + *l.single_file);
    out.push_back(*l.single_file);
    return out;
  }
  fs::recursive_directory_iterator it(l.root, fs::directory_options::none, ec), end;
  if (ec) return error(errc::io_error, {}, "Không đọc được thư mục " + l.root.string(), "Cannot read directory " + l.root.string());
  for (; it != end; it.increment(ec)) {
    if (ec) return error(errc::io_error, {}, "Không đọc được thư mục " + l.root.string(), "Cannot read directory " + l.root.string());
    // The manifest and its signature are outputs (replaced whatever sits there), not content.
    if (it->path() == l.manifest || it->path() == l.signature) continue;
    // Lexical: fs::relative would resolve a link and print where it points.
    auto rel = it->path().lexically_relative(l.root).generic_string();
    if (static_cast<std::size_t>(it.depth()) + 1 > max_path_components)
      return error(errc::unsafe_path, {}, "Thư mục lồng quá " + std::to_string(max_path_components) + " cấp: " + rel,
                   "Directories nested more than " + std::to_string(max_path_components) + " levels: " + rel);
    auto st = it->symlink_status(ec);
    if (fs::is_symlink(st))
      return error(errc::unsafe_path, {}, "Gói không được chứa liên kết: " + rel, "Bundles may not contain links: " + rel);
    if (fs::is_directory(st)) continue;
    if (!fs::is_regular_file(st))
      return error(errc::unsafe_path, {}, "Không phải tệp thông thường: " + rel, "Not a regular file: " + rel);
    out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

PBGDPL_DECL result<std::uint64_t> total_size(const bundle_layout& l, const std::vector<std::string>& files) {
  std::uint64_t total = 0;
  for (auto& f : files) {
    std::error_code ec;
    auto n = fs::file_size(l.root / f, ec);
    if (ec) return error(errc::io_error, {}, "Không đọc được " + f, "Cannot read " + f);
    total += n;
  }
  return total;
}

PBGDPL_DECL result<std::string> read_small_file(const fs::path& p, std::size_t limit) {
  // Non-blocking open and a file-type check first: a FIFO named as the manifest cannot hang us.
  return files::read_regular(p, limit, {true});
}
}  // namespace detail

PBGDPL_DECL result<void> write_file_atomically(const fs::path& p, std::string_view content) {
  return files::replace_file(p, content, 0644);
}

PBGDPL_DECL result<bundle_manifest> pack(const fs::path& source, const pack_options& opt) {
  auto l = bundle_layout::of(source);
  auto files = detail::list_files(l);
  if (!files) return files.err();
  auto total = detail::total_size(l, *files);
  if (!total) return total.err();
  bundle_manifest m;
  m.content_id = opt.content_id;
  m.title = opt.title;
  m.metadata = opt.metadata;
  m.created_at = opt.created_at;
  std::uint64_t before = 0;
  for (auto& rel : *files) {
    trust::read_options ro;
    ro.refuse_symlinks = true;
    if (opt.progress) ro.progress = [&](std::uint64_t d, std::uint64_t) { opt.progress(before + d, *total); };
    auto d = trust::blake2b_file(l.root / rel, 32, ro);
    if (!d) return d.err();
    auto nfc = text::nfc(rel);
    if (!nfc) return error(errc::invalid_utf8, {}, "Tên tệp không phải UTF-8: " + rel, "File name is not UTF-8: " + rel);
    m.files.push_back({*nfc, d->size, guess_media_type(rel), trust::to_hex(d->digest)});
    before += d->size;
  }
  if (auto r = check(m); !r) return r.err();
  return m;
}

PBGDPL_DECL std::string manifest_text(const bundle_manifest& m) { return to_json_value(m).dump(2) + "\n"; }

PBGDPL_DECL result<bundle_manifest> pack_and_approve(const fs::path& source, const pack_options& opt, const trust::secret_key& key, trust::approval_statement s) {
  auto m = pack(source, opt);
  if (!m) return m.err();
  auto l = bundle_layout::of(source);
  auto text = manifest_text(*m);
  s.content_id = m->content_id;
  auto sig = trust::sign_approval(key, s, trust::digest_content(text));
  if (!sig) return sig.err();
  if (auto r = write_file_atomically(l.manifest, text); !r) return r.err();
  if (auto r = write_file_atomically(l.signature, sig->to_text()); !r) return r.err();
  return m;
}

PBGDPL_DECL result<void> verify_files(const bundle_layout& l, const bundle_manifest& m, const verify_options& opt) {
  if (auto r = check(m); !r) return r.err();
  std::uint64_t total = 0, before = 0;
  for (auto& f : m.files) total += f.size;
  std::set<std::string> verified;    // the names on disk whose content was checked
  std::set<std::string> real_dirs;   // parent prefixes already found to be directories, not links
  // The manifest names files in NFC (pack normalises); a file system may hold the same name in
  // NFD (copied from macOS, unpacked from some archives). When a listed name is not on disk as
  // it is written, the file is looked up by its NFC form among the names that are (built once).
  std::optional<std::map<std::string, std::string>> on_disk;  // NFC name -> name on disk
  auto disk_name = [&](const std::string& want) -> result<std::string> {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(l.root / fs::path(want), ec))) return want;
    if (!on_disk) {
      on_disk.emplace();
      auto present = detail::list_files(l);
      if (!present) return present.err();
      for (auto& name : *present) {
        auto key = text::nfc(name);
        if (!key) continue;  // not UTF-8: cannot be any listed name
        if (!on_disk->emplace(*key, name).second)
          return error(errc::tampered, "/files", "Hai tệp trùng tên khi chuẩn hoá Unicode: " + *key,
                       "Two files have the same name once Unicode-normalised: " + *key);
      }
    }
    auto key = text::nfc(want);
    if (key)
      if (auto it = on_disk->find(*key); it != on_disk->end()) return it->second;
    return want;  // not there under any form: opening it reports the missing file
  };
  for (auto& f : m.files) {
    auto name = disk_name(l.single_file ? *l.single_file : f.path);
    if (!name) return name.err();
    verified.insert(*name);
    auto p = l.root / fs::path(*name);
    // Every parent segment must be a real directory inside the root, not a link out of it. Each
    // prefix is checked once for the whole manifest; the last segment is opened with O_NOFOLLOW.
    for (std::size_t slash = name->find('/'); slash != std::string::npos; slash = name->find('/', slash + 1)) {
      std::string prefix = name->substr(0, slash);
      if (real_dirs.count(prefix)) continue;
      std::error_code ec;
      auto st = fs::symlink_status(l.root / fs::path(prefix), ec);
      if (fs::is_symlink(st))
        return error(errc::unsafe_path, "/files", "Gói không được chứa liên kết: " + f.path, "Bundles may not contain links: " + f.path);
      if (fs::is_directory(st)) real_dirs.insert(std::move(prefix));  // else opening the file fails below
    }
    trust::read_options ro;
    ro.refuse_symlinks = true;
    ro.max_bytes = f.size;
    if (opt.progress) ro.progress = [&](std::uint64_t d, std::uint64_t) { opt.progress(before + d, total); };
    auto d = trust::blake2b_file(p, 32, ro);
    if (!d) {
      auto e = d.err();
      if (e.code == errc::too_large)
        return error(errc::tampered, "/files", "Tệp lớn hơn kích thước trong bản kê: " + f.path, "File larger than the manifest says: " + f.path);
      return e;
    }
    if (d->size != f.size)
      return error(errc::tampered, "/files", "Kích thước tệp không khớp bản kê: " + f.path, "File size does not match the manifest: " + f.path);
    auto want = trust::from_hex(f.blake2b);
    if (!want || sodium_memcmp(want->data(), d->digest.data(), 32) != 0)
      return error(errc::tampered, "/files", "Tệp đã bị thay đổi: " + f.path, "File was modified: " + f.path);
    before += f.size;
  }
  if (!l.single_file && !opt.allow_unlisted_files) {
    auto present = detail::list_files(l);
    if (!present) return present.err();
    // By the name on disk: a twin of a listed file under another normal form is unlisted.
    for (auto& p : *present)
      if (!verified.count(p))
        return error(errc::tampered, "/files", "Tệp không có trong bản kê: " + p, "File not in the manifest: " + p);
  }
  return {};
}

PBGDPL_DECL result<verified_bundle> verify_bundle(const fs::path& source, const trust::keyring& ring, const trust::verify_context& ctx, trust::sequence_tracker* seen, const verify_options& opt) {
  auto l = bundle_layout::of(source);
  auto text = detail::read_small_file(l.manifest, PBGDPL_MAX_JSON_BYTES);
  if (!text) return text.err();
  auto sig = detail::read_small_file(l.signature, 16 * 1024);
  if (!sig) return sig.err();
  // The tracker is only updated once the files are known to be good.
  std::optional<trust::sequence_tracker> probe;
  if (seen) probe = *seen;
  auto st = ring.verify_approval(*sig, trust::digest_content(*text), ctx, probe ? &*probe : nullptr);
  if (!st) return st.err();
  auto m = trust::from_json_text_unique<bundle_manifest>(*text);
  if (!m) return m.err();
  if (m->content_id != st->content_id)
    return error(errc::tampered, "/content_id", "Mã nội dung của bản kê khác phê duyệt", "The manifest's content id differs from the approval's");
  if (l.single_file && (m->files.size() != 1 || text::nfc(m->files[0].path).value_or("") != text::nfc(*l.single_file).value_or("/")))
    return error(errc::tampered, "/files", "Bản kê không thuộc tệp này", "The manifest does not describe this file");
  if (auto r = verify_files(l, *m, opt); !r) return r.err();
  if (seen) *seen = std::move(*probe);  // the approval's sequence, recorded under its scope
  return verified_bundle{std::move(*m), std::move(*st)};
}

}  // namespace media

PBGDPL_MODEL_INSTANTIATE(media::bundle_manifest)

PBGDPL_NAMESPACE_END
