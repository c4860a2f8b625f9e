// Media bundles: a directory (or a single file) plus a manifest listing every file's path, size,
// media type and BLAKE2b-256 digest, signed as an approval through trust/. Packing and verifying
// stream each file in bounded memory, so a 2 GB video costs 1 MiB of buffer, not 2 GB.
#pragma once
#include "../core/json.hpp"
#include "../core/text.hpp"
#include "../trust/approval.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace media {

namespace fs = std::filesystem;

inline constexpr std::string_view bundle_format = "pbgdpl/bundle/1";
inline constexpr std::string_view manifest_file_name = "pbgdpl-bundle.json";
inline constexpr std::string_view signature_suffix = ".minisig";

struct bundle_file {
  std::string path;  // relative, '/'-separated, NFC
  std::uint64_t size = 0;
  std::string media_type;
  std::string blake2b;  // hex BLAKE2b-256
  friend bool operator==(const bundle_file&, const bundle_file&) = default;
};

struct bundle_manifest {
  std::string content_id;
  std::string title;
  json metadata = json::object();  // free-form: topic, language, duration, source...
  timestamp created_at{};
  std::vector<bundle_file> files;
  friend bool operator==(const bundle_manifest&, const bundle_manifest&) = default;
};

// Bounds on a manifest path: checking a path costs its depth, so deep trees (7,469 files 495
// levels deep took minutes) are refused at pack and at verify.
inline constexpr std::size_t max_path_bytes = 1024;
inline constexpr std::size_t max_path_components = 32;

// A manifest path must name a file inside the bundle and nothing else: files::check_relative_path
// (relative, valid UTF-8, no "." or "..", no empty segment, no '\\' or control character) with
// names that survive a copy to other file systems (no ':', '*', '?', '"', '<', '>', '|': a bundle
// travels, on a USB stick too), at most max_path_bytes bytes and max_path_components segments.
PBGDPL_DECL result<void> check_relative_path(std::string_view p);

// The media type a manifest records for a file (core/media_types.hpp's table, no parameters).
PBGDPL_DECL std::string guess_media_type(std::string_view path);

// Their JSON comes from one describe() field list each (model/common.hpp's mechanism; the .ipp).
PBGDPL_MODEL_DECLARE(bundle_file)
PBGDPL_MODEL_DECLARE(bundle_manifest)

PBGDPL_DECL void validate(const bundle_manifest& m, validator& v);

// Where a bundle's pieces live. A directory bundle keeps its manifest inside; a single-file
// bundle keeps "<file>.pbgdpl-bundle.json" beside the file.
struct bundle_layout {
  fs::path root;       // the directory file paths are relative to
  fs::path manifest;   // the manifest file
  fs::path signature;  // the approval (.minisig) over the manifest
  std::optional<std::string> single_file;

  static bundle_layout of(const fs::path& source);
};

struct pack_options {
  std::string content_id;
  std::string title;
  json metadata = json::object();
  timestamp created_at{};
  trust::progress_fn progress;  // bytes done / total over the whole bundle
};

// Writes a file that is not secret (a manifest, a signature, a public key) so that nothing planted
// at its path is followed or opened: the bytes go to a fresh temporary beside it, created with
// O_CREAT|O_EXCL|O_NOFOLLOW (mode 0644 less the umask), synced, then renamed over the path. A
// symbolic link or a FIFO at the path is replaced, never written through; a half-written file is
// never visible under the final name. Secrets use files::write_secret (0600) instead.
PBGDPL_DECL result<void> write_file_atomically(const fs::path& p, std::string_view content);

// Hashes every file of the bundle at `source` (a directory or one file) into a manifest.
PBGDPL_DECL result<bundle_manifest> pack(const fs::path& source, const pack_options& opt);

PBGDPL_DECL std::string manifest_text(const bundle_manifest& m);

// Packs, writes the manifest and signs it as an approval; returns the manifest.
PBGDPL_DECL result<bundle_manifest> pack_and_approve(const fs::path& source, const pack_options& opt,
                                                const trust::secret_key& key, trust::approval_statement s);

struct verify_options {
  bool allow_unlisted_files = false;  // a directory holding files the manifest does not name
  trust::progress_fn progress;
};

// Checks the files against a manifest: each exists as a regular file (no links), has the listed
// size and BLAKE2b-256. Streams; stops reading a file at its declared size.
PBGDPL_DECL result<void> verify_files(const bundle_layout& l, const bundle_manifest& m, const verify_options& opt = {});

struct verified_bundle {
  bundle_manifest manifest;
  trust::approval_statement approval;
};

// Verifies a bundle end to end: the approval over the manifest (keyring, use, time, rollback),
// the manifest itself, then every file.
PBGDPL_DECL result<verified_bundle> verify_bundle(const fs::path& source, const trust::keyring& ring,
                                             const trust::verify_context& ctx, trust::sequence_tracker* seen = nullptr,
                                             const verify_options& opt = {});

}  // namespace media

// Compiled mode: decoding, encoding and checking a manifest is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(media::bundle_manifest)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/bundle.ipp"
#endif
