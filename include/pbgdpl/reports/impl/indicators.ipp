// Definitions for reports/indicators.hpp (inline in header-only mode, compiled once from
// src/reports/indicators.cpp).
#pragma once
#include "../indicators.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <tuple>
#include <unordered_set>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

// The sources, in the order of the table below (an index into it).
enum class source : unsigned {
  compliance_section, compliance_division_link, compliance_city_banner,
  articles_published, legal_documents_posted, questions_answered, questions_median_answer_hours,
  dialogues_held, publications_made,
  pub_outline, pub_handbook, pub_leaflet, pub_legal_story, pub_short_play, pub_video, pub_e_lecture, pub_infographic,
  signage_plays, signage_screens, channels_active, channels_posts,
  training_courses, training_sessions, training_staff_trained,
  count
};

inline constexpr std::size_t publication_kinds = 8;
// publication_kind in its enum order, as the pub_* sources are.
inline constexpr publication_kind publication_kind_at[publication_kinds] = {
    publication_kind::outline, publication_kind::handbook, publication_kind::leaflet, publication_kind::legal_story,
    publication_kind::short_play, publication_kind::video, publication_kind::e_lecture, publication_kind::infographic};

inline constexpr indicator_kind num = indicator_kind::number;
inline constexpr indicator_kind yes_no = indicator_kind::boolean;

inline constexpr source_info sources[] = {
    {"compliance.section", "Trang có chuyên mục PBGDPL (theo đợt kiểm tra gần nhất)",
     "The site has a PBGDPL section (latest compliance check)", yes_no},
    {"compliance.division_link", "Trang liên kết với cổng thông tin của đơn vị cấp trên (theo đợt kiểm tra gần nhất)",
     "The site links to the portal of the unit above (latest compliance check)", yes_no},
    {"compliance.city_banner", "Trang có banner Cổng PBGDPL thành phố (theo đợt kiểm tra gần nhất)",
     "The site shows the city PBGDPL portal banner (latest compliance check)", yes_no},
    {"articles.published", "Số bài viết đã đăng", "Articles published", num},
    {"legal_documents.posted", "Số văn bản pháp luật đã đăng", "Legal documents posted", num},
    {"questions.answered", "Số câu hỏi đã trả lời", "Questions answered", num},
    {"questions.median_answer_hours", "Thời gian trả lời (trung vị, giờ)", "Answer time (median, hours)", num},
    {"dialogues.held", "Số buổi đối thoại chính sách, pháp luật", "Policy and law dialogues held", num},
    {"publications.made", "Số sản phẩm tuyên truyền", "Publications made", num},
    {"publications.outline", "Số đề cương giới thiệu văn bản", "Outlines of new documents", num},
    {"publications.handbook", "Số sách, cẩm nang", "Books and handbooks", num},
    {"publications.leaflet", "Số tờ gấp", "Leaflets", num},
    {"publications.legal_story", "Số câu chuyện pháp luật", "Legal stories", num},
    {"publications.short_play", "Số tiểu phẩm pháp luật", "Short legal plays", num},
    {"publications.video", "Số video", "Videos", num},
    {"publications.e_lecture", "Số bài giảng điện tử", "E-lectures", num},
    {"publications.infographic", "Số infographic", "Infographics", num},
    {"signage.plays", "Số lượt phát trên màn hình", "Plays on screens", num},
    {"signage.screens", "Số màn hình đang hoạt động", "Screens enabled", num},
    {"channels.active", "Số kênh mạng xã hội, đường dây nóng đang hoạt động", "Active social channels and hotlines", num},
    {"channels.posts", "Số bài đăng trên các kênh", "Posts on the channels", num},
    {"training.courses", "Số khóa tập huấn", "Training courses", num},
    {"training.sessions", "Số buổi tập huấn", "Training sessions", num},
    {"training.staff_trained", "Số người được tập huấn", "Staff trained", num},
};
static_assert(std::size(sources) == static_cast<std::size_t>(source::count));

// What one unit did over the window.
struct tally {
  std::optional<compliance_check> compliance;  // the latest whose run finished in the window
  timestamp compliance_at{};                   // that run's end
  std::size_t articles = 0, documents = 0, answered = 0, dialogues = 0, publications = 0;
  std::array<std::size_t, publication_kinds> by_type{};
  std::vector<double> answer_hours;
  std::size_t plays = 0, screens = 0, channels = 0, posts = 0, courses = 0, sessions = 0;
  std::unordered_set<std::string> trained;  // "a:<account>" or "n:<name>"
};

