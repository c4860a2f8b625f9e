// The portal's JSON API, its own component: a router for /api (v1 collections, the index and the
// OpenAPI document). Published content is readable by anyone; a caller the host names (its own
// login: request::principal or options::identify) or a key the vendor's authenticator accepts
// reads what it may read and writes where the authorizer allows; every error is a JSON body with
// a stable code. The site mounts it at /api and hears of every write. /api/v1/search searches
// what the public sees, by relevance or newest first (sort=relevance|newest).
// Thread safety: once built, one api serves the server's threads at once (its routes do not
// change and its write and search limiters lock); the hooks in options it calls must allow that too.
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
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

class api {
 public:
  // The store and options must outlive the API. Its writes need no callback: the store tells its
  // listeners (the site's cache among them) of every commit, the API's included.
  api(store::store& db, const options& opt);
  api(const api&) = delete;
  api& operator=(const api&) = delete;

  // The routes, relative to where the API is mounted ("/v1/articles", "/openapi.json").
  std::shared_ptr<const http::router> routes() const noexcept { return routes_; }

  // The OpenAPI 3 description of the JSON API (served at /api/openapi.json).
  static json openapi();
  // Its components/schemas/LegalDocument: the family, status, period, signature block and files.
  static json legal_document_schema();

  // True when an answer to `req` depends on who asks: it carries Authorization, the host set
  // request::principal, or options::identify names a caller. A cache in front of the API asks it,
  // so that a session's reads are neither answered from the shared cache nor stored in it (the
  // hook is then asked twice per request: here and by the handler).
  bool personal(const http::request& req) const;

  // One list answer stops near this size, so a few long bodies cannot make it huge.
  static constexpr std::size_t list_max_bytes = 2u * 1024u * 1024u;
  // Store pages a list may skip server-side when the caller may see none of their records.
  static constexpr std::size_t list_scan_pages = 10;

 private:
  void build();
  // GET /v1/search: q, sort (relevance or newest), kinds (comma separated), unit, limit, cursor.
  http::response search(http::request& req);
  template <class T>
  void collection(const std::string& path, bool writable);
  // /v1/webhooks: list (GET ?unit=), create (POST, the one answer with the secret), one webhook
  // and its delivery log (GET /{id}, /{id}/deliveries). All need a caller with the right to
  // publish at the webhook's unit ("publish:webhook"); nothing here is public or cached.
  void webhooks();
  // GET /v1/compliance: the compliance KPIs of a unit's schools (network/compliance_history.hpp).
  void compliance();

  // Screens (issue 16, impl/api_signage.ipp). Writes of displays, their groups and layouts need
  // manage_displays ("manage:<kind>"), of playlists and schedule entries schedule_signage
  // ("schedule:<kind>", or "schedule-approved:<kind>" when every legal item has a valid approval),
  // at the record's unit (a schedule entry's: its group's; a layout's: none, so the right at the
  // root of the tree). A caller who may schedule only approved content (a signage operator) may
  // touch only displays it operates (operator_account), groups and playlists that reach no other
  // display, and schedule only on such groups.
  template <class T>
  result<void> signage_write(const http::principal& who, const T& v, const T* current);
  // /v1/signage/: the device routes (portal/signage_api.hpp, when options::signage is set) and
  // GET /v1/signage/plays?unit=&from=&to= (plays counted per content, display, unit and day).
  void signage_routes();
  static void signage_openapi(json& paths, const json& list_params, const json& id_param, const json& key_only,
                              const json& read_responses);
  // Yearly reports (issue 17, impl/api_reports.ipp): /v1/reports/ templates, periods (with
  // completeness), submissions (open, values, refresh, submit, approve, return), excuses and the
  // roll-up with its downloads. Never public; each caller sees the reports of the units it fills
  // in, reviews or audits on the round's tree (portal/reports_view.hpp).
  void reports_routes();
  static void reports_openapi(json& paths, const json& id_param, const json& key_only, const json& read_responses,
                              const json& write_responses);
  // Whether every item of p in a legal zone has an approval record of its media's current bytes,
  // for a signage use, valid now (the fact content_approved of trust/permissions.hpp).
  result<bool> content_approved(const playlist& p);
  // Whether every display in group g and the groups below it is operated by `who`.
  result<bool> operates_group(const http::principal& who, const display_group_id& g);

  // Who calls, and whether by ambient credentials: a principal the host set on the request or
  // its options::identify hook found (a browser sends a session cookie on its own, even on a
  // request another site's page starts) rather than a key the client presented.
  struct caller_info {
    http::principal who;
    bool ambient = false;
  };
  // Who is reading, in this order: request::principal as the host set it, else options::identify,
  // else the Bearer key (nobody without an Authorization header). A header that does not
  // authenticate (unknown, expired, revoked, not Bearer) is an error, so a client with a bad key
  // learns it at once instead of silently reading as anonymous.
  result<std::optional<caller_info>> identify(const http::request& req) const;
  // The caller of a write: required (401), and from a page of an allowed origin (or with a token
  // check_csrf_token accepts) when its credentials are ambient (403 "csrf").
  result<caller_info> writer(const http::request& req) const;
  timestamp now() const;

  store::store& db_;
  const options& opt_;
  std::vector<std::string> write_origins_;  // origins whose pages may write with ambient credentials
  http::rate_limiter write_limiter_;
  http::rate_limiter search_limiter_;  // options::search_rate, as the search page: each new query runs one
  std::shared_ptr<http::router> routes_;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/api.ipp"
#endif
