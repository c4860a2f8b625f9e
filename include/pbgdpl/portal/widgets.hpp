// Embeddable widgets (issue 20): parts of a unit's section for sites that want only a part: the
// latest news, the city-portal banner, an "ask a legal question" box and a preview of what a
// display plays now. Each comes as an HTML fragment (server-side includes), a small framable page
// (iframe) and, through one static script, an iframe the script inserts; all under
// <unit base>/pbgdpl/tien-ich/ (urls::widget*), filed in a cache partition of their own.
// Thread safety: as the pages (pages.hpp), whose routes these are.
#pragma once
#include "pages.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// The query parameters the widgets read: their cache partition keys on exactly these.
const std::vector<std::string>& widget_query_params();
// True for a path (relative to the site's mount) under some unit's /pbgdpl/tien-ich/.
bool is_widget_path(std::string_view route_path) noexcept;

// How an iframe page looks: each value checked against an allow-list (colours as 6 hex digits,
// theme and font as keywords), never raw CSS. Empty: the stylesheet's default.
struct widget_theme {
  std::string theme;   // "light" | "dark"
  std::string accent;  // "#rrggbb" (lower case)
  std::string bg, fg;  // idem
  std::string font;    // "system" | "serif" | "sans-serif"
  bool empty() const noexcept { return theme.empty() && accent.empty() && bg.empty() && fg.empty() && font.empty(); }
};

// The theme a request names (?theme=&accent=&bg=&fg=&font=), or a bilingual error naming the field.
result<widget_theme> parse_widget_theme(const http::request& req);
// The CSS variables of a theme, as one ":root{...}" rule ("" for the default theme).
std::string widget_theme_css(const widget_theme& t);
// options::widget_frame_ancestors made safe for the header: host sources separated by spaces
// ("*", "https://*.edu.vn", "'self'"), or an error for anything that could end the directive.
result<std::string> checked_frame_ancestors(std::string_view sources);

class widgets {
 public:
  // The pages must outlive the widgets: the widgets read through them (units, lists, banner).
  widgets(pages& p, const options& o);
  widgets(const widgets&) = delete;
  widgets& operator=(const widgets&) = delete;

  // The widget routes, relative to a unit's root like the pages' (/pbgdpl/tien-ich/...).
  void add_routes(http::router& r);

 private:
  enum class form { fragment, frame };
  struct request_view;  // what one widget request knows (impl/widgets.ipp)
  using body_maker = std::string (widgets::*)(request_view&);
  void route(http::router& r, std::string_view pattern, body_maker make, bool per_display);
  http::response answer(http::request& req, body_maker make, form f, bool per_display);

  std::string news(request_view&);
  std::string banner_box(request_view&);
  std::string ask_box(request_view&);
  std::string display_preview(request_view&);

  pages& pages_;
  const options& opt_;
  std::string frame_ancestors_;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/widgets.ipp"
#endif