// Which kinds a template's sources read.
enum need : unsigned {
  need_compliance = 1u << 0, need_articles = 1u << 1, need_documents = 1u << 2, need_questions = 1u << 3,
  need_dialogues = 1u << 4, need_publications = 1u << 5, need_plays = 1u << 6, need_displays = 1u << 7,
  need_channels = 1u << 8, need_posts = 1u << 9, need_courses = 1u << 10, need_attendance = 1u << 11,
};

inline unsigned need_of(source s) noexcept {
  switch (s) {
    case source::compliance_section:
    case source::compliance_division_link:
    case source::compliance_city_banner: return need_compliance;
    case source::articles_published: return need_articles;
    case source::legal_documents_posted: return need_documents;
    case source::questions_answered:
    case source::questions_median_answer_hours: return need_questions;
    case source::dialogues_held: return need_dialogues;
    case source::signage_plays: return need_plays;
    case source::signage_screens: return need_displays;
    case source::channels_active: return need_channels;
    case source::channels_posts: return need_posts;
    case source::training_courses:
    case source::training_sessions: return need_courses;
    case source::training_staff_trained: return need_attendance;
    case source::count: return 0;
    default: return need_publications;  // publications.made and publications.<kind>
  }
}

// The template's computed indicators: (index into t.indicators, source).
struct wanted {
  std::size_t indicator;
  source src;
};

inline std::vector<wanted> wanted_of(const report_template& t, unsigned& needs) {
  std::vector<wanted> out;
  needs = 0;
  for (std::size_t i = 0; i < t.indicators.size(); ++i) {
    const auto& ind = t.indicators[i];
    if (ind.source.empty()) continue;
    const auto* info = find_source(ind.source);
    if (!info) continue;
    // A count does not fill a yes/no, nor a verdict a number: such an indicator stays typed.
    const bool number_like = ind.kind == indicator_kind::number || ind.kind == indicator_kind::percent;
    if (info->kind == indicator_kind::boolean ? ind.kind != indicator_kind::boolean : !number_like) continue;
    auto s = static_cast<source>(info - sources);
    out.push_back({i, s});
    needs |= need_of(s);
  }
  return out;
}

struct window_keys {
  date from, to;
  std::string from_key, to_key;  // "YYYY-MM-DD", as the store's day column
  bool holds(date d) const noexcept { return from <= d && d <= to; }
  bool holds(timestamp t) const noexcept { return holds(local_date(t)); }
  bool holds_day(std::string_view day) const noexcept { return from_key <= day && day <= to_key; }
};

// Which tally a record goes to: one unit's (queries filter on it), or any of many (queries read
// the whole kind and drop the others' records here).
class buckets {
 public:
  buckets(std::span<const unit_id> units, bool one) : one_(one) {
    for (const auto& u : units) {
      if (index_.emplace(u.value, tallies_.size()).second) {
        order_.push_back(u.value);
        tallies_.emplace_back();
      }
    }
  }
  tally* of(std::string_view unit) {
    auto it = index_.find(unit);
    return it == index_.end() ? nullptr : &tallies_[it->second];
  }
  // The filter every query starts from.
  store::filter base() const {
    store::filter f;
    if (one_ && !order_.empty()) {
      f.unit = order_.front();
      f.include_descendants = false;
    } else if (order_.size() <= 64) {  // a few units: the backend filters (an empty list is "no filter")
      f.unit_in = order_;
    }
    return f;
  }
  bool empty() const noexcept { return order_.empty(); }
  const std::vector<std::string>& units() const noexcept { return order_; }
  tally& at(std::size_t i) { return tallies_[i]; }

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  bool one_;
  std::unordered_map<std::string, std::size_t, text_hash, std::equal_to<>> index_;
  std::vector<std::string> order_;
  std::vector<tally> tallies_;
};

// Every record of `kind` passing `where`, page by page, oldest first.
template <class F>
result<void> scan(store::store& s, std::string_view kind, const store::filter& where, bool bodies, F&& each) {
  store::list_query q;
  q.where = where;
  q.limit = 100;
  q.bodies = bodies;
  q.oldest_first = true;
  for (;;) {
    auto p = s.list_records(kind, q);
    if (!p) return p.err();
    for (auto& r : p->items)
      if (auto ok = each(r); !ok) return ok;
    if (p->next_cursor.empty() || p->items.empty()) return {};
    q.cursor = std::move(p->next_cursor);
  }
}

template <class T, class F>
result<void> scan_decoded(store::store& s, const store::filter& where, buckets& b, F&& each) {
  return scan(s, store::entity_traits<T>::kind, where, true, [&](store::record& r) -> result<void> {
    tally* t = b.of(r.unit);
    if (!t) return {};
    auto v = store::decode<T>(std::move(r));
    if (!v) return v.err();
    return each(*t, *v);
  });
}

