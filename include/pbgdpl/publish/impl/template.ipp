// Definitions for publish/template.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../../core/text.hpp"

#include <fstream>
#include <mutex>
#include <sstream>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

PBGDPL_DECL result<compiled_template> compiled_template::compile(std::string_view source, std::string_view name) {
  compiled_template t;
  std::size_t pos = 0;
  std::vector<node*> stack;
  std::vector<node>* target = &t.nodes_;
  std::vector<std::vector<node>*> targets;
  auto fail = [&](std::string why_vi, std::string why_en) {
    return error(errc::parse_error, std::string(name), "Mẫu trang lỗi: " + why_vi, "Template error: " + why_en);
  };
  while (pos < source.size()) {
    auto open = source.find("{{", pos);
    if (open == std::string_view::npos) {
      target->push_back({kind::text, std::string(source.substr(pos)), {}, {}});
      break;
    }
    if (open > pos) target->push_back({kind::text, std::string(source.substr(pos, open - pos)), {}, {}});
    bool triple = source.substr(open, 3) == "{{{";
    auto close = source.find(triple ? "}}}" : "}}", open + (triple ? 3 : 2));
    if (close == std::string_view::npos) return fail("thiếu }}", "unclosed tag");
    std::string_view tag = source.substr(open + (triple ? 3 : 2), close - open - (triple ? 3 : 2));
    pos = close + (triple ? 3 : 2);
    auto trim = [](std::string_view s) {
      while (!s.empty() && (s.front() == ' ')) s.remove_prefix(1);
      while (!s.empty() && (s.back() == ' ')) s.remove_suffix(1);
      return s;
    };
    tag = trim(tag);
    if (tag.empty()) return fail("thẻ rỗng", "empty tag");
    char sigil = triple ? '{' : tag[0];
    std::string_view name_part = (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>' || sigil == '&' || sigil == '!')
                                     ? trim(tag.substr(1))
                                     : tag;
    if (sigil == '!') continue;
    node n;
    n.text = std::string(name_part);
    n.path = split(name_part);
    switch (sigil) {
      case '{':
      case '&': n.k = kind::raw; target->push_back(std::move(n)); break;
      case '>': n.k = kind::partial; target->push_back(std::move(n)); break;
      case '#':
      case '^':
        n.k = sigil == '#' ? kind::section : kind::inverted;
        target->push_back(std::move(n));
        stack.push_back(&target->back());
        targets.push_back(target);
        target = &target->back().children;
        break;
      case '/':
        if (stack.empty() || stack.back()->text != n.text)
          return fail("thẻ đóng {{/" + n.text + "}} không khớp", "closing tag {{/" + n.text + "}} does not match");
        stack.pop_back();
        target = targets.back();
        targets.pop_back();
        break;
      default: n.k = kind::var; target->push_back(std::move(n));
    }
  }
  if (!stack.empty()) return fail("thiếu {{/" + stack.back()->text + "}}", "missing {{/" + stack.back()->text + "}}");
  return t;
}

PBGDPL_DECL void compiled_template::render(std::string& out, const json& data, const template_set* partials, const json* outer) const {
  view contexts[2] = {view::of(outer), view::of(data)};
  render_to(out, outer ? std::span<const view>(contexts) : std::span<const view>(contexts + 1, 1), partials);
}

PBGDPL_DECL std::string compiled_template::render(const json& data, const template_set* partials, const json* outer) const {
  std::string out;
  render(out, data, partials, outer);
  return out;
}

PBGDPL_DECL void compiled_template::render_to(std::string& out, std::span<const view> contexts, const template_set* partials) const {
  std::vector<view> ctx(contexts.begin(), contexts.end());
  render_nodes(out, nodes_, ctx, partials, 0);
}

PBGDPL_DECL std::vector<std::string> compiled_template::split(std::string_view name) {
  std::vector<std::string> parts;
  if (name == ".") return parts;
  std::size_t b = 0;
  while (b <= name.size()) {
    auto e = name.find('.', b);
    if (e == std::string_view::npos) e = name.size();
    parts.emplace_back(name.substr(b, e - b));
    b = e + 1;
  }
  return parts;
}

PBGDPL_DECL view compiled_template::lookup(const std::vector<view>& ctx, const std::vector<std::string>& path) {
  if (path.empty()) return ctx.back();
  for (auto it = ctx.rbegin(); it != ctx.rend(); ++it) {
    if (!it->is_object()) continue;
    view cur = it->find(path[0]);
    if (!cur.present()) continue;
    for (std::size_t i = 1; i < path.size(); ++i) {
      if (cur.is_list()) {  // "items.0": the first element, for "is the list non-empty" tests
        const auto& part = path[i];
        if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos) return {};
        cur = cur.at(std::stoul(part));
        if (!cur.present()) return {};
        continue;
      }
      if (!cur.is_object()) return {};
      cur = cur.find(path[i]);
      if (!cur.present()) return {};
    }
    return cur;
  }
  return {};
}

