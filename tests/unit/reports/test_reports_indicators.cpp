#include <pbgdpl/reports/indicators.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include "../store/fixtures.hpp"

#include <map>

using namespace pbgdpl;
using namespace fixtures;

namespace {

// Round 1 of 2026: the school year 2025-2026, 1 September 2025 to 30 June 2026 (Hà Nội days).
report_period period_2026() {
  report_period p;
  p.id = report_period_id{"bc-kh19-2026-1"};
  p.template_id = report_template_id{"bc-kh19"};
  p.calendar_year = 2026;
  p.round = report_round::first;
  p.year = school_year{2025};
  p.opens_on = date{std::chrono::year{2026}, std::chrono::month{5}, std::chrono::day{15}};
  p.due_on = date{std::chrono::year{2026}, std::chrono::month{6}, std::chrono::day{30}};
  return p;
}

indicator sourced(std::string code, std::string source, indicator_kind k = indicator_kind::number) {
  indicator i;
  i.code = std::move(code);
  i.label = "Chỉ tiêu " + i.code;
  i.kind = k;
  i.source = std::move(source);
  return i;
}

report_template every_source() {
  report_template t;
  t.id = report_template_id{"bc-kh19"};
  t.name = "Báo cáo kết quả thực hiện Kế hoạch 19/KH-PGDĐT";
  t.owner = unit_id{"pgd"};
  for (const auto& s : reports::indicator_sources()) {
    std::string code(s.key);
    std::replace(code.begin(), code.end(), '.', '_');
    t.indicators.push_back(sourced(code, std::string(s.key), s.kind));
  }
  t.indicators.push_back(sourced("typed_by_hand", ""));
  t.indicators.push_back(sourced("unknown_source", "articles.liked"));
  t.indicators.push_back(sourced("count_as_yes_no", "articles.published", indicator_kind::boolean));
  t.indicators.push_back(sourced("verdict_as_number", "compliance.section", indicator_kind::number));
  return t;
}

date day(int y, unsigned m, unsigned d) { return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}; }

template <class T>
void put(pbgdpl::store::store& db, T v) {
  auto r = db.create(std::move(v), "test");
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
}

int seq = 0;
std::string next_id(std::string_view prefix) { return std::string(prefix) + "-" + std::to_string(++seq); }

void article_at(pbgdpl::store::store& db, std::string unit, const char* when, article_state s = article_state::published,
                bool archive = false) {
  auto a = make_article("Bài " + std::to_string(seq), "Nội dung", unit, when);
  a.id = article_id{next_id("bai")};
  a.state = s;
  if (s == article_state::draft) a.published_at.reset();
  auto r = db.create(a, "test");
  REQUIRE(r.has_value());
  if (archive) REQUIRE(db.archive<article>(a.id.value, 1, "test").has_value());
}

void document_at(pbgdpl::store::store& db, std::string unit, const char* posted, article_state s = article_state::published) {
  auto d = make_document(next_id("vb"), "1" + std::to_string(seq) + "/KH-THVY", "KH", 2025, 8, 1);
  d.unit = unit_id{unit};
  d.state = s;
  d.created_at = d.updated_at = at(posted);
  put(db, d);
}

void question_at(pbgdpl::store::store& db, std::string unit, const char* asked, std::optional<const char*> answered,
                 question_state s = question_state::answered) {
  question q;
  q.id = question_id{next_id("hoi")};
  q.unit = unit_id{unit};
  q.asker_name = "Phụ huynh";
  q.title = "Câu hỏi";
  q.body = "Nội dung câu hỏi";
  q.state = s;
  q.asked_at = at(asked);
  if (answered) {
    q.answered_at = at(*answered);
    q.answered_by = account_id{"editor-1"};
    q.answer_markdown = "Trả lời";
  }
  if (s == question_state::rejected) q.rejection_reason = "Trùng";
  put(db, q);
}

void dialogue_at(pbgdpl::store::store& db, std::string unit, const char* starts, dialogue_state s) {
  dialogue_session d;
  d.id = dialogue_id{next_id("dt")};
  d.unit = unit_id{unit};
  d.title = "Đối thoại chính sách";
  d.starts_at = at(starts);
  d.ends_at = d.starts_at + std::chrono::hours{2};
  d.state = s;
  put(db, d);
}

