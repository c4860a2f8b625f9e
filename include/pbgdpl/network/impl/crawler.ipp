// Bodies of network/crawler.hpp: compiled once into the network tier (src/network/crawler.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../crawler.hpp"
#include "../html.hpp"
#include "../robots.hpp"
#include "../sitemap.hpp"
#include "../url.hpp"
#include "../../core/text.hpp"
#include "../../model/banner.hpp"
#include "../../trust/hash.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <memory>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace crawl_detail {

inline std::string slug_of(std::string_view s) {
  auto r = text::slug(s.substr(0, 4096), 4096);
  return r ? std::move(r).value() : std::string();
}

// Does the slug contain the pattern as whole words ("pho-bien-phap-luat" in "tin-pho-bien-phap-luat-2023")?
inline bool has_words(std::string_view slug, std::string_view pattern) {
  if (slug.empty() || pattern.empty()) return false;
  std::string s = "-" + std::string(slug) + "-", p = "-" + std::string(pattern) + "-";
  return s.find(p) != std::string::npos;
}

inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(sep, i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Section names seen on real school sites (docs/design.md, "Compliance crawler"), in slug form,
// strongest first; the last two also name other things and count for less.
struct section_pattern {
  std::string_view slug;
  double weight;
};
inline constexpr section_pattern section_patterns[] = {
    {"pho-bien-giao-duc-phap-luat", 1.0}, {"pho-bien-phap-luat", 1.0}, {"giao-duc-phap-luat", 1.0},
    {"pbgdpl", 1.0},                      {"tuyen-truyen-phap-luat", 1.0}, {"goc-phap-luat", 1.0},
    {"goc-tuyen-truyen", 0.9},            {"hoat-dong-tuyen-truyen", 0.9}, {"phap-luat", 0.6},
    {"tuyen-truyen", 0.5}};

inline double section_weight(std::string_view slug, std::string_view* which = nullptr) {
  for (const auto& p : section_patterns)
    if (has_words(slug, p.slug)) {
      if (which) *which = p.slug;
      return p.weight;
    }
  return 0;
}

// Words in a post's title or slug that make it a legal-education post.
inline constexpr std::string_view legal_words[] = {"ngay-phap-luat", "phap-luat", "pbgdpl", "9-11", "hien-phap",
                                                   "tuyen-truyen", "luat"};
inline bool is_legal(std::string_view slug) {
  for (auto w : legal_words)
    if (has_words(slug, w)) return true;
  return false;
}

// Quảng Ích: /{cat}/{post}/(ct|ctmb|ctfull)/{catId}/{postId} and /{cat}/c/{catId}.
inline bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
struct qig_post {
  std::string cat, cat_id;
};
inline std::optional<qig_post> qig_post_path(std::string_view path) {
  auto seg = split(path, '/');
  if (seg.size() < 5) return std::nullopt;
  auto n = seg.size();
  auto kind = seg[n - 3];
  if ((kind == "ct" || kind == "ctmb" || kind == "ctfull" || kind == "vbctmb") && all_digits(seg[n - 2]) && all_digits(seg[n - 1]))
    return qig_post{std::string(seg[0]), std::string(seg[n - 2])};
  return std::nullopt;
}
inline bool qig_category_path(std::string_view path) {
  auto seg = split(path, '/');
  return seg.size() == 3 && seg[1] == "c" && all_digits(seg[2]);
}

// A link that looks like one post rather than a section or a page of the site.
inline bool post_like(const url& u) {
  if (qig_post_path(u.path)) return true;
  auto seg = split(u.path, '/');
  if (seg.empty()) return false;
  auto last = seg.back();
  if (u.path.find("/-/") != std::string::npos) return split(last, '-').size() >= 3;  // Liferay
  if (seg.size() >= 4 && all_digits(seg[0]) && seg[0].size() == 4 && all_digits(seg[1])) return true;  // /2026/11/20/slug/
  if (last.size() > 5 && (last.ends_with(".html") || last.ends_with(".htm"))) return split(last, '-').size() >= 3;
  if (!u.query.empty()) return u.query.find("id=") != std::string::npos || u.query.find("code=") != std::string::npos;
  return split(last, '-').size() >= 4;  // a long slug: WordPress and custom builds
}

// A link to a section: a category path, or a short path of one or two segments.
inline bool section_like(const url& u) {
  if (qig_post_path(u.path)) return false;
  if (qig_category_path(u.path)) return true;
  auto seg = split(u.path, '/');
  return !seg.empty() && seg.size() <= 3 && !post_like(u);
}

inline std::string clip(std::string_view s, std::size_t n = 200) {
  std::string out(s.substr(0, n));
  if (s.size() > n) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
    out += "…";
  }
  return out;
}

