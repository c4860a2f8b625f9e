// Bodies of store/kinds.hpp: compiled once into the store tier (src/store/kinds.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../kinds.hpp"
#include "../search.hpp"

#include <algorithm>

PBGDPL_NAMESPACE_BEGIN
namespace store {

PBGDPL_DECL const std::vector<kind_info>& stored_kind_infos() {
  static const std::vector<kind_info> infos = [] {
    std::vector<kind_info> v;
    for_each_stored_kind([&]<class T>(std::type_identity<T>) {
      kind_info k{entity_traits<T>::kind};
      if constexpr (searchable_entity<T>) k.search = &entity_traits<T>::search;
      v.push_back(k);
      return true;
    });
    return v;
  }();
  return infos;
}

PBGDPL_DECL const kind_info* find_kind(std::string_view kind) {
  for (const auto& k : stored_kind_infos())
    if (k.kind == kind) return &k;
  return nullptr;
}

PBGDPL_DECL const search_fields* searchable_fields(std::string_view kind) {
  const auto* k = find_kind(kind);
  return k ? k->search : nullptr;
}

PBGDPL_DECL const std::vector<std::string>& searchable_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> v;
    for (const auto& k : stored_kind_infos())
      if (k.search) v.emplace_back(k.kind);
    return v;
  }();
  return kinds;
}

PBGDPL_DECL result<void> check_searchable(const std::vector<std::string>& kinds) {
  for (const auto& k : kinds)
    if (!searchable_fields(k))
      return error(errc::invalid_argument, "/kinds", "Loại \"" + k + "\" không tìm kiếm được", "Kind \"" + k + "\" is not searchable");
  return {};
}

PBGDPL_DECL void fill_search_text(record& r) {
  const auto* f = searchable_fields(r.kind);
  r.searchable = f != nullptr;
  r.title.clear();
  r.text.clear();
  r.number_key.clear();
  r.cites.clear();
  if (!f) return;
  auto str = [&](std::string_view k) -> const std::string* {
    auto it = r.body.find(k);
    return it != r.body.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  if (const auto* t = str(f->title)) r.title = *t;
  for (auto k : f->text) {
    const auto* s = str(k);
    if (!s || s->empty()) continue;
    if (!r.text.empty()) r.text += "\n";
    if (k.ends_with("_markdown")) r.text += markdown_to_text(*s);
    else r.text += *s;
  }
  if (!f->number.empty())
    if (const auto* n = str(f->number)) r.number_key = number_key(*n);
  auto array = [&](std::string_view k) -> const json* {
    if (k.empty()) return nullptr;
    auto it = r.body.find(k);
    return it != r.body.end() && it->is_array() ? &*it : nullptr;
  };
  auto cite = [&](std::string c) {
    if (std::find(r.cites.begin(), r.cites.end(), c) == r.cites.end()) r.cites.push_back(std::move(c));
  };
  if (const auto* ids = array(f->cited_ids))
    for (const auto& x : *ids)
      if (x.is_string()) cite("id:" + x.get<std::string>());
  if (const auto* rels = array(f->relations))
    for (const auto& x : *rels) {
      if (!x.is_object()) continue;
      if (auto t = x.find("target"); t != x.end() && t->is_string()) cite("id:" + t->get<std::string>());
      if (auto n = x.find("number"); n != x.end() && n->is_string())
        if (auto key = number_key(n->get<std::string>()); !key.empty()) cite("no:" + key);
    }
}

}  // namespace store
PBGDPL_NAMESPACE_END
