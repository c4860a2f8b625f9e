// The portal's JSON API, its own component: a router for /api (v1 collections, the index and the
// OpenAPI document). Published content is readable by anyone; a key the vendor's authenticator
// accepts reads what its account may read and writes where the authorizer allows; every error is
// a JSON body with a stable code. The site mounts it at /api and hears of every write.
#pragma once
#include "../http/middleware.hpp"
#include "../http/router.hpp"
#include "../model.hpp"
#include "../store/store.hpp"
#include "options.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

class api {
 public:
  // `changed(kind)` runs after each write that succeeded, with the kind written ("article",
  // "unit", ...): the site drops its cached answers (and reads the units again after a unit write).
  // The store and options must outlive the API.
  api(store::store& db, const options& opt, std::function<void(std::string_view kind)> changed);
  api(const api&) = delete;
  api& operator=(const api&) = delete;

  // The routes, relative to where the API is mounted ("/v1/articles", "/openapi.json").
  std::shared_ptr<const http::router> routes() const noexcept { return routes_; }

  // The OpenAPI 3 description of the JSON API (served at /api/openapi.json).
  static json openapi();

  // One list answer stops near this size, so a few long bodies cannot make it huge.
  static constexpr std::size_t list_max_bytes = 2u * 1024u * 1024u;
  // Store pages a list may skip server-side when the caller may see none of their records.
  static constexpr std::size_t list_scan_pages = 10;

 private:
  void build();
  template <class T>
  void collection(const std::string& path, bool writable);

  // Who is reading: nobody (no Authorization header), or the key's account. A header that does
  // not authenticate (unknown, expired, revoked, not Bearer) is an error, so a client with a bad
  // key learns it at once instead of silently reading as anonymous.
  result<std::optional<http::principal>> identify(const http::request& req) const;
  // The key's account, required (writes).
  result<http::principal> caller(const http::request& req) const;
  timestamp now() const;

  store::store& db_;
  const options& opt_;
  std::function<void(std::string_view)> changed_;
  http::rate_limiter write_limiter_;
  std::shared_ptr<http::router> routes_;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/api.ipp"
#endif
