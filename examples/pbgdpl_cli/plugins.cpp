// pbgdpl plugins list | check: what a vendor runs first. `list` reads the manifests of the
// plugin directories (no code is loaded); `check` also loads each library (or one) the way the
// portal would and says whether it loads, and if not, why (the loader's own error).
#include "commands.hpp"

#include <pbgdpl/plugin/host.hpp>

#include <iostream>

namespace pbgdpl_cli {

using namespace pbgdpl;

namespace {

plugin::plugin_host host_for(const plugins_options& o) {
  plugin::host_options h;
  h.enabled = true;  // the operator asked for it by running the command
  for (const auto& d : o.dirs) h.dirs.emplace_back(d);
  h.use_env_path = true;
  return plugin::plugin_host(h);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void print_manifest(const plugin::manifest& m) {
  std::cout << m.id << " " << m.version << "  [" << joined(plugin::kind_names(m.kinds)) << "]  " << m.license
            << "  ABI " << m.abi_major << "." << m.abi_minor << "\n  " << m.description << "\n  " << m.file.string()
            << " -> " << m.library << "\n";
}

void print_problem(const plugin::load_error& p) {
  std::cout << "! " << p.file.string() << ": " << plugin::load_errc_name(p.code) << "\n  " << p.err.message_vi << "\n  "
            << p.err.message_en << "\n";
}

}  // namespace

int run_plugins(const plugins_options& o) {
  auto h = host_for(o);
  if (h.search_path().empty())
    throw usage_error{"chưa có thư mục plugin: dùng --dir hoặc biến PBGDPL_PLUGIN_PATH",
                      "no plugin directory: use --dir or PBGDPL_PLUGIN_PATH"};
  std::vector<plugin::load_error> problems;
  auto found = h.discover(&problems);
  if (!o.check) {
    if (o.json) {
      json out{{"plugins", json::array()}, {"problems", json::array()}};
      for (const auto& m : found) out["plugins"].push_back(m.to_json());
      for (const auto& p : problems)
        out["problems"].push_back(json{{"file", p.file.string()}, {"error", error_to_json(p.err)}});
      std::cout << out.dump(2) << "\n";
    } else {
      for (const auto& m : found) print_manifest(m);
      for (const auto& p : problems) print_problem(p);
      if (found.empty() && problems.empty()) std::cout << "Không có plugin nào / No plugins found\n";
    }
    return 0;
  }
  // check: load each (or the one asked for) as the portal would.
  std::vector<std::string> ids;
  if (!o.id.empty()) ids.push_back(o.id);
  else
    for (const auto& m : found) ids.push_back(m.id);
  bool all_ok = problems.empty() || !o.id.empty();
  json out = json::array();
  for (const auto& id : ids) {
    auto r = h.check(id);
    if (o.json) {
      json line{{"id", id}, {"loads", bool(r)}};
      if (r) line["manifest"] = r->to_json();
      else line["error"] = error_to_json(r.err());
      out.push_back(line);
    } else if (r) {
      std::cout << "ok  ";
      print_manifest(*r);
    } else {
      std::cout << "LỖI/FAILED  " << id << ": " << r.err().path << "\n  " << r.err().message_vi << "\n  "
                << r.err().message_en << "\n";
    }
    all_ok = all_ok && bool(r);
  }
  if (o.id.empty()) {
    for (const auto& p : problems) {
      if (o.json) out.push_back(json{{"file", p.file.string()}, {"loads", false}, {"error", error_to_json(p.err)}});
      else print_problem(p);
    }
  }
  if (o.json) std::cout << out.dump(2) << "\n";
  if (ids.empty() && problems.empty() && !o.json) std::cout << "Không có plugin nào / No plugins found\n";
  return all_ok ? 0 : 1;
}

}  // namespace pbgdpl_cli
