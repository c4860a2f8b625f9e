// Routes with typed path parameters ("/api/v1/articles/{id}", "/pbgdpl/{category}/trang-{page:int}"),
// method matching (405 with Allow, HEAD served by GET), and mounting under a prefix. `handle()`
// needs no socket, so a vendor's own server can hand it requests.
#pragma once
#include "message.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

using handler = std::function<response(request&)>;

namespace detail {

enum class param_kind { none, str, integer, slug, rest };

// One pattern segment: literal text, or prefix{name:type}suffix.
struct segment_pattern {
  std::string prefix;  // the whole text when kind == none
  std::string name;
  std::string suffix;
  param_kind kind = param_kind::none;
};

inline bool is_slug_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

inline bool match_value(param_kind k, std::string_view v) noexcept {
  switch (k) {
    case param_kind::none: return true;
    case param_kind::str: return !v.empty();
    case param_kind::integer:
      if (v.empty() || v.size() > 18) return false;
      return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    case param_kind::slug: return !v.empty() && std::all_of(v.begin(), v.end(), is_slug_char);
    case param_kind::rest: return true;
  }
  return false;
}

// Splits "/a/b" into {"a","b"}; "/" into {""}.
inline std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  while (true) {
    auto s = p.find('/');
    out.push_back(p.substr(0, s));
    if (s == std::string_view::npos) break;
    p.remove_prefix(s + 1);
  }
  return out;
}

inline std::string normalize_prefix(std::string_view p) {
  std::string s(p);
  if (s.empty() || s.front() != '/') s.insert(s.begin(), '/');
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s == "/" ? std::string{} : s;
}

}  // namespace detail

class router {
 public:
  router() = default;
  // A router that owns only paths under `prefix` ("/pbgdpl"); its routes are written relative to it.
  explicit router(std::string_view prefix) : prefix_(detail::normalize_prefix(prefix)) {}

  const std::string& prefix() const noexcept { return prefix_; }

  // Adds a route. Pattern segments: literal, "{name}" (any non-empty segment), "{name:int}",
  // "{name:slug}" ([a-z0-9-]+), "{name:path}" (the rest, last segment only), with optional literal
  // text around the braces ("trang-{page:int}"). Bad patterns are a programming error: they throw.
  router& route(verb method, std::string_view pattern, handler h) {
    route_entry r;
    r.method = method;
    r.pattern = std::string(pattern);
    r.h = std::move(h);
    auto segs = detail::split_path(pattern);
    for (std::size_t i = 0; i < segs.size(); ++i) {
      detail::segment_pattern sp;
      auto seg = segs[i];
      auto open = seg.find('{');
      if (open == std::string_view::npos) {
        sp.prefix = std::string(seg);
        r.score += 4;
      } else {
        auto close = seg.find('}', open);
        if (close == std::string_view::npos || seg.find('{', open + 1) < close)
          throw_error(error(errc::invalid_argument, std::string(pattern), "Mẫu đường dẫn sai", "Bad route pattern"));
        sp.prefix = std::string(seg.substr(0, open));
        sp.suffix = std::string(seg.substr(close + 1));
        std::string_view inside = seg.substr(open + 1, close - open - 1);
        auto colon = inside.find(':');
        sp.name = std::string(inside.substr(0, colon));
        std::string_view type = colon == std::string_view::npos ? "str" : inside.substr(colon + 1);
        if (type == "str" || type == "string") sp.kind = detail::param_kind::str;
        else if (type == "int") sp.kind = detail::param_kind::integer;
        else if (type == "slug") sp.kind = detail::param_kind::slug;
        else if (type == "path") sp.kind = detail::param_kind::rest;
        else throw_error(error(errc::invalid_argument, std::string(pattern), "Kiểu tham số không biết", "Unknown parameter type"));
        if (sp.name.empty() || (sp.kind == detail::param_kind::rest && (i + 1 != segs.size() || !sp.prefix.empty() || !sp.suffix.empty())))
          throw_error(error(errc::invalid_argument, std::string(pattern), "Mẫu đường dẫn sai", "Bad route pattern"));
        r.score += !sp.prefix.empty() || !sp.suffix.empty() ? 3
                   : sp.kind == detail::param_kind::rest ? 0
                   : sp.kind == detail::param_kind::str  ? 1
                                                         : 2;
      }
      r.segments.push_back(std::move(sp));
    }
    // More specific routes first; equal ones keep their order.
    auto pos = std::find_if(routes_.begin(), routes_.end(), [&](const route_entry& e) { return e.score < r.score; });
    routes_.insert(pos, std::move(r));
    return *this;
  }
  router& get(std::string_view p, handler h) { return route(verb::get, p, std::move(h)); }
  router& post(std::string_view p, handler h) { return route(verb::post, p, std::move(h)); }
  router& put(std::string_view p, handler h) { return route(verb::put, p, std::move(h)); }
  router& patch(std::string_view p, handler h) { return route(verb::patch, p, std::move(h)); }
  router& del(std::string_view p, handler h) { return route(verb::delete_, p, std::move(h)); }

  // Hands every path under `prefix` to `sub` (whose own prefix, if any, is relative to ours).
  router& mount(std::string_view prefix, std::shared_ptr<const router> sub) {
    mounts_.push_back({detail::normalize_prefix(prefix), std::move(sub)});
    std::sort(mounts_.begin(), mounts_.end(), [](const auto& a, const auto& b) { return a.prefix.size() > b.prefix.size(); });
    return *this;
  }
  router& mount(std::string_view prefix, router sub) {
    return mount(prefix, std::make_shared<const router>(std::move(sub)));
  }