void publication_at(pbgdpl::store::store& db, std::string unit, publication_kind k, std::optional<const char*> when,
                    article_state s = article_state::published, bool archive = false) {
  publication p;
  p.id = publication_id{next_id("an-pham")};
  p.kind = k;
  p.title = "Ấn phẩm";
  p.unit = unit_id{unit};
  p.state = s;
  p.media = {media_id{"tep-1"}};
  if (when) p.published_at = at(*when);
  put(db, p);
  if (archive) REQUIRE(db.archive<publication>(p.id.value, 1, "test").has_value());
}

const std::string hash64(64, 'a');

void play_at(pbgdpl::store::store& db, std::string unit, const char* start) {
  play_record p;
  p.id = play_record_id{next_id("mh-1")};
  p.display = display_id{"mh-" + unit};
  p.unit = unit_id{unit};
  p.media = "video-1";
  p.blake2b = hash64;
  p.start = at(start);
  p.end = p.start + std::chrono::seconds{30};
  p.seq = static_cast<std::uint64_t>(seq);
  p.line_blake2b = hash64;
  put(db, p);
}

void display_of(pbgdpl::store::store& db, std::string unit, bool enabled) {
  display d;
  d.id = display_id{next_id("mh")};
  d.name = "Màn hình " + d.id.value;
  d.unit = unit_id{unit};
  d.enabled = enabled;
  put(db, d);
}

void channel_of(pbgdpl::store::store& db, std::string unit, bool active, std::optional<date> started, std::string id = {}) {
  channel c;
  c.id = channel_id{id.empty() ? next_id("kenh") : id};
  c.kind = channel_kind::facebook;
  c.name = "Trang Facebook";
  c.url = "https://facebook.com/" + c.id.value;
  c.unit = unit_id{unit};
  c.active = active;
  c.started_on = started;
  put(db, c);
}

void post_at(pbgdpl::store::store& db, std::string unit, std::string ch, const char* when) {
  channel_post p;
  p.id = channel_post_id{next_id("post")};
  p.channel = channel_id{std::move(ch)};
  p.unit = unit_id{unit};
  p.posted_at = at(when);
  p.title = "Bài đăng";
  p.url = "https://facebook.com/p/" + p.id.value;
  put(db, p);
}

void course(pbgdpl::store::store& db, std::string id, std::string unit, date from, date to, std::uint32_t sessions) {
  training_course c;
  c.id = training_course_id{std::move(id)};
  c.title = "Tập huấn kỹ năng CNTT trong PBGDPL";
  c.unit = unit_id{unit};
  c.mode = training_mode::in_person;
  c.starts_on = from;
  c.ends_on = to;
  c.sessions = sessions;
  put(db, c);
}

void attend(pbgdpl::store::store& db, std::string unit, std::string course_id, std::string name, std::optional<std::string> acc,
            attendance_status s, std::optional<date> done = std::nullopt) {
  attendance a;
  a.id = attendance_id{next_id("td")};
  a.course = training_course_id{std::move(course_id)};
  a.unit = unit_id{unit};
  a.person_name = std::move(name);
  if (acc) a.account = account_id{*acc};
  a.status = s;
  a.completed_on = done;
  put(db, a);
}

void check_in(pbgdpl::store::store& db, std::string run, std::optional<const char*> finished, std::string unit,
              std::array<const char*, 3> verdicts) {
  if (!db.get<compliance_run>(run)) {
    compliance_run r;
    r.id = compliance_run_id{run};
    r.unit = unit_id{"pgd"};
    r.started_at = at(finished.value_or("2026-02-01T08:00:00+07:00")) - std::chrono::minutes{5};
    if (finished) r.finished_at = at(*finished);
    r.trigger = "test";
    put(db, r);
  }
  compliance_check c;
  c.id = compliance_check_id{run + "." + unit};
  c.run = compliance_run_id{run};
  c.unit = unit_id{unit};
  c.checked_at = at(finished.value_or("2026-02-01T08:00:00+07:00")) - std::chrono::minutes{1};
  c.section = verdicts[0];
  c.division_link = verdicts[1];
  c.city_banner = verdicts[2];
  c.recent_post = "met";
  c.compliant = c.section == "met" && c.division_link == "met" && c.city_banner == "met";
  put(db, c);
}

