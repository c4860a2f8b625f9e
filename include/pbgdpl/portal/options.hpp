// What a vendor configures on the portal, and the small pieces its parts (pages, API, site) share:
// the authentication and authorization hooks, the clock, the query parameters each cache
// partition keys on, the reading of Host, and the public URL scheme.
#pragma once
#include "../core/time.hpp"
#include "../http/middleware.hpp"
#include "../model/banner.hpp"
#include "../store/record_cache.hpp"
#include "../trust/form_tokens.hpp"
#include "../trust/minisign.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

class live_units;
class media_library;        // media_library.hpp
class syndication_signer;   // syndication.hpp
class signage_service;      // signage_api.hpp

// Decides whether a caller may write. The portal asks it before every API write; the default
// (none set) refuses all writes, so a vendor must opt in to writing.
using authorizer = std::function<result<void>(const http::principal&, std::string_view action, const std::string& unit)>;
// Turns the key of an "Authorization: Bearer <key>" header into a principal (trust/tokens.hpp
// keys): the HTTP layer's one authenticator type.
using authenticator = http::authenticator;
// The time the portal reads: what is published "now" (scheduled articles appear from their
// publication time on) and the server-owned timestamps of API writes. Tests set their own.
using clock = std::function<timestamp()>;

struct options {
  std::string base_url = "http://127.0.0.1:8080";  // absolute URLs (feeds, sitemap, Open Graph)
  // The path a reverse proxy strips before requests reach this handler ("/phap-luat" when the
  // public URL is https://school.example/phap-luat/pbgdpl/ but the handler sees /pbgdpl/).
  // Every URL the portal writes starts with it, then with where the handler is mounted on an
  // http::router (which the portal reads from the request itself, so a router mount needs no
  // option). "" or a path of [A-Za-z0-9._~-] segments; the site refuses anything else.
  std::string public_prefix;
  std::string default_unit;                        // the unit served for unknown Host headers
  std::map<std::string, std::string, std::less<>> hosts;  // Host header (without port) → unit id
  std::filesystem::path theme_dir;                 // optional: templates that replace built-ins
  std::optional<banner> city_banner;               // shown on every page (plan task 1.1)
  // The legal-advice hotline ("Đường dây nóng"), shown in every page's footer and on the
  // questions page: a phone number of digits, spaces and . - ( ), an optional leading +; "" none.
  std::string hotline;
  // Where "Gửi câu hỏi" on the questions page leads: an http(s):// form or a mailto: address.
  // "" = the portal's own form, <unit>/pbgdpl/hoi-dap/gui-cau-hoi (a unit that ended: the form of
  // the first unit that took it over, else no link).
  std::string ask_url;
  std::size_t page_size = 10;
  std::size_t feed_size = 20;
  // URLs per sitemap file (sitemaps.org allows 50,000): /sitemap.xml is one <urlset> while the
  // section's pages fit, else an index of day files (impl/sitemap.ipp). Tests set a small one.
  std::size_t sitemap_limit = 50000;
  authenticator authenticate;
  authorizer authorize;
  clock now;  // unset: pbgdpl::now()
  // The unit directory the site answers from. Share one with account_authorizer() so both read
  // the same tree, loaded once; unset: the site keeps its own.
  std::shared_ptr<live_units> units;
  // The page cache. Unless set here, its policy keys pages on the query parameters the portal
  // reads (page_query_params) and treats only keyed API calls as personal, so a random query
  // string or a stray Authorization header on a page is answered from the cache.
  http::cache_limits cache{};
  // Decoded records the pages keep between requests (store/record_cache.hpp): an article or
  // document is parsed once while the store is unchanged, and any write, this process's or
  // another's, drops them all. Apart from the page cache: with that off, every page is still
  // assembled and rendered per request from these records. max_entries = 0: read every time.
  store::record_cache::limits records{};
  // Per-client rates for what the cache cannot absorb: searches (each new query runs one) and
  // API writes (checked before the key, so they also slow key guessing). 429 with Retry-After.
  http::rate_limit_config search_rate{20, 100};
  http::rate_limit_config write_rate{5, 50};
  // Posts of the public question form, per client: a school's pupils may share one address, so
  // a burst of 10, then one a minute. Refused posts count too (they are what a flood sends).
  http::rate_limit_config ask_rate{1.0 / 60.0, 10};
  // How old the form's signed token must be when posted (trust/form_tokens.hpp): at least a few
  // seconds (a script posting at once is refused), at most a few hours.
  trust::form_token_limits ask_token{};
  // The secret the form's tokens are signed with. Unset: 32 random bytes drawn when the site starts
  // (forms opened before a restart must be sent again). Several nodes behind one load balancer
  // set the same secret here, so a form served by one is accepted by another.
  std::optional<std::array<std::uint8_t, 32>> form_secret;
  // Proxies (addresses or CIDR prefixes) whose X-Forwarded-For names the client for the rates
  // above (ask_rate too); used when a rate's own trusted_proxies is empty. From these peers only,
  // X-Forwarded-Proto, -Host and -Prefix also name the public URL (forwarded_url below).
  std::vector<std::string> trusted_proxies;

