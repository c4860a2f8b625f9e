// Definitions for portal/options.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL const std::vector<std::string>& page_query_params() {
  static const std::vector<std::string> p{"lang", "sau"};
  return p;
}

PBGDPL_DECL const std::vector<std::string>& search_query_params() {
  static const std::vector<std::string> p{"lang", "q", "sau", "loai"};
  return p;
}

PBGDPL_DECL const std::vector<std::string>& api_query_params() {
  static const std::vector<std::string> p{"limit", "cursor", "unit", "kind", "category", "state",
                                          "type", "level", "status", "field", "from", "to"};
  return p;
}

PBGDPL_DECL std::string canonical_host(const options& o, std::string_view host) {
  if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
    host = host.substr(0, colon);
  std::string lower;
  lower.reserve(host.size());
  for (char c : host) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  auto it = o.hosts.find(lower);
  return it == o.hosts.end() ? std::string() : it->first;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