// A division, two schools and a third with nothing: th-a's records inside and outside the window
// (on both sides of its edges in Hà Nội time), th-b's and the division's own inside it.
void fill(pbgdpl::store::store& db) {
  put(db, make_unit("ha-noi", "Thành phố Hà Nội", std::nullopt, unit_kind::city));
  put(db, make_unit("pgd", "Phòng Giáo dục và Đào tạo", std::string("ha-noi"), unit_kind::education_division));
  put(db, make_unit("th-a", "Trường Tiểu học A", std::string("pgd")));
  put(db, make_unit("th-b", "Trường Tiểu học B", std::string("pgd")));
  put(db, make_unit("th-c", "Trường Tiểu học C", std::string("pgd")));

  // Articles: 00:30 on 1 September is still 31 August in UTC; 23:30 on 31 August is out.
  article_at(db, "th-a", "2025-09-01T00:30:00+07:00");
  article_at(db, "th-a", "2025-08-31T23:30:00+07:00");
  article_at(db, "th-a", "2026-06-30T23:59:00+07:00");
  article_at(db, "th-a", "2026-07-01T00:00:30+07:00");
  article_at(db, "th-a", "2026-01-15T09:00:00+07:00", article_state::published, true);  // archived since
  article_at(db, "th-a", "2026-01-16T09:00:00+07:00", article_state::draft);
  article_at(db, "th-a", "2026-01-17T09:00:00+07:00", article_state::submitted);
  article_at(db, "th-a", "2026-01-18T09:00:00+07:00", article_state::draft, true);  // archived, never published
  article_at(db, "th-b", "2026-01-15T09:00:00+07:00");
  article_at(db, "pgd", "2026-01-15T09:00:00+07:00");

  document_at(db, "th-a", "2025-10-01T08:00:00+07:00");
  document_at(db, "th-a", "2026-03-01T08:00:00+07:00");
  document_at(db, "th-a", "2026-03-02T08:00:00+07:00", article_state::draft);
  document_at(db, "th-a", "2025-06-01T08:00:00+07:00");
  document_at(db, "th-b", "2026-03-01T08:00:00+07:00");

  question_at(db, "th-a", "2025-08-31T08:00:00+07:00", "2025-09-01T10:00:00+07:00");  // 26 h, answered in
  question_at(db, "th-a", "2025-10-01T08:00:00+07:00", "2025-10-01T20:00:00+07:00", question_state::published);  // 12 h
  question_at(db, "th-a", "2026-01-10T08:00:00+07:00", "2026-01-10T11:00:00+07:00", question_state::accepted);  // 3 h
  question_at(db, "th-a", "2026-01-11T08:00:00+07:00", std::nullopt, question_state::asked);
  question_at(db, "th-a", "2026-06-30T08:00:00+07:00", "2026-07-01T08:00:00+07:00");  // answered after
  question_at(db, "th-a", "2025-05-01T08:00:00+07:00", "2025-05-02T08:00:00+07:00");  // before
  question_at(db, "th-a", "2026-02-01T08:00:00+07:00", std::nullopt, question_state::rejected);
  question_at(db, "th-b", "2026-02-01T08:00:00+07:00", "2026-02-03T08:00:00+07:00");  // 48 h

  dialogue_at(db, "th-a", "2025-11-20T14:00:00+07:00", dialogue_state::closed);
  dialogue_at(db, "th-a", "2026-06-01T14:00:00+07:00", dialogue_state::open);
  dialogue_at(db, "th-a", "2026-03-01T14:00:00+07:00", dialogue_state::cancelled);
  dialogue_at(db, "th-a", "2026-04-01T14:00:00+07:00", dialogue_state::planned);
  dialogue_at(db, "th-a", "2025-05-01T14:00:00+07:00", dialogue_state::closed);
  dialogue_at(db, "th-b", "2025-11-20T14:00:00+07:00", dialogue_state::closed);

  publication_at(db, "th-a", publication_kind::leaflet, "2025-12-01T08:00:00+07:00");
  publication_at(db, "th-a", publication_kind::video, "2026-02-01T08:00:00+07:00");
  publication_at(db, "th-a", publication_kind::video, "2026-03-01T08:00:00+07:00", article_state::published, true);
  publication_at(db, "th-a", publication_kind::leaflet, std::nullopt, article_state::draft);
  publication_at(db, "th-a", publication_kind::video, "2025-07-01T08:00:00+07:00");
  publication_at(db, "th-b", publication_kind::outline, "2026-02-01T08:00:00+07:00");

  play_at(db, "th-a", "2025-09-01T00:10:00+07:00");
  play_at(db, "th-a", "2025-12-01T09:00:00+07:00");
  play_at(db, "th-a", "2026-03-01T09:00:00+07:00");
  play_at(db, "th-a", "2026-06-30T23:50:00+07:00");
  play_at(db, "th-a", "2025-08-31T23:50:00+07:00");
  play_at(db, "th-b", "2026-03-01T09:00:00+07:00");
  play_at(db, "th-b", "2026-03-01T10:00:00+07:00");

  display_of(db, "th-a", true);
  display_of(db, "th-a", true);
  display_of(db, "th-a", false);
  display_of(db, "th-b", true);

  channel_of(db, "th-a", true, day(2024, 1, 1), "fb-th-a");
  channel_of(db, "th-a", true, std::nullopt);
  channel_of(db, "th-a", false, day(2024, 1, 1));
  channel_of(db, "th-a", true, day(2026, 7, 2));  // opened after the window
  channel_of(db, "th-b", true, std::nullopt, "fb-th-b");
  post_at(db, "th-a", "fb-th-a", "2025-09-15T08:00:00+07:00");
  post_at(db, "th-a", "fb-th-a", "2026-01-15T08:00:00+07:00");
  post_at(db, "th-a", "fb-th-a", "2026-06-15T08:00:00+07:00");
  post_at(db, "th-a", "fb-th-a", "2025-08-15T08:00:00+07:00");
  post_at(db, "th-b", "fb-th-b", "2026-01-15T08:00:00+07:00");

  course(db, "c1", "th-a", day(2025, 10, 5), day(2025, 10, 6), 3);
  course(db, "c2", "th-a", day(2026, 7, 5), day(2026, 7, 6), 2);
  course(db, "c3", "pgd", day(2025, 11, 1), day(2025, 11, 30), 4);
  attend(db, "th-a", "c1", "Nguyễn Văn An", "acc-an", attendance_status::completed, day(2025, 10, 6));
  attend(db, "th-a", "c3", "Nguyễn Văn An", "acc-an", attendance_status::attended);  // the same person again
  attend(db, "th-a", "c3", "Trần Thị Bình", std::nullopt, attendance_status::attended);
  attend(db, "th-a", "c3", "Lê Văn Cường", std::nullopt, attendance_status::registered);
  attend(db, "th-a", "c3", "Phạm Thị Dung", std::nullopt, attendance_status::absent);
  attend(db, "th-a", "c2", "Hoàng Văn Em", std::nullopt, attendance_status::completed, day(2026, 7, 6));
  attend(db, "th-b", "c3", "Vũ Thị Giang", std::nullopt, attendance_status::attended);

  // Compliance: r1 ended before the window, r4 after it, r5 never ended; r3 is th-a's latest.
  check_in(db, "r1", "2025-08-20T08:00:00+07:00", "th-a", {"met", "met", "met"});
  check_in(db, "r2", "2025-12-01T08:00:00+07:00", "th-a", {"met", "not_met", "unknown"});
  check_in(db, "r3", "2026-03-01T08:00:00+07:00", "th-a", {"not_met", "met", "met"});
  check_in(db, "r3", "2026-03-01T08:00:00+07:00", "th-b", {"met", "met", "not_met"});
  check_in(db, "r4", "2026-08-01T08:00:00+07:00", "th-a", {"met", "met", "met"});
  check_in(db, "r5", std::nullopt, "th-a", {"met", "met", "met"});
}