// One dated legal item: the freshest wins criterion d.
struct dated {
  timestamp when{};
  evidence ev;
};

struct session {
  const crawl_config& cfg;
  site_result& res;
  url base;
  robots rules;
  unsigned used = 0;

  session(const crawl_config& c, site_result& r) : cfg(c), res(r) {}

  void error_of(const std::string& u, std::string failure, unsigned status, std::string message) {
    if (res.errors.size() < 32) res.errors.push_back({clip(u, 300), std::move(failure), status, clip(message, 300)});
  }

  // The same host, and the same port unless both are their scheme's default (http://x and
  // https://x are one site; 127.0.0.1:8080 and 127.0.0.1:9090 are two: a robots.txt Sitemap line
  // must not credit a school with another site's dates).
  bool same_site(const url& u) const {
    return site_host(u.host) == site_host(base.host) && (u.port == base.port || (u.default_port() && base.default_port()));
  }

  // GET within budget and robots.txt; nothing (and an error when `required`) otherwise.
  std::optional<fetch_response> get(const url& u, bool required, bool check_robots = true) {
    auto s = u.str();
    if (host_within(u.host, cfg.city_portal_host)) return std::nullopt;  // never the city portal
    if (check_robots && same_site(u) && !rules.allowed(cfg.agent_token, u.target())) {
      if (required) error_of(s, "robots", 0, "robots.txt forbids this path");
      return std::nullopt;
    }
    if (used >= cfg.page_budget) {
      if (required) error_of(s, "budget", 0, "page budget spent");
      return std::nullopt;
    }
    ++used;
    fetch_response r = cfg.fetch_with ? cfg.fetch_with(s, cfg.fetch) : network::fetch(s, {}, cfg.fetch);
    ++res.pages_fetched;
    res.bytes += r.body.size();
    if (!r.ok()) {
      if (required) error_of(s, std::string(fetch_failure_name(r.failure)), r.status, r.error_en);
      return std::nullopt;
    }
    if (r.status < 200 || r.status >= 300) {
      if (required) error_of(s, "http_status", r.status, "HTTP " + std::to_string(r.status));
      return r;  // the caller looks at the status (robots.txt: 4xx allows all)
    }
    return r;
  }

  // An HTML page as UTF-8, parsed; nothing when it failed.
  std::optional<std::pair<url, html::document>> page(const url& u, bool required) {
    auto r = get(u, required);
    if (!r || r->status < 200 || r->status >= 300) return std::nullopt;
    auto cs = html::declared_charset(r->header("content-type"), r->body);
    auto body = html::decode_to_utf8(r->body, cs);
    if (!body) {
      if (required) error_of(u.str(), "encoding", r->status, body.err().message_en);
      return std::nullopt;
    }
    auto final_url = parse_url(r->url.empty() ? u.str() : r->url);
    return std::make_pair(final_url ? *final_url : u, html::document::parse(*body));
  }
};

inline criterion_result make(criterion c, verdict v, std::string vi, std::string en, std::vector<evidence> ev = {}) {
  criterion_result r;
  r.which = c;
  r.verdict = v;
  r.note_vi = std::move(vi);
  r.note_en = std::move(en);
  r.evidence = std::move(ev);
  std::stable_sort(r.evidence.begin(), r.evidence.end(),
                   [](const evidence& a, const evidence& b) { return a.confidence > b.confidence; });
  return r;
}