  // --- who is calling (issue 11) ---
  // The vendor's own login, asked with the whole request (cookies, headers, remote_address) when
  // the host has not set request::principal itself: a principal, or nullopt to go on to the
  // Bearer key (`authenticate`). Callers it names (or the host set) carry ambient credentials a
  // browser sends on its own, so their API writes must pass the same-origin check below.
  http::request_authenticator identify;
  // Origins ("https://truong.edu.vn", "http://127.0.0.1:8080") whose pages may write through the
  // API with ambient credentials. base_url's origin and each host of `hosts` (with base_url's
  // scheme) are always allowed. Such a write names its origin in Origin (or, without it, Referer).
  std::vector<std::string> allowed_origins;
  // Optional: accepts the X-CSRF-Token header of an ambient write (a token the vendor's pages
  // embed), for clients whose Origin cannot match. Unset: only the origin check.
  std::function<bool(const http::request&, std::string_view token)> check_csrf_token;

  // --- the editor (issue 14) ---
  // Screens mounted at "/quan-tri" beside the pages (portal/editor.hpp's editor::routes()); they
  // pass the same middleware (security headers, checks) and are never cached (no-store).
  std::shared_ptr<const http::router> editor_routes;
  // The units' uploaded images (portal/media_library.hpp): served read-only at
  // "/don-vi/{unit}/pbgdpl/tep", and an article's cover is shown when its file is here.
  std::shared_ptr<const media_library> media;

  // --- upward syndication (issue 15) ---
  // Signs each unit's export package for the city portal with the portal's syndication key
  // (portal/syndication.hpp), served at <unit>/pbgdpl/lien-thong/goi.json and .minisig, the
  // public key at .../khoa.pub. Unset: those three answer 404 (the Atom feed is served anyway).
  std::shared_ptr<syndication_signer> syndication;

  // --- the legal staircase (issue 16) ---
  // The device side of the screens (portal/signage_api.hpp): enrolment, signed manifests, content,
  // proof of play and heartbeats under /api/v1/signage/. Unset: those routes answer 404 (the
  // collections of displays, groups, layouts, playlists and schedules are served anyway). The
  // public page "Cầu thang pháp luật" checks approvals and shows thumbnails through its content
  // store, and the kiosk builds and verifies manifests through it: unset, neither does.
  std::shared_ptr<signage_service> signage;

  // --- yearly reports (issue 17) ---
  // Opens an account's signing key with the password it typed (account_service::approval_key, which
  // counts wrong passwords against the sign-in throttle): the API's report submit and approve sign
  // with it, the password in the request's body. Unset: those two answer 403 (nothing can sign).
  std::function<result<trust::secret_key>(const account_id&, std::string_view password)> signing_key;

  // --- widgets (issue 20) ---
  // The sites whose pages may frame the widgets' iframe pages (CSP frame-ancestors sources:
  // "https://*.edu.vn https://truong.example"). Only those pages are framable; every other page
  // keeps frame-ancestors 'self'. The widgets link out and post nothing, so "*" is the default.
  std::string widget_frame_ancestors = "*";
};

// The query parameters each cache partition keys on: exactly those its handlers read. A parameter
// a handler reads must be listed for its partition, or two different answers would share an
// entry; one listed but not read would let a stranger make endless entries of one page.
// Pages: ?lang= everywhere, ?sau= on category pages only (other pages refuse it).
const std::vector<std::string>& page_query_params();
const std::vector<std::string>& search_query_params();
const std::vector<std::string>& api_query_params();

// A Host header as the portal reads it: lower case, port and final dot dropped, and only when the
// operator configured it in options::hosts; any other Host is "" (the default unit). The cache
// key, the unit chosen and absolute URLs all use this one reading.
std::string canonical_host(const options& o, std::string_view host);

// Where a request's portal is, as a path for links: options::public_prefix, then the part of the
// decoded path the routers above the current handler consumed ("/phap-luat", "/don-vi/th-a").
std::string mount_base(const options& o, const http::request& req);
// What a reverse proxy in front says the public URL is (issue 20): X-Forwarded-Proto, -Host and
// -Prefix, believed only when request::remote_address is one of options::trusted_proxies (matched
// as for X-Forwarded-For). Of each header the rightmost value (all its lines, comma-separated, taken
// together) is read: the one the nearest proxy wrote, whether it replaces the header or appends.
// A value that fails its check is ignored, as if not sent: the answer is then the one without it.
//  - Proto: "http" or "https" (any case).
//  - Host: base_url's host[:port] or a host of options::hosts (no port), any case; never any
//    other, so a Host a client forged through a proxy that forwards it lands in no link.
//  - Prefix: what checked_public_prefix accepts, "/" for the root ("" is not sent); it replaces
//    options::public_prefix.
struct forwarded_url {
  std::string scheme;                 // "http" | "https"; "" when not sent or not believed
  std::string host;                   // an allowed authority in lower case; ""
  std::optional<std::string> prefix;  // canonical ("" or "/a/b"); nullopt when not sent
};
forwarded_url forwarded(const options& o, const http::request& req);
// The prefix this request's public URLs start with: a trusted proxy's X-Forwarded-Prefix, else
// options::public_prefix.
std::string public_prefix_of(const options& o, const http::request& req);
// The origin of this request's absolute URLs ("https://truong.edu.vn"): the configured host the
// request names (X-Forwarded-Host from a trusted proxy, else Host) with base_url's scheme or the
// proxy's X-Forwarded-Proto; else base_url with that scheme. Never a host nobody configured.
std::string public_origin(const options& o, const http::request& req);
// The cache's vary part for the portal: the public scheme and prefix of the request, as above.
void append_public_url(const options& o, const http::request& req, std::string& key);