inline result<void> gather(store::store& s, unsigned needs, const window_keys& w, buckets& b) {
  const auto base = b.base();
  auto dated = [&](bool archived) {
    auto f = base;
    f.from = w.from;
    f.to = w.to;
    f.include_archived = archived;
    return f;
  };
  if (needs & need_compliance) {
    // A check counts by its run's end; runs are few and read once each.
    std::unordered_map<std::string, std::optional<timestamp>> run_end;
    auto r = scan_decoded<compliance_check>(s, base, b, [&](tally& t, compliance_check& c) -> result<void> {
      auto it = run_end.find(c.run.value);
      if (it == run_end.end()) {
        auto run = s.get<compliance_run>(c.run.value);
        std::optional<timestamp> end;
        if (run) end = run->finished_at;
        else if (run.err().code == errc::not_found) end = c.checked_at;  // the run's record is gone: the check's own time
        else return run.err();
        it = run_end.emplace(c.run.value, end).first;
      }
      if (!it->second || !w.holds(*it->second)) return {};
      const timestamp end = *it->second;
      if (!t.compliance || std::tie(end, c.checked_at, c.id.value) >
                               std::tie(t.compliance_at, t.compliance->checked_at, t.compliance->id.value)) {
        t.compliance = std::move(c);
        t.compliance_at = end;
      }
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_articles) {
    // Published in the window, archived since or not. The store's day column is the publication's
    // day (published_at, which a published article must have), so a published one is counted from
    // the columns; an archived one may never have been published and is read.
    auto r = scan(s, store::entity_traits<article>::kind, dated(true), false, [&](store::record& rec) -> result<void> {
      tally* t = b.of(rec.unit);
      if (!t || !w.holds_day(rec.day)) return {};
      if (rec.state == to_string(article_state::published)) {
        ++t->articles;
      } else if (rec.state == to_string(article_state::archived)) {
        auto a = s.get<article>(rec.id);
        if (!a) return a.err();
        if (a->published_at && w.holds(*a->published_at)) ++t->articles;
      }
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_documents) {
    // Posted (entered on the site) in the window and public; the day column is the issue date.
    auto f = base;
    f.state = std::string(to_string(article_state::published));
    auto r = scan_decoded<legal_document>(s, f, b, [&](tally& t, const legal_document& d) -> result<void> {
      if (d.state == article_state::published && w.holds(d.created_at)) ++t.documents;
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_questions) {
    // Answered in the window; asked at the latest on its last day (the day column is the asking).
    auto f = base;
    f.to = w.to;
    auto r = scan_decoded<question>(s, f, b, [&](tally& t, const question& q) -> result<void> {
      const bool answered = q.state == question_state::answered || q.state == question_state::published ||
                            q.state == question_state::accepted;
      if (!answered || !q.answered_at || !w.holds(*q.answered_at)) return {};
      ++t.answered;
      auto secs = std::max<std::int64_t>(0, (*q.answered_at - q.asked_at).count());
      t.answer_hours.push_back(static_cast<double>(secs) / 3600.0);
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_dialogues) {
    // Held: open or closed, started in the window (the day column is the start's).
    auto r = scan(s, store::entity_traits<dialogue_session>::kind, dated(false), false, [&](store::record& rec) -> result<void> {
      tally* t = b.of(rec.unit);
      if (t && w.holds_day(rec.day) && (rec.state == to_string(dialogue_state::open) || rec.state == to_string(dialogue_state::closed))) ++t->dialogues;
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_publications) {
    // Published (then archived or not) in the window: such a publication must have published_at,
    // the day column's source (none without it), and its kind is the sub_kind column.
    auto r = scan(s, store::entity_traits<publication>::kind, dated(true), false, [&](store::record& rec) -> result<void> {
      tally* t = b.of(rec.unit);
      if (!t || rec.day.empty() || !w.holds_day(rec.day) || (rec.state != to_string(article_state::published) && rec.state != to_string(article_state::archived))) return {};
      ++t->publications;
      for (std::size_t k = 0; k < publication_kinds; ++k)
        if (rec.sub_kind == to_string(publication_kind_at[k])) ++t->by_type[k];
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_plays) {
    // The biggest kind: counted from the index columns (unit, the local day the play started).
    auto r = scan(s, store::entity_traits<play_record>::kind, dated(false), false, [&](store::record& rec) -> result<void> {
      if (tally* t = b.of(rec.unit); t && w.holds_day(rec.day)) ++t->plays;
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_displays) {
    auto f = base;
    f.state = "enabled";
    auto r = scan(s, store::entity_traits<display>::kind, f, false, [&](store::record& rec) -> result<void> {
      if (tally* t = b.of(rec.unit); t && rec.state == "enabled") ++t->screens;
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_channels) {
    auto r = scan_decoded<channel>(s, base, b, [&](tally& t, const channel& c) -> result<void> {
      if (c.active && (!c.started_on || *c.started_on <= w.to)) ++t.channels;
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_posts) {
    auto r = scan(s, store::entity_traits<channel_post>::kind, dated(false), false, [&](store::record& rec) -> result<void> {
      if (tally* t = b.of(rec.unit); t && w.holds_day(rec.day)) ++t->posts;  // the day it was posted
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_courses) {
    auto r = scan_decoded<training_course>(s, dated(false), b, [&](tally& t, const training_course& c) -> result<void> {
      if (!w.holds(c.starts_on)) return {};
      ++t.courses;
      t.sessions += c.sessions;
      return {};
    });
    if (!r) return r;
  }
  if (needs & need_attendance) {
    // Trained on the day they completed, else on the course's last day. Courses are read once
    // each (a course of the division is attended by many schools' staff).
    std::unordered_map<std::string, std::optional<date>> course_end;
    auto r = scan_decoded<attendance>(s, base, b, [&](tally& t, const attendance& a) -> result<void> {
      if (!is_trained(a)) return {};
      std::optional<date> when = a.completed_on;
      if (!when) {
        auto it = course_end.find(a.course.value);
        if (it == course_end.end()) {
          auto c = s.get<training_course>(a.course.value);
          std::optional<date> end;
          if (c) end = c->ends_on;
          else if (c.err().code != errc::not_found) return c.err();
          it = course_end.emplace(a.course.value, end).first;
        }
        when = it->second;
      }
      if (!when || !w.holds(*when)) return {};
      t.trained.insert(a.account ? "a:" + a.account->value : "n:" + a.person_name);
      return {};
    });
    if (!r) return r;
  }
  return {};
}

inline std::string vi_date(date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(d.day()), static_cast<unsigned>(d.month()),
                static_cast<int>(d.year()));
  return buf;
}

// "12", "1,5" (Vietnamese) / "1.5" (English).
inline std::string decimal(double x, bool vi) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (vi) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

inline double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const auto n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

inline computed_value value_of(const indicator& ind, source src, const tally& t, const window_keys& w) {
  computed_value v;
  v.code = ind.code;
  const std::string span_vi = " từ " + vi_date(w.from) + " đến " + vi_date(w.to);
  const std::string span_en = " from " + w.from_key + " to " + w.to_key;
  auto count = [&](std::size_t n, std::string_view what_vi, std::string_view what_en) {
    v.number = static_cast<double>(n);
    v.evidence_vi = std::to_string(n) + " " + std::string(what_vi) + span_vi;
    v.evidence_en = std::to_string(n) + " " + std::string(what_en) + span_en;
  };
  switch (src) {
    case source::compliance_section:
    case source::compliance_division_link:
    case source::compliance_city_banner: {
      if (!t.compliance) {
        v.evidence_vi = "Không có đợt kiểm tra trang nào kết thúc" + span_vi;
        v.evidence_en = "No compliance check finished" + span_en;
        break;
      }
      const auto& c = *t.compliance;
      const std::string& verdict = src == source::compliance_section        ? c.section
                                   : src == source::compliance_division_link ? c.division_link
                                                                             : c.city_banner;
      v.flag = verdict == "met";
      const char* vi = verdict == "met" ? "đạt" : verdict == "not_met" ? "chưa đạt" : "không xác định được";
      const char* en = verdict == "met" ? "met" : verdict == "not_met" ? "not met" : "could not tell";
      v.evidence_vi = "Đợt kiểm tra trang kết thúc ngày " + vi_date(local_date(t.compliance_at)) + ": " + vi;
      v.evidence_en = "Compliance check finished on " + format_date(local_date(t.compliance_at)) + ": " + en;
      break;
    }
    case source::articles_published: count(t.articles, "bài viết đăng", "articles published"); break;
    case source::legal_documents_posted: count(t.documents, "văn bản pháp luật đăng", "legal documents posted"); break;
    case source::questions_answered: count(t.answered, "câu hỏi được trả lời", "questions answered"); break;
    case source::questions_median_answer_hours: {
      if (t.answer_hours.empty()) {
        v.evidence_vi = "Không có câu hỏi nào được trả lời" + span_vi;
        v.evidence_en = "No question answered" + span_en;
        break;
      }
      const double m = std::round(median(t.answer_hours) * 10) / 10;
      v.number = m;
      const auto n = std::to_string(t.answer_hours.size());
      v.evidence_vi = "Trung vị " + decimal(m, true) + " giờ, trên " + n + " câu hỏi được trả lời" + span_vi;
      v.evidence_en = "Median " + decimal(m, false) + " hours over " + n + " questions answered" + span_en;
      break;
    }
    case source::dialogues_held: count(t.dialogues, "buổi đối thoại diễn ra", "dialogues held"); break;
    case source::publications_made: count(t.publications, "sản phẩm tuyên truyền phát hành", "publications published"); break;
    case source::signage_plays: count(t.plays, "lượt phát trên màn hình", "plays on screens"); break;
    case source::signage_screens:
      v.number = static_cast<double>(t.screens);
      v.evidence_vi = std::to_string(t.screens) + " màn hình đang bật";
      v.evidence_en = std::to_string(t.screens) + " screens enabled";
      break;
    case source::channels_active:
      v.number = static_cast<double>(t.channels);
      v.evidence_vi = std::to_string(t.channels) + " kênh đang hoạt động, mở trước ngày " + vi_date(w.to);
      v.evidence_en = std::to_string(t.channels) + " active channels opened by " + w.to_key;
      break;
    case source::channels_posts: count(t.posts, "bài đăng trên các kênh", "channel posts"); break;
    case source::training_courses: count(t.courses, "khóa tập huấn bắt đầu", "training courses starting"); break;
    case source::training_sessions:
      v.number = static_cast<double>(t.sessions);
      v.evidence_vi = std::to_string(t.sessions) + " buổi của " + std::to_string(t.courses) + " khóa tập huấn bắt đầu" + span_vi;
      v.evidence_en = std::to_string(t.sessions) + " sessions of " + std::to_string(t.courses) + " training courses starting" + span_en;
      break;
    case source::training_staff_trained:
      count(t.trained.size(), "người được tập huấn (tham dự hoặc hoàn thành)", "people trained (attended or completed)");
      break;
    case source::count: break;
    default: {  // publications.<kind>
      const auto k = static_cast<std::size_t>(src) - static_cast<std::size_t>(source::pub_outline);
      const auto kind = publication_kind_at[k];
      count(t.by_type[k], "sản phẩm loại “" + std::string(label_vi(kind)) + "” phát hành",
            "publications of the kind “" + std::string(label_en(kind)) + "” published");
      break;
    }
  }
  return v;
}

inline window_keys keys_of(const report_period& p) {
  auto w = window_of(p);
  return {w.from, w.to, format_date(w.from), format_date(w.to)};
}

inline result<std::unordered_map<std::string, std::vector<computed_value>>> compute(
    store::store& s, const report_template& t, const report_period& p, std::span<const unit_id> units, bool one) {
  unsigned needs = 0;
  const auto want = wanted_of(t, needs);
  const auto w = keys_of(p);
  buckets b(units, one);
  std::unordered_map<std::string, std::vector<computed_value>> out;
  if (b.empty()) return out;
  if (!want.empty())
    if (auto r = gather(s, needs, w, b); !r) return r.err();
  out.reserve(b.units().size());
  for (std::size_t i = 0; i < b.units().size(); ++i) {
    std::vector<computed_value> vs;
    vs.reserve(want.size());
    for (const auto& x : want) vs.push_back(value_of(t.indicators[x.indicator], x.src, b.at(i), w));
    out.emplace(b.units()[i], std::move(vs));
  }
  return out;
}

}  // namespace detail

PBGDPL_DECL std::span<const source_info> indicator_sources() { return detail::sources; }

PBGDPL_DECL const source_info* find_source(std::string_view key) noexcept {
  for (const auto& s : detail::sources)
    if (s.key == key) return &s;
  return nullptr;
}

PBGDPL_DECL result<std::vector<computed_value>> compute_indicators(store::store& s, const report_template& t,
                                                                   const report_period& p, const unit_id& u) {
  auto all = detail::compute(s, t, p, std::span<const unit_id>(&u, 1), true);
  if (!all) return all.err();
  auto it = all->find(u.value);
  if (it == all->end()) return std::vector<computed_value>{};
  return std::move(it->second);
}

PBGDPL_DECL result<std::unordered_map<std::string, std::vector<computed_value>>> compute_for_units(
    store::store& s, const report_template& t, const report_period& p, std::span<const unit_id> units) {
  return detail::compute(s, t, p, units, false);
}

}  // namespace reports
PBGDPL_NAMESPACE_END
