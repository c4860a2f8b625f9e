// Bodies of store/import.hpp: compiled once into the store tier (src/store/import.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../import.hpp"

#include "../../core/files.hpp"

#include <algorithm>
#include <map>
#include <set>
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
    // Bounded by what the parser takes, and opened without blocking: a file swapped for a FIFO
    // after the listing fails at once instead of hanging the import.
    auto text = files::read_regular(f, PBGDPL_MAX_JSON_BYTES);
    if (!text) {
      error e = text.err();
      e.path = f.filename().string();
      return e;
    }
    auto j = json_io::parse(*text);
    if (!j) {
      error e = j.err();
      e.path = f.filename().string() + (e.path.empty() ? "" : ":" + e.path);
      return e;
    }
    all[f.stem().string()] = std::move(*j);
  }
  return all;
}

PBGDPL_DECL result<std::vector<std::pair<std::string, std::size_t>>> import_dataset_counted(store& s, const dataset& d,
                                                                                            std::string_view actor) {
  std::vector<std::pair<std::string, std::size_t>> counts;
  auto r = s.transaction([&]() -> result<void> {
    counts.clear();
    result<void> status;
    std::size_t expected = 0;
    describe_dataset(
        [&](std::string_view key, auto& items) {
          using T = typename std::decay_t<decltype(items)>::value_type;
          std::set<std::string> fresh;  // a dataset may repeat an id: created once
          for (const auto& v : items) {
            if (!status) return;
            if (fresh.count(v.id.value)) continue;
            auto cur = s.read(entity_traits<T>::kind, v.id.value);
            if (cur) continue;
            if (cur.err().code != errc::not_found) {
              status = cur.err();
              return;
            }
            fresh.insert(v.id.value);
          }
          counts.emplace_back(std::string(key), fresh.size());
          expected += fresh.size();
        },
        const_cast<dataset&>(d));  // describe_dataset takes a mutable dataset; this visit only reads
    if (!status) return status;
    auto n = import_dataset(s, d, actor);  // nested: joins this transaction
    if (!n) return n.err();
    if (*n != expected)
      return error(errc::internal, {}, "Số bản ghi đã nhập không khớp",
                   "Imported record counts disagree: " + std::to_string(expected) + " counted, " + std::to_string(*n) + " created");
    return {};
  });
  if (!r) return r.err();
  return counts;
}

PBGDPL_DECL std::vector<const unit*> units_parents_first(const std::vector<unit>& units) {
  std::set<std::string_view> ids;
  for (const auto& u : units) ids.insert(u.id.value);
  // Each unit waits in the list of its parent's children (one list per unit) or starts the order.
  std::map<std::string_view, std::vector<std::size_t>> children;
  std::vector<std::size_t> order;
  order.reserve(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto& p = units[i].parent;
    if (p && ids.count(p->value)) children[p->value].push_back(i);
    else order.push_back(i);
  }
  // Breadth first from the starts. A parent's children are released once (the list is taken out
  // of the map), so with duplicate ids no unit is placed twice.
  for (std::size_t k = 0; k < order.size(); ++k) {
    auto it = children.find(units[order[k]].id.value);
    if (it == children.end()) continue;
    auto released = std::move(it->second);
    children.erase(it);
    order.insert(order.end(), released.begin(), released.end());
  }
  std::vector<bool> placed(units.size(), false);
  for (auto i : order) placed[i] = true;
  for (std::size_t i = 0; i < units.size(); ++i)
    if (!placed[i]) order.push_back(i);  // in a cycle: never released
  std::vector<const unit*> out;
  out.reserve(order.size());
  for (auto i : order) out.push_back(&units[i]);
  return out;
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
              auto create_one = [&](T v) {
                if (!status) return;
                if (s.get<T>(v.id.value)) return;
                v.version = 0;
                auto c = s.create(std::move(v), actor);
                if (!c) status = c.err();
                else ++created;
              };
              if constexpr (std::is_same_v<T, unit>) {
                for (const unit* u : units_parents_first(items)) create_one(*u);
              } else {
                for (const auto& v : items) create_one(v);
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
