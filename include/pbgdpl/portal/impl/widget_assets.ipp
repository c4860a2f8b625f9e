// The widgets' static script and base stylesheet (portal/widgets.hpp). Included by impl/widgets.ipp.
#pragma once
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace portal {
namespace widget_detail {

// The host page's snippet: <script src=".../pbgdpl/tien-ich/tien-ich.js" data-pbgdpl-widget="news"
// async></script>. It inserts an iframe after each such script element and nothing else: no eval,
// no inline script or style on the host page (element.style through the CSSOM is not inline
// style under CSP), no request but the iframe's own. Its address is taken from the script's own
// src, so a host page needs only script-src and frame-src for the portal's origin.
inline constexpr std::string_view widget_js = R"JS(/* pbgdpl widgets (issue 20): replaces nothing, inserts one iframe after each
   <script src=".../pbgdpl/tien-ich/tien-ich.js" data-pbgdpl-widget="..."> element. */
(function () {
  "use strict";
  var names = { "tin-moi": "tin-moi", news: "tin-moi", "bieu-ngu": "bieu-ngu", banner: "bieu-ngu",
                "hoi-dap": "hoi-dap", ask: "hoi-dap", "man-hinh": "man-hinh", display: "man-hinh" };
  var heights = { "tin-moi": 380, "bieu-ngu": 190, "hoi-dap": 210, "man-hinh": 380 };
  var titles = {
    vi: { "tin-moi": "Tin phổ biến, giáo dục pháp luật", "bieu-ngu": "Biểu ngữ trang phổ biến pháp luật thành phố",
          "hoi-dap": "Gửi câu hỏi pháp luật", "man-hinh": "Màn hình cầu thang pháp luật đang chiếu" },
    en: { "tin-moi": "Legal education news", "bieu-ngu": "City legal education portal banner",
          "hoi-dap": "Ask a legal question", "man-hinh": "What the legal staircase screen shows now" }
  };
  var passed = ["n", "lang", "theme", "accent", "bg", "fg", "font"];
  var id = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
  var tail = "/pbgdpl/tien-ich/tien-ich.js";
  function place(s) {
    s.setAttribute("data-pbgdpl-done", "");
    var name = names[s.getAttribute("data-pbgdpl-widget")];
    var src = String(s.src || "").split("#")[0].split("?")[0];
    if (!name || src.slice(-tail.length) !== tail) return;
    var base = src.slice(0, -tail.length);
    var unit = s.getAttribute("data-unit");
    if (unit !== null) {
      if (!id.test(unit)) return;
      base = base.replace(/\/don-vi\/[^\/]+$/, "") + "/don-vi/" + unit;
    }
    var path = base + "/pbgdpl/tien-ich/" + name;
    if (name === "man-hinh") {
      var d = s.getAttribute("data-display");
      if (d === null || !id.test(d)) return;
      path += "/" + d;
    }
    var q = [];
    for (var i = 0; i < passed.length; i++) {
      var v = s.getAttribute("data-" + passed[i]);
      // Colours in lower case: the portal takes only the one spelling of each (one cache entry).
      if (v !== null && v !== "") q.push(passed[i] + "=" + encodeURIComponent(/^(accent|bg|fg)$/.test(passed[i]) ? v.toLowerCase() : v));
    }
    var lang = s.getAttribute("data-lang") === "en" ? "en" : "vi";
    var f = document.createElement("iframe");
    f.src = path + "/khung" + (q.length ? "?" + q.join("&") : "");
    f.title = s.getAttribute("data-title") || titles[lang][name];
    f.loading = "lazy";
    f.referrerPolicy = "strict-origin-when-cross-origin";
    var h = parseInt(s.getAttribute("data-height"), 10);
    var fixed = h > 0 && h < 4000;
    f.height = String(fixed ? h : heights[name]);
    f.style.width = "100%";
    f.style.border = "0";
    f.style.display = "block";
    // Without data-height the frame takes the height its page reports (khung.js), from the
    // portal's origin and that frame only.
    if (!fixed) {
      var origin = base.replace(/^([a-z]+:\/\/[^\/]+).*$/i, "$1");
      window.addEventListener("message", function (e) {
        if (e.origin !== origin || e.source !== f.contentWindow || !e.data || e.data.pbgdpl !== "height") return;
        var px = Math.ceil(Number(e.data.height));
        if (px > 0 && px < 4000) f.height = String(px);
      });
    }
    s.parentNode.insertBefore(f, s.nextSibling);
  }
  var all = document.querySelectorAll("script[data-pbgdpl-widget]");
  for (var k = 0; k < all.length; k++)
    if (!all[k].hasAttribute("data-pbgdpl-done")) place(all[k]);
})();
)JS";

// The iframe pages' only script: tells the page that framed it how tall its content is, so the
// host's tien-ich.js sizes the frame (the height alone, so any target origin may read it).
inline constexpr std::string_view frame_js = R"JS(/* pbgdpl widgets: the frame's height for tien-ich.js. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) {
      last = h;
      window.parent.postMessage({ pbgdpl: "height", height: h }, "*");
    }
  }
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
  window.addEventListener("load", send);
  send();
})();
)JS";

// Scoped to the widgets' own classes, so a host page may link it beside a fragment without its
// own look changing; every colour and the font through a CSS variable with a default.
inline constexpr std::string_view widget_css = R"CSS(/* pbgdpl widgets: set --pbgdpl-accent, --pbgdpl-bg, --pbgdpl-fg,
   --pbgdpl-muted and --pbgdpl-font on .pbgdpl-w (or :root) to theme them. */
body.pbgdpl-frame{margin:0;background:var(--pbgdpl-bg,#fff)}
.pbgdpl-w{box-sizing:border-box;padding:.75rem 1rem;background:var(--pbgdpl-bg,#fff);color:var(--pbgdpl-fg,#1a1a1a);
  font-family:var(--pbgdpl-font,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif);font-size:1rem;line-height:1.45;
  border-top:4px solid var(--pbgdpl-accent,#0b2e6b)}
.pbgdpl-w *{box-sizing:border-box}
.pbgdpl-w-title{margin:0 0 .5rem;font-size:1.15rem;line-height:1.3;color:var(--pbgdpl-fg,#1a1a1a)}
.pbgdpl-w a{color:var(--pbgdpl-accent,#0b2e6b);text-decoration:underline}
.pbgdpl-w a:focus-visible{outline:3px solid var(--pbgdpl-accent,#0b2e6b);outline-offset:2px}
.pbgdpl-w-list{list-style:none;margin:0;padding:0}
.pbgdpl-w-list li{padding:.35rem 0;border-bottom:1px solid rgba(127,127,127,.35)}
.pbgdpl-w-meta{display:block;font-size:.875rem;color:var(--pbgdpl-muted,#4a4a4a)}
.pbgdpl-w-more{margin:.6rem 0 0}
.pbgdpl-w-banner img{display:block;max-width:100%;height:auto}
.pbgdpl-w-caption{display:block;margin-top:.35rem;font-size:.875rem;color:var(--pbgdpl-fg,#1a1a1a)}
.pbgdpl-w-button{display:inline-block;margin-top:.4rem;padding:.45rem .9rem;border-radius:4px;
  background:var(--pbgdpl-accent,#0b2e6b);color:var(--pbgdpl-bg,#fff)!important;text-decoration:none!important;font-weight:600}
.pbgdpl-w-now{font-weight:600}
.pbgdpl-w-thumb{float:right;max-width:96px;height:auto;margin-left:.5rem}
)CSS";

}  // namespace widget_detail
}  // namespace portal
PBGDPL_NAMESPACE_END