std::map<std::string, reports::computed_value> by_code(const std::vector<reports::computed_value>& vs) {
  std::map<std::string, reports::computed_value> m;
  for (const auto& v : vs) m.emplace(v.code, v);
  return m;
}

// th-a's numbers, worked out by hand from fill() above.
void check_th_a(const std::map<std::string, reports::computed_value>& m) {
  auto number = [&](const char* code) -> std::optional<double> {
    auto it = m.find(code);
    REQUIRE_MESSAGE(it != m.end(), code);
    return it->second.number;
  };
  auto flag = [&](const char* code) -> std::optional<bool> {
    auto it = m.find(code);
    REQUIRE_MESSAGE(it != m.end(), code);
    return it->second.flag;
  };
  CHECK(flag("compliance_section") == false);
  CHECK(flag("compliance_division_link") == true);
  CHECK(flag("compliance_city_banner") == true);
  CHECK(number("articles_published") == 3.0);
  CHECK(number("legal_documents_posted") == 2.0);
  CHECK(number("questions_answered") == 3.0);
  CHECK(number("questions_median_answer_hours") == 12.0);
  CHECK(number("dialogues_held") == 2.0);
  CHECK(number("publications_made") == 3.0);
  CHECK(number("publications_leaflet") == 1.0);
  CHECK(number("publications_video") == 2.0);
  CHECK(number("publications_outline") == 0.0);
  CHECK(number("signage_plays") == 4.0);
  CHECK(number("signage_screens") == 2.0);
  CHECK(number("channels_active") == 2.0);
  CHECK(number("channels_posts") == 3.0);
  CHECK(number("training_courses") == 1.0);
  CHECK(number("training_sessions") == 3.0);
  CHECK(number("training_staff_trained") == 2.0);
  // Only indicators with a known source of their own kind are computed.
  CHECK(m.count("typed_by_hand") == 0);
  CHECK(m.count("unknown_source") == 0);
  CHECK(m.count("count_as_yes_no") == 0);
  CHECK(m.count("verdict_as_number") == 0);
  CHECK(m.size() == reports::indicator_sources().size());
  // The evidence says what was counted and over which days.
  CHECK(m.at("articles_published").evidence_vi == "3 bài viết đăng từ 01/09/2025 đến 30/06/2026");
  CHECK(m.at("articles_published").evidence_en == "3 articles published from 2025-09-01 to 2026-06-30");
  CHECK(m.at("questions_median_answer_hours").evidence_en.find("over 3 questions") != std::string::npos);
  CHECK(m.at("compliance_section").evidence_en == "Compliance check finished on 2026-03-01: not met");
}

