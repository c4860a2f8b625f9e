// Bodies of store/import.hpp: compiled once into the store tier (src/store/import.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../import.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <type_traits>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

PBGDPL_DECL result<json> read_dataset_directory(const std::filesystem::path& dir) {
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

PBGDPL_DECL result<std::size_t> import_dataset(store& s, const dataset& d, std::string_view actor) {
  std::size_t created = 0;
  auto r = s.transaction([&]() -> result<void> {
    result<void> status;
    // For each stored kind, in registry order, the dataset's array of that type (found by type,
    // so the dataset's member names need no second list here).
    for_each_stored_kind([&]<class T>(std::type_identity<T>) {
      describe_dataset(
          [&](std::string_view, const auto& items) {
            if constexpr (std::is_same_v<std::decay_t<decltype(items)>, std::vector<T>>) {
              for (auto v : items) {
                if (!status) return;
                if (s.get<T>(v.id.value)) continue;
                v.version = 0;
                auto c = s.create(std::move(v), actor);
                if (!c) status = c.err();
                else ++created;
              }
            }
          },
          const_cast<dataset&>(d));  // describe_dataset takes a mutable dataset; this visitor only reads
      return static_cast<bool>(status);
    });
    return status;
  });
  if (!r) return r.err();
  return created;
}

}  // namespace store
PBGDPL_NAMESPACE_END
