// Loading a dataset (the demo's seed, or a vendor's export) into a store: read a directory of
// <kind>.json files, validate them as one dataset, and create what the store does not yet hold,
// all in one transaction so a bad file leaves the store as it was.
#pragma once
#include "store.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

// Reads every <kind>.json in `dir` into one JSON object keyed by file stem (a dataset's shape).
inline result<json> read_dataset_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return error(errc::not_found, dir.string(), "Không tìm thấy thư mục dữ liệu " + dir.string(),
                 "No such data directory: " + dir.string());
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  if (ec) return error(errc::io_error, dir.string(), ec.message(), ec.message());
  std::sort(files.begin(), files.end());
  json all = json::object();
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) return error(errc::io_error, f.string(), "Không đọc được tệp " + f.string(), "Cannot read " + f.string());
    auto j = json_io::parse(ss.str());
    if (!j) {
      error e = j.err();
      e.path = f.filename().string() + (e.path.empty() ? "" : ":" + e.path);
      return e;
    }
    all[f.stem().string()] = std::move(*j);
  }
  return all;
}

// Creates every stored entity of `d` whose id the store does not hold yet (so importing twice
// is harmless); returns how many were created. All or nothing.
inline result<std::size_t> import_dataset(store& s, const dataset& d, std::string_view actor = "import") {
  std::size_t created = 0;
  auto r = s.transaction([&]() -> result<void> {
    auto add_all = [&](const auto& items) -> result<void> {
      for (auto v : items) {
        using T = std::decay_t<decltype(v)>;
        if (s.get<T>(v.id.value)) continue;
        v.version = 0;
        auto c = s.create(std::move(v), actor);
        if (!c) return c.err();
        ++created;
      }
      return {};
    };
    // Referenced kinds first (units before the articles that name them).
    if (auto e = add_all(d.units); !e) return e;
    if (auto e = add_all(d.accounts); !e) return e;
    if (auto e = add_all(d.legal_documents); !e) return e;
    if (auto e = add_all(d.media); !e) return e;
    if (auto e = add_all(d.articles); !e) return e;
    if (auto e = add_all(d.publications); !e) return e;
    if (auto e = add_all(d.questions); !e) return e;
    return add_all(d.dialogues);
  });
  if (!r) return r.err();
  return created;
}

}  // namespace store
PBGDPL_NAMESPACE_END