// options::public_prefix made canonical ("/x/y", no final '/'), or an error for one that could
// carry markup or another host into links ("//evil", spaces, quotes, escapes).
result<std::string> checked_public_prefix(std::string_view prefix);
// options::base_url as an operator gives it: an origin only, http(s)://host[:port] (final '/'
// dropped), no path (that is public_prefix's), query, fragment or user; else an error in both
// languages. The demo's --base-url and the C API's "base_url" read it through here.
result<std::string> checked_base_url(std::string_view url);
// options::hotline as a tel: URI ("024 3382 1234" → "tel:02433821234"; "" for ""), or an error
// for text that is not a phone number.
result<std::string> hotline_tel(std::string_view hotline);
// options::ask_url if it is an http(s):// or mailto: address ("" stays ""), else an error.
result<std::string> checked_ask_url(std::string_view url);

// Public-facing URL scheme, in one place so pages, feeds and the sitemap agree. `base` is where
// the unit's pages are mounted: "" (by Host), "/don-vi/th-van-yen", or below a vendor's prefix.
struct urls {
  std::string base;
  std::string section() const { return base + "/pbgdpl/"; }
  std::string category(std::string_view slug) const { return base + "/pbgdpl/" + std::string(slug) + "/"; }
  std::string article(std::string_view id) const { return base + "/pbgdpl/bai-viet/" + std::string(id); }
  std::string document(std::string_view id) const { return base + "/pbgdpl/van-ban/" + std::string(id); }
  std::string question(std::string_view id) const { return base + "/pbgdpl/hoi-dap/" + std::string(id); }
  std::string ask() const { return base + "/pbgdpl/hoi-dap/gui-cau-hoi"; }
  std::string dialogues() const { return base + "/pbgdpl/doi-thoai/"; }
  std::string compliance() const { return base + "/pbgdpl/kiem-tra-trang-truong/"; }
  // The legal staircase (issue 16): the unit's screens, and a browser kiosk of one display.
  std::string signage() const { return base + "/pbgdpl/cau-thang-phap-luat/"; }
  std::string kiosk(std::string_view display) const { return base + "/pbgdpl/cau-thang-phap-luat/kiosk/" + std::string(display); }
  // News from the schools below the unit (network/aggregator.hpp) and its Atom feed.
  std::string school_news() const { return base + "/pbgdpl/tin-cac-truong/"; }
  std::string school_news_feed() const { return base + "/pbgdpl/tin-cac-truong/feed.atom"; }
  std::string dialogue(std::string_view id) const { return base + "/pbgdpl/doi-thoai/" + std::string(id); }
  std::string follow(std::string_view token) const { return base + "/pbgdpl/hoi-dap/theo-doi/" + std::string(token); }
  std::string search() const { return base + "/tim-kiem"; }
  std::string banner_kit() const { return base + "/pbgdpl/bieu-ngu/"; }
  std::string banner_image(std::uint32_t w, std::uint32_t h) const {
    return base + "/pbgdpl/bieu-ngu/" + std::to_string(w) + "x" + std::to_string(h) + ".png";
  }
  std::string feed(std::string_view ext, std::string_view category = {}) const {
    return category.empty() ? base + "/pbgdpl/feed." + std::string(ext)
                            : base + "/pbgdpl/" + std::string(category) + "/feed." + std::string(ext);
  }
  std::string statics() const { return base + "/pbgdpl/static"; }
  // Widgets (issue 20, portal/widgets.hpp): `name` is tin-moi, bieu-ngu, hoi-dap or
  // man-hinh/<display>; the fragment, its iframe page (/khung), the host's script, the frame's
  // script (its height) and the stylesheet.
  std::string widget(std::string_view name) const { return base + "/pbgdpl/tien-ich/" + std::string(name); }
  std::string widget_frame(std::string_view name) const { return widget(name) + "/khung"; }
  std::string widget_script() const { return base + "/pbgdpl/tien-ich/tien-ich.js"; }
  std::string widget_frame_script() const { return base + "/pbgdpl/tien-ich/khung.js"; }
  std::string widget_stylesheet() const { return base + "/pbgdpl/tien-ich/tien-ich.css"; }
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/options.ipp"
#endif