template <class Factory>
void every_source_is_counted() {
  Factory f;
  auto db = f.make();
  seq = 0;
  fill(*db);
  const auto t = every_source();
  const auto p = period_2026();
  auto one = reports::compute_indicators(*db, t, p, unit_id{"th-a"});
  REQUIRE_MESSAGE(one.has_value(), (one ? "" : one.err().describe()));
  check_th_a(by_code(*one));

  // The other school's records stay its own.
  auto b = reports::compute_indicators(*db, t, p, unit_id{"th-b"});
  REQUIRE(b.has_value());
  auto mb = by_code(*b);
  CHECK(mb.at("articles_published").number == 1.0);
  CHECK(mb.at("questions_median_answer_hours").number == 48.0);
  CHECK(mb.at("signage_plays").number == 2.0);
  CHECK(mb.at("compliance_city_banner").flag == false);
  CHECK(mb.at("publications_outline").number == 1.0);
  CHECK(mb.at("training_staff_trained").number == 1.0);
  CHECK(mb.at("training_courses").number == 0.0);

  // A school with nothing: zeros, and no verdict where nothing was checked.
  auto c = reports::compute_indicators(*db, t, p, unit_id{"th-c"});
  REQUIRE(c.has_value());
  auto mc = by_code(*c);
  CHECK(mc.at("articles_published").number == 0.0);
  CHECK_FALSE(mc.at("compliance_section").flag.has_value());
  CHECK_FALSE(mc.at("questions_median_answer_hours").number.has_value());
  CHECK(mc.at("compliance_section").evidence_vi.find("Không có đợt kiểm tra") == 0);

  // The division's own records only, not its schools'.
  auto d = reports::compute_indicators(*db, t, p, unit_id{"pgd"});
  REQUIRE(d.has_value());
  CHECK(by_code(*d).at("articles_published").number == 1.0);
  CHECK(by_code(*d).at("training_courses").number == 1.0);
  CHECK(by_code(*d).at("training_sessions").number == 4.0);

  // Many units in one pass give what one unit at a time gives.
  std::vector<unit_id> units{unit_id{"th-a"}, unit_id{"th-b"}, unit_id{"th-c"}, unit_id{"pgd"}, unit_id{"th-a"}};
  auto many = reports::compute_for_units(*db, t, p, units);
  REQUIRE(many.has_value());
  CHECK(many->size() == 4);
  CHECK(many->at("th-a") == *one);
  CHECK(many->at("th-b") == *b);
  CHECK(many->at("th-c") == *c);
  CHECK(many->at("pgd") == *d);
}

}  // namespace