  // What answers when nothing matches (a JSON 404 by default; the portal sets an HTML page).
  router& on_not_found(handler h) {
    not_found_ = std::move(h);
    return *this;
  }

  // True when this router's prefix covers `path` (a decoded path or a raw target).
  bool owns(std::string_view path) const noexcept {
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    return prefix_matches(prefix_, path);
  }

  // Answers one request; never throws. `req` must have been prepare()d or is prepared here.
  response handle(request& req) const {
    try {
      if (auto r = req.prepare(); !r) return error_response(r.err(), status::bad_request);
      return dispatch(req);
    } catch (const exception& e) {
      return error_response(e.err());
    } catch (const std::exception&) {
      return error_response(status::internal_server_error, errc::internal);
    }
  }

  // For a vendor's Beast server: one Beast request in, one Beast response out.
  beast_response handle(beast_request msg) const {
    request req(std::move(msg));
    response res = handle(req);
    bool head = req.method() == verb::head;
    auto out = to_beast(res, req.version(), req.keep_alive());
    if (head) {
      auto n = out.body().size();
      out.body().clear();
      out.content_length(n);
    }
    return out;
  }

  // As a handler for the server or a middleware pipeline.
  handler as_handler() const& {
    return [this](request& r) { return handle(r); };
  }
  static handler as_handler(std::shared_ptr<const router> r) {
    return [r = std::move(r)](request& q) { return r->handle(q); };
  }

 private:
  struct route_entry {
    verb method = verb::get;
    std::string pattern;
    std::vector<detail::segment_pattern> segments;
    handler h;
    int score = 0;
  };
  struct mount_entry {
    std::string prefix;
    std::shared_ptr<const router> sub;
  };

  static bool prefix_matches(std::string_view prefix, std::string_view path) noexcept {
    if (prefix.empty()) return true;
    if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
    return path.size() == prefix.size() || path[prefix.size()] == '/';
  }

  static bool match(const route_entry& r, const std::vector<std::string_view>& segs, param_list& out) {
    out.clear();
    std::size_t n = r.segments.size();
    bool rest = n > 0 && r.segments.back().kind == detail::param_kind::rest;
    if (rest ? segs.size() < n - 1 : segs.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& sp = r.segments[i];
      if (sp.kind == detail::param_kind::rest) {
        std::string v;
        for (std::size_t j = i; j < segs.size(); ++j) {
          if (j > i) v.push_back('/');
          v.append(segs[j]);
        }
        out.emplace_back(sp.name, std::move(v));
        return true;
      }
      std::string_view s = segs[i];
      if (sp.kind == detail::param_kind::none) {
        if (s != sp.prefix) return false;
        continue;
      }
      if (s.size() < sp.prefix.size() + sp.suffix.size() || s.substr(0, sp.prefix.size()) != sp.prefix ||
          s.substr(s.size() - sp.suffix.size()) != sp.suffix)
        return false;
      auto v = s.substr(sp.prefix.size(), s.size() - sp.prefix.size() - sp.suffix.size());
      if (!detail::match_value(sp.kind, v)) return false;
      out.emplace_back(sp.name, std::string(v));
    }
    return true;
  }

  response dispatch(request& req) const {
    std::size_t base = req.route_offset();
    std::string_view path = req.route_path();
    if (!prefix_matches(prefix_, path)) return not_found(req);
    std::size_t off = base + prefix_.size();
    std::string_view rel = std::string_view(req.path()).substr(off);
    if (rel.empty()) rel = "/";

    for (const auto& m : mounts_) {
      if (prefix_matches(m.prefix, rel)) {
        return m.sub->handle_mounted(req, off + m.prefix.size());
      }
    }

    auto segs = detail::split_path(rel);
    param_list params;
    const route_entry* found = nullptr;
    const route_entry* get_fallback = nullptr;
    std::string allow;
    auto add_allow = [&](std::string_view m) {
      if (allow.find(m) != std::string::npos) return;
      if (!allow.empty()) allow.append(", ");
      allow.append(m);
    };
    for (const auto& r : routes_) {
      if (!match(r, segs, params)) continue;
      auto name = bhttp::to_string(r.method);
      add_allow(std::string_view(name.data(), name.size()));
      if (r.method == verb::get) add_allow("HEAD");
      if (!found && r.method == req.method()) {
        found = &r;
        req.mutable_params() = params;
      } else if (!found && !get_fallback && req.method() == verb::head && r.method == verb::get) {
        get_fallback = &r;
        req.mutable_params() = params;
      }
    }
    if (!found) found = get_fallback;
    if (found) return found->h(req);
    if (!allow.empty()) {
      if (req.method() == verb::options) {
        response r(status::no_content);
        r.set("Allow", allow + ", OPTIONS");
        return r;
      }
      response r = error_response(status::method_not_allowed, errc::invalid_argument,
                                  "Phương thức không được hỗ trợ cho đường dẫn này",
                                  "Method not allowed for this path");
      r.set("Allow", allow);
      return r;
    }
    return not_found(req);
  }

  response handle_mounted(request& req, std::size_t offset) const {
    std::size_t saved = req.route_offset();
    req.set_route_offset(offset);
    response r = dispatch(req);
    req.set_route_offset(saved);
    return r;
  }

  response not_found(request& req) const {
    if (not_found_) return not_found_(req);
    return error_response(status::not_found, errc::not_found);
  }

  std::string prefix_;
  std::vector<route_entry> routes_;
  std::vector<mount_entry> mounts_;
  handler not_found_;
};

}  // namespace http
PBGDPL_NAMESPACE_END