inline platform guess_platform(const html::document& doc, const std::vector<html::link>& links) {
  auto gen = slug_of(doc.meta("generator"));
  if (has_words(gen, "nukeviet")) return platform::nukeviet;
  if (has_words(gen, "wordpress")) return platform::wordpress;
  if (has_words(gen, "liferay")) return platform::liferay;
  int qig = 0, wp = 0, lr = 0, nv = 0;
  for (const auto& e : doc.elements()) {
    if (e.tag == "li" && e.has_class("it-menu")) ++qig;
    if (e.tag == "img" || e.tag == "link" || e.tag == "script") {
      auto src = e.tag == "link" ? e.attr("href") : e.attr("src");
      if (src.find("/wp-content/") != std::string_view::npos || src.find("/wp-includes/") != std::string_view::npos) ++wp;
      if (src.find("/themes/") != std::string_view::npos && src.find("/modules/") != std::string_view::npos) ++nv;
    }
  }
  for (const auto& l : links) {
    if (l.href.find("qig.vn") != std::string::npos || qig_post_path(l.href) || qig_category_path(l.href)) ++qig;
    if (l.href.find("/wp-content/") != std::string::npos) ++wp;
    if (l.href.find("/-/") != std::string::npos || l.href.find("/web/guest") != std::string::npos) ++lr;
    if (l.href.find("/news/rss") != std::string::npos || l.href.find("nv=news") != std::string::npos) ++nv;
  }
  int best = std::max({qig, wp, lr, nv});
  if (best == 0) return platform::unknown;
  if (best == qig) return platform::qig;
  if (best == nv) return platform::nukeviet;
  if (best == wp) return platform::wordpress;
  return platform::liferay;
}

// The date a post page states about itself, best source first.
inline std::optional<dated> post_date(const url& u, const html::document& doc) {
  auto declared = doc.declared_dates();
  if (declared.size() > 16) declared.resize(16);  // a hostile page may declare thousands
  for (const auto& d : declared)
    if (auto t = parse_any_date(d)) {
      bool is_time = false;
      for (const auto& e : doc.elements())
        if (e.tag == "time" && e.attr("datetime") == d) {
          is_time = true;
          break;
        }
      return dated{*t, {u.str(), is_time ? "time[datetime]" : "meta", d,
                        std::string(is_time ? evidence_methods::time_element : evidence_methods::meta_date), 0.85}};
    }
  // WordPress: /2026/11/20/slug/
  auto seg = split(u.path, '/');
  if (seg.size() >= 4 && seg[0].size() == 4 && all_digits(seg[0]) && all_digits(seg[1]) && all_digits(seg[2])) {
    int y = std::atoi(std::string(seg[0]).c_str()), m = std::atoi(std::string(seg[1]).c_str()),
        d = std::atoi(std::string(seg[2]).c_str());
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    if (auto t = parse_any_date(buf)) return dated{*t, {u.str(), "url", buf, std::string(evidence_methods::url_date), 0.8}};
  }
  // The first date written after the post's heading (a page's header often shows today's date,
  // so the text before the heading is not read).
  for (std::size_t i = 0; i < doc.elements().size(); ++i) {
    const auto& e = doc.elements()[i];
    if (e.tag != "h1" && e.tag != "h2") continue;
    auto after = std::string_view(doc.text()).substr(e.text_begin, 4000);
    if (auto td = find_text_date(after))
      return dated{td->when, {u.str(), doc.path_of(i) + " ~", td->written, std::string(evidence_methods::text_date), 0.7}};
    break;
  }
  return std::nullopt;
}

inline std::int64_t age_days(timestamp today, timestamp when) {
  auto a = std::chrono::sys_days{local_date(today)}, b = std::chrono::sys_days{local_date(when)};
  return (a - b).count();
}