TEST_CASE("each computed indicator counts the unit's own records inside the period's window (memory store)") {
  every_source_is_counted<memory_factory>();
}

TEST_CASE("each computed indicator counts the unit's own records inside the period's window (SQLite file)") {
  every_source_is_counted<sqlite_factory>();
}

TEST_CASE("many units read in one pass agree with one unit at a time past the backend's unit list") {
  // More units than the query names one by one: the whole kind is read and bucketed.
  auto db = make_memory_store();
  seq = 0;
  fill(*db);
  std::vector<unit_id> units{unit_id{"th-a"}, unit_id{"th-b"}};
  for (int i = 0; i < 100; ++i) units.push_back(unit_id{"khong-co-" + std::to_string(i)});
  const auto t = every_source();
  auto many = reports::compute_for_units(*db, t, period_2026(), units);
  REQUIRE(many.has_value());
  CHECK(many->size() == 102);
  check_th_a(by_code(many->at("th-a")));
  CHECK(by_code(many->at("th-b")).at("signage_plays").number == 2.0);
  CHECK(by_code(many->at("khong-co-7")).at("signage_plays").number == 0.0);
}

TEST_CASE("a period's own window replaces the default one") {
  auto db = make_memory_store();
  seq = 0;
  fill(*db);
  auto p = period_2026();
  p.covers_from = day(2026, 1, 1);
  p.covers_to = day(2026, 3, 1);
  auto v = reports::compute_indicators(*db, every_source(), p, unit_id{"th-a"});
  REQUIRE(v.has_value());
  auto m = by_code(*v);
  CHECK(m.at("articles_published").number == 1.0);  // the archived one of 15 January
  CHECK(m.at("signage_plays").number == 1.0);
  CHECK(m.at("questions_answered").number == 1.0);
  CHECK(m.at("questions_median_answer_hours").number == 3.0);
  CHECK(m.at("compliance_section").flag == false);  // r3 ended on 1 March, the last day
  CHECK(m.at("articles_published").evidence_vi == "1 bài viết đăng từ 01/01/2026 đến 01/03/2026");
}

TEST_CASE("a template with no computed indicator reads nothing and gives empty lists") {
  auto db = make_memory_store();
  report_template t;
  t.id = report_template_id{"tay"};
  t.name = "Chỉ nhập tay";
  t.owner = unit_id{"pgd"};
  t.indicators.push_back(sourced("ghi_chu", "", indicator_kind::text));
  auto v = reports::compute_indicators(*db, t, period_2026(), unit_id{"th-a"});
  REQUIRE(v.has_value());
  CHECK(v->empty());
  CHECK(reports::find_source("training.staff_trained") != nullptr);
  CHECK(reports::find_source("training") == nullptr);
}

TEST_CASE("a damaged record of a kind a source reads is an error naming it, not a guess") {
  auto db = make_memory_store();
  seq = 0;
  fill(*db);
  pbgdpl::store::record bad;
  bad.kind = "question";
  bad.id = "hong";
  bad.version = 1;
  bad.unit = "th-a";
  bad.day = "2026-01-01";
  bad.body = json{{"id", "hong"}, {"schema_version", 1}, {"version", 1}, {"unit", "th-a"}, {"asked_at", 42}};
  REQUIRE(db->write(pbgdpl::store::write_op::create, bad, 0, "test").has_value());
  report_template t = every_source();
  auto v = reports::compute_indicators(*db, t, period_2026(), unit_id{"th-a"});
  REQUIRE_FALSE(v.has_value());
  CHECK(v.err().code == errc::corrupt);
  CHECK(v.err().describe().find("hong") != std::string::npos);
  // Another school's indicators do not read th-a's questions.
  CHECK(reports::compute_indicators(*db, t, period_2026(), unit_id{"th-b"}).has_value());
  // Nor does a template that counts no questions.
  t.indicators.erase(std::remove_if(t.indicators.begin(), t.indicators.end(),
                                    [](const indicator& i) { return i.source.rfind("questions.", 0) == 0; }),
                     t.indicators.end());
  CHECK(reports::compute_indicators(*db, t, period_2026(), unit_id{"th-a"}).has_value());
}
