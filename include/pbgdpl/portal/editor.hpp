// The editor: server-rendered screens under /quan-tri/ where a school clerk writes, a principal
// approves (and signs) and a lawyer answers questions, without training and without JavaScript.
// Every step of the workflow (publish/workflow.hpp) is checked against the permission function
// for the content's unit (trust/permissions.hpp) on the day of the action, and written with the
// actor, so the store's audit log holds who did what; the revisions screen reads that log.
//
// Security: a session cookie (HttpOnly, SameSite=Strict, Secure unless the portal is plain
// loopback http), renewed at every sign-in; every form carries a CSRF token bound to the session
// (a pre-session token for the sign-in form); every answer is no-store and never cached.
// Thread safety: like the site, one editor serves all threads.
#pragma once
#include "../publish/workflow.hpp"
#include "../store/store.hpp"
#include "accounts.hpp"
#include "media_library.hpp"
#include "options.hpp"
#include "units.hpp"

#include <array>
#include <memory>
#include <string>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace editor_detail {
struct call;
using body_fn = std::function<http::response(http::request&, call&)>;
// Wraps a screen: signed in, and every POST with the session's CSRF token (editor_screens.ipp).
using guard_fn = std::function<http::handler(body_fn)>;
}  // namespace editor_detail

struct editor_options {
  std::string cookie_name = "pbgdpl_phien";
  // Cookies carry Secure unless this says otherwise; the reference portal clears it only when its
  // base URL is plain http on loopback (a browser would drop a Secure cookie over http).
  bool secure_cookies = true;
  // A signed approval stays valid this long (the public page shows "verified" while it holds).
  std::chrono::seconds approval_validity = std::chrono::hours(24 * 365 * 5);
  // The units' images ("Tệp và ảnh": upload, list, article covers). Unset: no media screen. The
  // server must let the upload route's bodies through: see upload_body_limit().
  std::shared_ptr<media_library> media;
};

// The body limit the server needs for the editor's upload routes (http::server_config::
// body_limit_for): the image limit (the banner limit for the banner screen) plus room for the
// form's other fields; nothing for any other target. `public_prefix` as the site's options have it. `signed_in` (the request's Cookie header
// → whether it carries a live session) keeps the large limit from strangers: their uploads get the
// server's default limit (a 413 before the body is read). Unset: every client gets it.
std::function<std::optional<std::size_t>(std::string_view, std::string_view)> upload_body_limit(
    const media_library& lib, std::string public_prefix = {}, std::function<bool(std::string_view cookie)> signed_in = {});

class editor {
 public:
  // `site_options`: the site's (its clock, public prefix and trusted proxies are read); `units`
  // the site's directory. `db` and `accounts` must outlive the editor.
  editor(store::store& db, account_service& accounts, std::shared_ptr<live_units> units, const options& site_options,
         editor_options eo = {});

  // The screens, to mount at "/quan-tri" (site options::extra_routes does).
  std::shared_ptr<const http::router> routes() const noexcept { return routes_; }

  // The signed-in account of a request (its session cookie), as the API's identify hook: a
  // browser signed in to the editor may use the JSON API (same-origin writes only).
  std::optional<http::principal> principal(const http::request& req);

 private:
  struct ctx;
  void build();
  void build_webhooks();  // impl/editor_webhooks.ipp
  void build_documents(const editor_detail::guard_fn& guarded);  // legal document records, publications
  void build_media();  // impl/editor_media.ipp
  void build_banner();  // impl/editor_banner.ipp: the unit's own banner (needs the media library)
  void build_dialogues(const editor_detail::guard_fn& guarded);  // impl/editor_dialogues.ipp
  void build_signage(const editor_detail::guard_fn& guarded);    // impl/editor_signage.ipp: "Màn hình"
  void build_reports(const editor_detail::guard_fn& guarded);    // impl/editor_reports.ipp: "Báo cáo"
  void build_training(const editor_detail::guard_fn& guarded);   // impl/editor_training.ipp: "Tập huấn và kênh"
  timestamp now() const;
  std::optional<account> signed_in(const http::request& req, std::string* token = nullptr);
  std::string csrf_for(std::string_view session_token) const;
  bool csrf_ok(const http::request& req, const std::map<std::string, std::string>& form, const std::string& session_token) const;

  store::store& db_;
  account_service& accounts_;
  std::shared_ptr<live_units> units_;
  options opt_;  // a copy: the clock, the public prefix and the trusted proxies are read from it
  editor_options eo_;
  std::array<unsigned char, 32> csrf_key_{};
  std::shared_ptr<http::router> routes_;
};

// Parses an application/x-www-form-urlencoded body (at most 400 fields: the document form posts
// every row of its repeated parts; bad escapes and invalid UTF-8 refused; a name given twice
// keeps the first).
result<std::map<std::string, std::string>> parse_form(std::string_view body);
// The value of cookie `name` in a Cookie header ("" when absent).
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/editor.ipp"
#endif
