// Routes with typed path parameters ("/api/v1/articles/{id}", "/pbgdpl/{category}/trang-{page:int}"),
// method matching (405 with Allow, HEAD served by GET), and mounting routers or whole handlers
// under a prefix that may hold parameters ("/don-vi/{unit}"). `handle()` needs no socket, so a
// vendor's own server can hand it requests.
// Thread safety: build a router (route(), mount(), on_*()) on one thread before serving; then
// handle() is const and may run on any number of threads at once.
#pragma once
#include "message.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
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
    r.segments = parse_pattern(pattern, true, r.score);
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

  // Hands every path under `prefix` to `sub` (whose own prefix, if any, is relative to ours). The
  // prefix may hold parameters ("/don-vi/{unit}"): the sub-router's handlers see them beside their
  // own. Mounts with a prefix are tried before this router's routes, the longest first; a mount at
  // "/" (or "") catches what neither matched. A mounted router's handlers read route_path()
  // relative to it; the router sets that for the call and restores it after.
  router& mount(std::string_view prefix, std::shared_ptr<const router> sub) {
    auto m = mount_at(prefix);
    m.sub = std::move(sub);
    add_mount(std::move(m));
    return *this;
  }
  router& mount(std::string_view prefix, router sub) {
    return mount(prefix, std::make_shared<const router>(std::move(sub)));
  }
  // The same for a whole handler (a pipeline, another application): it sees the prefix's
  // parameters in params() and the rest of the path in route_path().
  router& mount(std::string_view prefix, handler h) {
    auto m = mount_at(prefix);
    m.h = std::move(h);
    add_mount(std::move(m));
    return *this;
  }

  // What answers when nothing matches (a JSON 404 by default; the portal sets an HTML page).
  router& on_not_found(handler h) {
    not_found_ = std::move(h);
    return *this;
  }
  // What answers a path whose routes take other methods (a JSON 405 by default); `allow` is the
  // value of the Allow header the answer should carry.
  router& on_method_not_allowed(std::function<response(request&, std::string_view allow)> h) {
    method_not_allowed_ = std::move(h);
    return *this;
  }

  // True when this router's prefix covers `path` (a decoded path or a raw target).
  bool owns(std::string_view path) const noexcept {
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    return prefix_matches(prefix_, path);
  }

  // Answers one request; never throws. Prepares (checks and decodes) the request first: the entry
  // for a vendor's own loop. Inside a pipeline that prepared it at its entry, use handle_prepared().
  response handle(request& req) const {
    if (auto r = req.prepare(); !r) return error_response(r.err(), status::bad_request);
    return handle_prepared(req);
  }

  // Answers a request already prepare()d; never throws. Matching starts where the routers this
  // one is mounted under stopped (route_offset()), with the parameters their prefixes captured.
  response handle_prepared(request& req) const {
    try {
      param_list inherited = req.params();
      return dispatch(req, req.route_offset(), inherited);
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
    std::string prefix;                              // normalised; "" is the root mount
    std::vector<detail::segment_pattern> segments;  // the prefix's, literal or {param}
    std::shared_ptr<const router> sub;               // a router, or
    handler h;                                       // a whole handler
  };

  // Parses a pattern into segments (see route()); `rest_allowed` is false for mount prefixes.
  static std::vector<detail::segment_pattern> parse_pattern(std::string_view pattern, bool rest_allowed, int& score) {
    std::vector<detail::segment_pattern> out;
    auto segs = detail::split_path(pattern);
    for (std::size_t i = 0; i < segs.size(); ++i) {
      detail::segment_pattern sp;
      auto seg = segs[i];
      auto open = seg.find('{');
      if (open == std::string_view::npos) {
        sp.prefix = std::string(seg);
        score += 4;
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
        else if (type == "path" && rest_allowed) sp.kind = detail::param_kind::rest;
        else throw_error(error(errc::invalid_argument, std::string(pattern), "Kiểu tham số không biết", "Unknown parameter type"));
        if (sp.name.empty() || (sp.kind == detail::param_kind::rest && (i + 1 != segs.size() || !sp.prefix.empty() || !sp.suffix.empty())))
          throw_error(error(errc::invalid_argument, std::string(pattern), "Mẫu đường dẫn sai", "Bad route pattern"));
        score += !sp.prefix.empty() || !sp.suffix.empty() ? 3
                 : sp.kind == detail::param_kind::rest     ? 0
                 : sp.kind == detail::param_kind::str      ? 1
                                                           : 2;
      }
      out.push_back(std::move(sp));
    }
    return out;
  }

  // A mount's prefix, normalised and parsed (its parameters typed like a route's).
  static mount_entry mount_at(std::string_view prefix) {
    mount_entry m;
    m.prefix = detail::normalize_prefix(prefix);
    int score = 0;
    if (!m.prefix.empty()) m.segments = parse_pattern(m.prefix, false, score);
    return m;
  }

  void add_mount(mount_entry m) {
    if (m.prefix.empty()) {
      root_ = std::make_shared<const mount_entry>(std::move(m));
      return;
    }
    // Most segments first; equal ones keep their order.
    auto pos = std::find_if(mounts_.begin(), mounts_.end(),
                            [&](const mount_entry& e) { return e.segments.size() < m.segments.size(); });
    mounts_.insert(pos, std::move(m));
  }

  // One segment against its pattern; a parameter's value is appended to `out`.
  static bool match_segment(const detail::segment_pattern& sp, std::string_view s, param_list& out) {
    if (sp.kind == detail::param_kind::none) return s == sp.prefix;
    if (s.size() < sp.prefix.size() + sp.suffix.size() || s.substr(0, sp.prefix.size()) != sp.prefix ||
        s.substr(s.size() - sp.suffix.size()) != sp.suffix)
      return false;
    auto v = s.substr(sp.prefix.size(), s.size() - sp.prefix.size() - sp.suffix.size());
    if (!detail::match_value(sp.kind, v)) return false;
    out.emplace_back(sp.name, std::string(v));
    return true;
  }

  // How much of `rel` ("/a/b/c") a mount's prefix covers, or nothing when it does not match.
  static std::optional<std::size_t> match_prefix(const mount_entry& m, std::string_view rel, param_list& out) {
    std::size_t pos = 0;
    for (const auto& sp : m.segments) {
      if (pos >= rel.size() || rel[pos] != '/') return std::nullopt;
      auto end = rel.find('/', pos + 1);
      if (end == std::string_view::npos) end = rel.size();
      if (!match_segment(sp, rel.substr(pos + 1, end - pos - 1), out)) return std::nullopt;
      pos = end;
    }
    return pos;
  }

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
      if (!match_segment(sp, segs[i], out)) return false;
    }
    return true;
  }

  // Matches the path from `base` on (the part the routers above did not consume). `inherited`:
  // the parameters their prefixes captured.
  response dispatch(request& req, std::size_t base, const param_list& inherited) const {
    std::string_view full = req.path();
    std::string_view path = full.substr(std::min(base, full.size()));
    if (!prefix_matches(prefix_, path)) return not_found(req);
    std::size_t off = std::min(base, full.size()) + prefix_.size();
    std::string_view rel = full.substr(off);
    if (rel.empty()) rel = "/";

    for (const auto& m : mounts_) {
      param_list params = inherited;
      if (auto n = match_prefix(m, rel, params)) return enter(m, req, full.size() > off ? off + *n : off, params);
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
    auto with_inherited = [&](const param_list& own) {
      param_list all = inherited;
      all.insert(all.end(), own.begin(), own.end());
      return all;
    };
    for (const auto& r : routes_) {
      if (!match(r, segs, params)) continue;
      auto name = bhttp::to_string(r.method);
      add_allow(std::string_view(name.data(), name.size()));
      if (r.method == verb::get) add_allow("HEAD");
      if (!found && r.method == req.method()) {
        found = &r;
        req.mutable_params() = with_inherited(params);
      } else if (!found && !get_fallback && req.method() == verb::head && r.method == verb::get) {
        get_fallback = &r;
        req.mutable_params() = with_inherited(params);
      }
    }
    if (!found) found = get_fallback;
    if (found) return found->h(req);
    if (!allow.empty()) {
      req.mutable_params() = inherited;
      if (req.method() == verb::options) {
        response r(status::no_content);
        r.set("Allow", allow + ", OPTIONS");
        return r;
      }
      if (method_not_allowed_) return method_not_allowed_(req, allow);
      response r = error_response(status::method_not_allowed, errc::invalid_argument,
                                  "Phương thức không được hỗ trợ cho đường dẫn này",
                                  "Method not allowed for this path");
      r.set("Allow", allow);
      return r;
    }
    if (root_) return enter(*root_, req, off, inherited);
    req.mutable_params() = inherited;
    return not_found(req);
  }

  // Runs a mount with route_path() starting at `offset` (restored afterwards, also on a throw).
  response enter(const mount_entry& m, request& req, std::size_t offset, const param_list& params) const {
    struct scope {
      request& r;
      std::size_t saved;
      ~scope() { r.set_route_offset(saved); }
    } restore{req, req.route_offset()};
    req.set_route_offset(offset);
    if (m.sub) return m.sub->dispatch(req, offset, params);
    req.mutable_params() = params;
    return m.h(req);
  }

  response not_found(request& req) const {
    if (not_found_) return not_found_(req);
    return error_response(status::not_found, errc::not_found);
  }

  std::string prefix_;
  std::vector<route_entry> routes_;
  std::vector<mount_entry> mounts_;
  std::shared_ptr<const mount_entry> root_;
  handler not_found_;
  std::function<response(request&, std::string_view)> method_not_allowed_;
};

}  // namespace http
PBGDPL_NAMESPACE_END