// Runs `argv` with stdin closed, stdout captured (at most max_out bytes), stderr discarded; kills
// it at the deadline. Nothing on failure.
inline std::optional<std::string> run_captured(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                                               std::size_t max_out = 64 * 1024) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return std::nullopt;
  }
  std::string data;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      timed_out = n == 0;
      break;
    }
    auto got = ::read(out[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (data.size() < max_out) data.append(buf, static_cast<std::size_t>(std::min<ssize_t>(got, static_cast<ssize_t>(max_out - data.size()))));
  }
  ::close(out[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return data;
}

}  // namespace crawl_detail

PBGDPL_DECL double sentence_match(std::string_view text, std::string_view sentence, bool fuzzy) {
  using namespace crawl_detail;
  auto t = slug_of(text), s = slug_of(sentence);
  if (s.empty() || t.empty()) return 0;
  if (has_words(t, s)) return 1.0;
  if (!fuzzy) return 0;
  auto tw = split(t, '-'), sw = split(s, '-');
  std::size_t at = 0, found = 0;
  for (auto w : sw) {
    for (std::size_t k = at; k < tw.size(); ++k)
      if (tw[k] == w) {
        ++found;
        at = k + 1;
        break;
      }
  }
  double share = static_cast<double>(found) / static_cast<double>(sw.size());
  return share >= 0.8 ? share : 0;
}

PBGDPL_DECL ocr_reader tesseract_reader(std::string program, std::chrono::seconds timeout, std::string languages) {
  struct cache {
    std::mutex mu;
    std::map<std::string, std::optional<std::string>> seen;
  };
  auto c = std::make_shared<cache>();
  return [c, program = std::move(program), timeout, languages = std::move(languages)](
             std::string_view image) -> std::optional<std::string> {
    auto key = trust::to_hex(trust::blake2b_256(image));
    {
      std::lock_guard lock(c->mu);
      if (auto it = c->seen.find(key); it != c->seen.end()) return it->second;
    }
    char path[] = "/tmp/pbgdpl-ocr-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd < 0) return std::nullopt;
    std::size_t off = 0;
    while (off < image.size()) {
      auto w = ::write(fd, image.data() + off, image.size() - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      off += static_cast<std::size_t>(w);
    }
    ::close(fd);
    std::optional<std::string> text;
    if (off == image.size())
      text = crawl_detail::run_captured({program, path, "-", "-l", languages}, timeout);
    ::unlink(path);
    if (text) *text = html::collapse_space(*text);
    std::lock_guard lock(c->mu);
    if (c->seen.size() > 4096) c->seen.clear();
    c->seen[key] = text;
    return text;
  };
}

PBGDPL_DECL site_result crawl_site(const crawl_target& target, const crawl_config& cfg) {
  using namespace crawl_detail;
  namespace em = evidence_methods;
  site_result res;
  res.unit = target.unit;
  res.site = target.url;
  res.started = now();
  const timestamp today = cfg.today ? *cfg.today : now();
  auto finish = [&](std::vector<criterion_result> crit) {
    res.criteria = std::move(crit);
    res.finished = now();
    return res;
  };
  auto all_unknown = [&](std::string vi, std::string en) {
    std::vector<criterion_result> c;
    for (auto k : {criterion::section, criterion::division_link, criterion::city_banner, criterion::recent_post})
      c.push_back(make(k, verdict::unknown, vi, en));
    return finish(std::move(c));
  };

  session s(cfg, res);
  auto home = parse_url(target.url);
  if (!home) {
    s.error_of(target.url, "bad_url", 0, "not an absolute http(s) URL");
    return all_unknown("Địa chỉ trang không hợp lệ.", "The site's address is not valid.");
  }
  s.base = *home;

  // robots.txt: 4xx (or none) allows everything; 5xx or no answer forbids everything (RFC 9309).
  {
    url r = s.base;
    r.path = "/robots.txt";
    r.query.clear();
    auto rt = s.get(r, false, false);
    if (rt && rt->status >= 200 && rt->status < 300) s.rules = parse_robots(rt->body);
    else if (rt && rt->status >= 500) s.rules = parse_robots("User-agent: *\nDisallow: /\n");
  }
  if (!s.rules.allowed(cfg.agent_token, s.base.target())) {
    s.error_of(s.base.str(), "robots", 0, "robots.txt forbids the home page");
    return all_unknown("robots.txt của trang không cho phép đọc trang chủ.", "The site's robots.txt forbids reading its home page.");
  }

  auto home_page = s.page(s.base, true);
  if (!home_page)
    return all_unknown("Không đọc được trang chủ của trường.", "The school's home page could not be read.");
  url page_url = home_page->first;
  const html::document& doc = home_page->second;
  // A redirect may move the site (http → https, a new domain): links are judged against where it landed.
  s.base.scheme = page_url.scheme;
  s.base.host = page_url.host;
  s.base.port = page_url.port;
  const auto links = doc.links();
  res.platform = guess_platform(doc, links);

  struct resolved {
    const html::link* l;
    url u;
  };
  std::vector<resolved> rl;
  for (const auto& l : links)
    if (auto u = resolve(page_url, l.href)) rl.push_back({&l, *u});

  std::vector<criterion_result> out;

  // (a) The section.
  struct candidate {
    url u;
    double confidence;
    evidence ev;
  };
  std::vector<candidate> cands;
  for (const auto& [l, u] : rl) {
    if (!s.same_site(u)) continue;
    std::string_view which;
    auto label = l->text.size() <= 120 ? slug_of(l->text) : std::string();
    auto title = slug_of(l->title);
    double wl = std::max(section_weight(label, &which), section_weight(title, &which));
    // A menu entry is a section whatever its URL looks like (custom PHP: "?chudecode=4").
    if (wl > 0 && (section_like(u) || (l->in_menu && !qig_post_path(u.path))) && split(label, '-').size() <= 10) {
      cands.push_back({u, (l->in_menu ? 0.9 : 0.75) * wl,
                       {u.str(), doc.path_of(l->index), clip(l->title.empty() ? l->text : l->title),
                        std::string(em::menu_title), (l->in_menu ? 0.9 : 0.75) * wl}});
      continue;
    }
    auto seg = split(u.path, '/');
    if (seg.empty()) continue;
    double ws = section_weight(seg[0], &which);
    if (ws <= 0) continue;
    if (section_like(u)) {
      cands.push_back({u, (l->in_menu ? 0.85 : 0.7) * ws,
                       {u.str(), doc.path_of(l->index), std::string(seg[0]), std::string(em::slug), (l->in_menu ? 0.85 : 0.7) * ws}});
    } else if (auto q = qig_post_path(u.path)) {
      // A post inside the section names it: /{cat}/c/{catId}.
      url sec = u;
      sec.path = "/" + q->cat + "/c/" + q->cat_id;
      sec.query.clear();
      cands.push_back({sec, 0.7 * ws, {u.str(), doc.path_of(l->index), q->cat, std::string(em::slug), 0.7 * ws}});
    }
  }
  std::stable_sort(cands.begin(), cands.end(), [](const candidate& a, const candidate& b) { return a.confidence > b.confidence; });

  std::vector<url> legal_posts;  // posts to read dates from, best first
  std::vector<dated> dates;
  std::vector<evidence> section_ev;
  std::optional<url> section_url;
  if (!cands.empty()) {
    const auto& best = cands.front();
    section_url = best.u;
    section_ev.push_back(best.ev);
    if (auto sp = s.page(best.u, true)) {
      const auto& sdoc = sp->second;
      std::size_t posts = 0;
      std::string first_title;
      for (const auto& l : sdoc.links()) {
        auto u = resolve(sp->first, l.href);
        if (!u || !s.same_site(*u) || !post_like(*u) || l.in_menu) continue;
        // Inside the section: under its path, or (Quảng Ích) in its category.
        auto q = qig_post_path(u->path);
        auto sq = split(best.u.path, '/');
        bool inside = u->path.starts_with(best.u.path == "/" ? "/" : best.u.path + (best.u.path.ends_with("/") ? "" : "/")) ||
                      (q && !sq.empty() && q->cat == sq[0]) || is_legal(slug_of(l.text));
        if (!inside) continue;
        if (posts == 0) first_title = l.text.empty() ? l.title : l.text;
        if (legal_posts.size() < 2) legal_posts.push_back(*u);
        ++posts;
      }
      if (posts > 0) {
        section_ev.front().confidence = std::min(1.0, best.confidence + 0.05);
        section_ev.push_back({sp->first.str(), std::to_string(posts) + " posts", clip(first_title),
                              std::string(em::section_posts), std::min(1.0, best.confidence + 0.05)});
        out.push_back(make(criterion::section, verdict::met, "Có chuyên mục phổ biến, giáo dục pháp luật, có bài viết.",
                           "A PBGDPL section with posts was found.", section_ev));
      } else {
        section_ev.front().confidence = best.confidence * 0.6;
        out.push_back(make(criterion::section, verdict::met, "Có chuyên mục phổ biến, giáo dục pháp luật nhưng chưa thấy bài viết.",
                           "A PBGDPL section was found, but no posts in it.", section_ev));
      }
    } else {
      out.push_back(make(criterion::section, verdict::met,
                         "Có liên kết đến chuyên mục phổ biến, giáo dục pháp luật (không đọc được trang chuyên mục).",
                         "A link to a PBGDPL section was found (its page could not be read).", section_ev));
    }
  }

  // Legal posts on the home page: the fallback for (a) and dates for (d).
  std::vector<evidence> legal_titles;
  for (const auto& [l, u] : rl) {
    if (!s.same_site(u) || l->in_menu) continue;
    auto t = slug_of(l->text.empty() ? l->title : l->text);
    if (split(t, '-').size() < 3 || !is_legal(t) || !post_like(u)) continue;
    if (legal_titles.size() < 5)
      legal_titles.push_back({u.str(), doc.path_of(l->index), clip(l->text.empty() ? l->title : l->text),
                              std::string(em::post_title), 0.4});
    if (legal_posts.size() < 3 && std::find(legal_posts.begin(), legal_posts.end(), u) == legal_posts.end())
      legal_posts.push_back(u);
  }

  // Feeds (declared, then the platform's usual one) and the sitemap: legal entries with dates.
  std::vector<url> feeds;
  for (const auto& f : doc.feeds())
    if (auto u = resolve(page_url, f); u && s.same_site(*u) && feeds.size() < 2) feeds.push_back(*u);
  if (feeds.empty() && (res.platform == platform::nukeviet || res.platform == platform::wordpress)) {
    url f = s.base;
    f.path = res.platform == platform::nukeviet ? "/news/rss/" : "/feed/";
    f.query.clear();
    feeds.push_back(f);
  }
  auto take_entries = [&](const url& from, const xml_list& list, std::string_view method, double conf) {
    for (const auto& e : list.entries) {
      auto eu = resolve(from, e.link);
      auto slug = slug_of(e.title) + "-" + (eu ? slug_of(eu->path) : std::string());
      bool under_section = eu && section_url && eu->path.starts_with(section_url->path) && section_url->path.size() > 1;
      if (auto q = eu ? qig_post_path(eu->path) : std::nullopt; q && section_url) {
        auto sq = split(section_url->path, '/');
        under_section = under_section || (!sq.empty() && sq[0] == q->cat);
      }
      if (!is_legal(slug) && !under_section) continue;
      if (!e.title.empty() && legal_titles.size() < 5 && is_legal(slug_of(e.title)))
        legal_titles.push_back({eu ? eu->str() : from.str(), "", clip(e.title), std::string(em::post_title), 0.4});
      if (e.when) dates.push_back({*e.when, {from.str(), clip(e.link, 200), e.date, std::string(method), conf}});
    }
  };
  for (const auto& f : feeds) {
    auto r = s.get(f, false);
    if (!r || r->status != 200) continue;
    if (auto list = parse_xml_list(r->body); list && (list->kind == xml_list_kind::rss || list->kind == xml_list_kind::atom))
      take_entries(f, *list, em::feed_date, 0.9);
    else if (!list)
      s.error_of(f.str(), "feed", r->status, list.err().message_en);
  }
  {
    std::vector<url> maps;
    for (const auto& m : s.rules.sitemaps)
      if (auto u = parse_url(m); u && s.same_site(*u) && maps.size() < 2) maps.push_back(*u);
    if (maps.empty()) {
      url m = s.base;
      m.path = "/sitemap.xml";
      m.query.clear();
      maps.push_back(m);
    }
    for (std::size_t i = 0; i < maps.size() && i < 3; ++i) {
      auto r = s.get(maps[i], false);
      if (!r || r->status != 200) continue;
      auto list = parse_xml_list(r->body);
      if (!list) {
        s.error_of(maps[i].str(), "sitemap", r->status, list.err().message_en);
        continue;
      }
      if (list->kind == xml_list_kind::sitemap_index) {
        // The newest child sitemaps first.
        auto entries = list->entries;
        std::stable_sort(entries.begin(), entries.end(), [](const dated_entry& a, const dated_entry& b) {
          return a.when.value_or(timestamp{}) > b.when.value_or(timestamp{});
        });
        for (const auto& e : entries)
          if (auto u = parse_url(e.link); u && s.same_site(*u) && maps.size() < 3) maps.push_back(*u);
      } else if (list->kind == xml_list_kind::urlset) {
        take_entries(maps[i], *list, em::sitemap_lastmod, 0.8);
      }
    }
  }

  // (a) fallback: no section, but legal posts in general news.
  if (out.empty()) {
    if (!legal_titles.empty())
      out.push_back(make(criterion::section, verdict::met,
                         "Không thấy chuyên mục riêng; bài phổ biến pháp luật được đăng trong mục tin chung.",
                         "No section of its own; legal-education posts are published in general news.", legal_titles));
    else
      out.push_back(make(criterion::section, verdict::not_met, "Không thấy chuyên mục phổ biến, giáo dục pháp luật.",
                         "No PBGDPL section was found."));
  }

  // (b) The division portal.
  {
    auto division = !target.division_url.empty() ? target.division_url : cfg.division_url;
    auto du = parse_url(division);
    if (!du) {
      out.push_back(make(criterion::division_link, verdict::unknown, "Chưa cấu hình địa chỉ cổng thông tin của Phòng.",
                         "The division portal's address is not configured."));
    } else {
      std::vector<evidence> ev;
      // A portal at the root of its host counts by host (and its subdomains); one under a path
      // (a section on a shared portal: /don-vi/<unit>/pbgdpl/) counts by that path on that host.
      auto to_division = [&](const url& u) {
        if (!host_within(u.host, du->host)) return false;
        return du->path == "/" || (u.port == du->port && u.path.rfind(du->path, 0) == 0);
      };
      for (const auto& [l, u] : rl)
        if (to_division(u) && ev.size() < 3)
          ev.push_back({u.str(), doc.outer_summary(l->index), clip(l->text.empty() ? l->title : l->text),
                        std::string(em::href_host), 1.0});
      if (!ev.empty())
        out.push_back(make(criterion::division_link, verdict::met, "Có liên kết đến cổng thông tin của Phòng.",
                           "Links to the division portal.", ev));
      else
        out.push_back(make(criterion::division_link, verdict::not_met, "Không thấy liên kết đến cổng thông tin của Phòng.",
                           "No link to the division portal was found."));
    }
  }

  // (c) The city banner: found by the link's host, the sentence in its text, title, image alt or
  // title, else read from the image.
  {
    const std::string sentence = cfg.required_sentence.empty() ? std::string(city_portal_banner_text) : cfg.required_sentence;
    std::vector<evidence> found, without;
    ocr_reader reader = cfg.read_image;
    if (!reader && cfg.ocr) reader = tesseract_reader();
    std::size_t seen = 0;
    for (const auto& [l, u] : rl) {
      if (!host_within(u.host, cfg.city_portal_host) || ++seen > 5) continue;
      auto el = doc.outer_summary(l->index);
      if (sentence_match(l->text, sentence, false) > 0) {
        found.push_back({u.str(), el, clip(l->text), std::string(em::link_text), 1.0});
        break;
      }
      if (sentence_match(l->title, sentence, false) > 0) {
        found.push_back({u.str(), el, clip(l->title), std::string(em::title), 0.95});
        break;
      }
      if (sentence_match(l->img_alt, sentence, false) > 0 || sentence_match(l->img_title, sentence, false) > 0) {
        found.push_back({u.str(), el, clip(l->img_alt.empty() ? l->img_title : l->img_alt), std::string(em::alt), 0.95});
        break;
      }
      std::string read;
      if (!l->img_src.empty() && reader) {
        if (auto iu = resolve(page_url, l->img_src)) {
          auto r = s.get(*iu, false);
          if (r && r->status == 200 && !r->truncated && r->body.size() <= cfg.max_image_bytes) {
            if (auto t = reader(r->body)) {
              read = *t;
              if (auto share = sentence_match(read, sentence, true); share > 0) {
                found.push_back({u.str(), el, clip(read), std::string(em::ocr), 0.6 + 0.3 * share});
                break;
              }
            }
          }
        }
      }
      without.push_back({u.str(), el, clip(read), std::string(em::no_sentence), 0.9});
    }
    if (!found.empty())
      out.push_back(make(criterion::city_banner, verdict::met,
                         "Có banner liên kết Trang thông tin điện tử phổ biến pháp luật thành phố, mang đúng dòng chữ.",
                         "A banner links the city PBGDPL portal and carries the required sentence.", found));
    else if (!without.empty())
      out.push_back(make(criterion::city_banner, verdict::not_met,
                         "Có liên kết đến trang của thành phố nhưng không thấy dòng chữ bắt buộc (chữ, alt, title hay trong ảnh).",
                         "A link to the city portal is there, but the required sentence is not (text, alt, title or image).",
                         without));
    else
      out.push_back(make(criterion::city_banner, verdict::not_met, "Không thấy banner liên kết trang của thành phố.",
                         "No banner links the city PBGDPL portal."));
  }

  // (d) A recent legal post: dates from feeds and the sitemap (above), else from the posts.
  auto newest = [&]() -> const dated* {
    const dated* best = nullptr;
    for (const auto& d : dates) {
      if (age_days(today, d.when) < -1) continue;  // in the future: a wrong clock or a trick
      if (!best || d.when > best->when) best = &d;
    }
    return best;
  };
  for (const auto& p : legal_posts) {
    auto b = newest();
    if (b && age_days(today, b->when) <= static_cast<std::int64_t>(cfg.recent_days)) break;
    if (auto pg = s.page(p, false))
      if (auto d = post_date(pg->first, pg->second)) dates.push_back(*d);
  }
  if (auto b = newest()) {
    auto age = age_days(today, b->when);
    auto ev = b->ev;
    if (age <= static_cast<std::int64_t>(cfg.recent_days))
      out.push_back(make(criterion::recent_post, verdict::met,
                         "Có bài phổ biến pháp luật đăng cách đây " + std::to_string(std::max<std::int64_t>(age, 0)) + " ngày.",
                         "A PBGDPL post " + std::to_string(std::max<std::int64_t>(age, 0)) + " days old.", {ev}));
    else
      out.push_back(make(criterion::recent_post, verdict::not_met,
                         "Bài phổ biến pháp luật mới nhất đã " + std::to_string(age) + " ngày.",
                         "The newest PBGDPL post is " + std::to_string(age) + " days old.", {ev}));
  } else {
    out.push_back(make(criterion::recent_post, verdict::not_met, "Không thấy bài phổ biến pháp luật có ngày đăng.",
                       "No dated PBGDPL post was found."));
  }
  // In the enum's order.
  std::stable_sort(out.begin(), out.end(), [](const criterion_result& a, const criterion_result& b) { return a.which < b.which; });
  return finish(std::move(out));
}

PBGDPL_DECL std::vector<site_result> crawl(const std::vector<crawl_target>& targets, const crawl_config& cfg,
                                           const crawl_progress& progress) {
  std::vector<site_result> results(targets.size());
  crawl_config shared = cfg;
  // One OCR cache for the whole crawl: schools paste the same banner.
  if (!shared.read_image && shared.ocr) shared.read_image = tesseract_reader();
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mu;
  auto work = [&] {
    while (true) {
      auto i = next.fetch_add(1);
      if (i >= targets.size()) return;
      site_result r;
      try {
        r = crawl_site(targets[i], shared);
      } catch (const std::exception& e) {
        r.site = targets[i].url;
        r.unit = targets[i].unit;
        r.errors.push_back({targets[i].url, "internal", 0, crawl_detail::clip(e.what(), 300)});
      }
      results[i] = std::move(r);
      std::lock_guard lock(mu);
      ++done;
      if (progress) progress(done, targets.size(), results[i]);
    }
  };
  unsigned n = std::max(1u, std::min<unsigned>(cfg.concurrency, static_cast<unsigned>(targets.size())));
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < n; ++k) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace network
PBGDPL_NAMESPACE_END