PBGDPL_DECL result<void> template_set::add(const std::string& name, std::string_view source) {
  auto t = compiled_template::compile(source, name);
  if (!t) return t.err();
  std::unique_lock lock(mutex_);
  templates_[name] = std::make_shared<compiled_template>(std::move(*t));
  return {};
}

PBGDPL_DECL result<void> template_set::load_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return error(errc::not_found, dir.string(), "Không tìm thấy thư mục giao diện", "Theme directory not found");
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".html") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) return error(errc::io_error, entry.path().string());
    auto src = ss.str();
    if (!text::is_valid_utf8(src)) return error(errc::invalid_utf8, entry.path().string());
    auto r = add(entry.path().stem().string(), src);
    if (!r) return r;
  }
  if (ec) return error(errc::io_error, dir.string(), ec.message(), ec.message());
  return {};
}

PBGDPL_DECL std::shared_ptr<const compiled_template> template_set::find(const std::string& name) const {
  std::shared_lock lock(mutex_);
  auto it = templates_.find(name);
  return it == templates_.end() ? nullptr : it->second;
}

PBGDPL_DECL result<std::shared_ptr<const compiled_template>> template_set::get(const std::string& name) const {
  auto t = find(name);
  if (!t) return error(errc::not_found, name, "Không có mẫu trang \"" + name + "\"", "No template \"" + name + "\"");
  return t;
}

PBGDPL_DECL result<std::string> template_set::render(const std::string& name, const json& data, const json* outer) const {
  auto t = get(name);
  if (!t) return t.err();
  return (*t)->render(data, this, outer);
}

PBGDPL_DECL result<void> template_set::render_to(std::string& out, const std::string& name, std::span<const view> contexts) const {
  auto t = get(name);
  if (!t) return t.err();
  (*t)->render_to(out, contexts, this);
  return {};
}

PBGDPL_DECL void compiled_template::render_nodes(std::string& out, const std::vector<node>& nodes, std::vector<view>& ctx,
                                                 const template_set* partials, int depth) const {
  if (depth > 32) return;  // a partial that includes itself stops here instead of overflowing
  for (const auto& n : nodes) {
    switch (n.k) {
      case kind::text: out += n.text; break;
      case kind::var: lookup(ctx, n.path).append(out, true); break;
      case kind::raw: lookup(ctx, n.path).append(out, false); break;
      case kind::section: {
        view v = lookup(ctx, n.path);
        if (!v.truthy()) break;
        if (v.is_list()) {
          for (std::size_t i = 0, size = v.size(); i < size; ++i) {
            ctx.push_back(v.at(i));
            render_nodes(out, n.children, ctx, partials, depth);
            ctx.pop_back();
          }
        } else {
          ctx.push_back(v);
          render_nodes(out, n.children, ctx, partials, depth);
          ctx.pop_back();
        }
        break;
      }
      case kind::inverted:
        if (!lookup(ctx, n.path).truthy()) render_nodes(out, n.children, ctx, partials, depth);
        break;
      case kind::partial:
        if (partials) {
          if (auto p = partials->find(n.text)) p->render_nodes(out, p->nodes_, ctx, partials, depth + 1);
        }
        break;
    }
  }
}

}  // namespace publish
PBGDPL_NAMESPACE_END
