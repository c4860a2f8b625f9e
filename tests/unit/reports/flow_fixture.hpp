// A small world for the workflow and period tests: Hà Nội, the Hà Đông division until 30 June
// 2025 (its duties then passed to two wards' offices of culture and society), three schools that
// moved from the division to the offices on 1 July 2025 and one that closed on 1 September 2025;
// a report template, its two periods of 2025, and the accounts and keys of the people involved.
#pragma once
#include <pbgdpl/reports/workflow.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flow_fixture {
using namespace pbgdpl;

inline timestamp at(const char* s) { return parse_timestamp(s).value(); }
inline date day(int y, unsigned m, unsigned d) {
  return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

inline unit make_unit(std::string id, unit_kind k, std::optional<std::string> parent, std::string name) {
  unit u;
  u.id = unit_id{std::move(id)};
  u.kind = k;
  u.name = std::move(name);
  u.short_name = u.name;
  if (parent) u.parent = unit_id{*parent};
  return u;
}

// A school under `office` since 1 July 2025, under the division before.
inline unit moved_school(std::string id, school_level level, std::string office, std::string name) {
  auto u = make_unit(std::move(id), unit_kind::school, std::move(office), std::move(name));
  u.level = level;
  unit_period before;
  before.until = day(2025, 6, 30);
  before.parent = unit_id{"pgd"};
  before.decision = "72/2025/QH15";
  u.history.push_back(before);
  return u;
}

struct person {
  account acc;
  trust::secret_key key = trust::secret_key::generate();
  reports::actor as() const { return {acc, key.public_part().to_file()}; }
};

struct world {
  std::unique_ptr<store::store> db = store::make_memory_store();
  std::map<std::string, person> people;
  report_template tmpl;
  report_period dot1, dot2;  // round 1 of 2025 (due 30 June: the division), round 2 (due 15 December: the offices)

  world() : world(store::make_memory_store()) {}
  explicit world(std::unique_ptr<store::store> backend) : db(std::move(backend)) {
    auto put = [&](unit u) { REQUIRE(db->create(std::move(u), "test")); };
    put(make_unit("ha-noi", unit_kind::city, std::nullopt, "Thành phố Hà Nội"));
    auto district = make_unit("ubnd-hd", unit_kind::district, "ha-noi", "UBND quận Hà Đông");
    district.closed_on = day(2025, 6, 30);
    put(district);
    for (std::string w : {"a", "b"}) {
      auto ward = make_unit("phuong-" + w, unit_kind::ward, "ha-noi", "UBND phường " + w);
      ward.opened_on = day(2025, 7, 1);
      put(ward);
      auto office = make_unit("vhxh-" + w, unit_kind::commune_office, "phuong-" + w, "Phòng Văn hóa - Xã hội phường " + w);
      office.opened_on = day(2025, 7, 1);
      put(office);
    }
    auto pgd = make_unit("pgd", unit_kind::education_division, "ubnd-hd", "Phòng GDĐT quận Hà Đông");
    pgd.closed_on = day(2025, 6, 30);
    for (std::string w : {"vhxh-a", "vhxh-b"}) {
      unit_succession s;
      s.kind = succession_kind::duties_transferred_to;
      s.successor = unit_id{w};
      s.decision = "72/2025/QH15";
      pgd.successors.push_back(s);
    }
    put(pgd);
    put(moved_school("th-a", school_level::th, "vhxh-a", "Trường Tiểu học A"));
    put(moved_school("mn-a", school_level::mn, "vhxh-a", "Trường Mầm non A"));
    put(moved_school("thcs-b", school_level::thcs, "vhxh-b", "Trường THCS B"));
    auto closed = moved_school("th-closed", school_level::th, "vhxh-a", "Trường Tiểu học Đã Sáp Nhập");
    closed.closed_on = day(2025, 9, 1);
    put(closed);

    tmpl.id = report_template_id{"bc"};
    tmpl.name = "Báo cáo kết quả thực hiện Kế hoạch 19/KH-PGDĐT";
    tmpl.owner = unit_id{"pgd"};
    auto ind = [&](std::string code, indicator_kind k, bool whole, bool required = true, std::string source = {}) {
      indicator i;
      i.code = std::move(code);
      i.label = "Chỉ tiêu " + i.code;
      i.kind = k;
      i.whole = whole;
      i.required = required;
      i.source = std::move(source);
      if (k == indicator_kind::number) i.min = 0;
      tmpl.indicators.push_back(i);
    };
    ind("articles_posted", indicator_kind::number, true, true, "articles.published");  // computed
    ind("staff_trained_percent", indicator_kind::percent, false);
    ind("has_section", indicator_kind::boolean, false, true, "compliance.section");  // computed: no check, no figure
    ind("budget_spent", indicator_kind::number, true, false);
    ind("highlights", indicator_kind::text, false, false);
    ind("staff_total", indicator_kind::number, true, false);
    ind("staff_trained", indicator_kind::number, true, false);
    validation_rule trained;
    trained.code = "trained_within_staff";
    trained.left = "staff_trained";
    trained.op = rule_op::le;
    trained.right = "staff_total";
    trained.message = "Số người được tập huấn không vượt quá tổng số cán bộ";
    trained.message_en = "Staff trained cannot exceed staff total";
    tmpl.rules.push_back(trained);
    validation_rule spent;
    spent.code = "some_budget";
    spent.left = "budget_spent";
    spent.op = rule_op::gt;
    spent.value = 0;
    spent.severity = rule_severity::warning;
    spent.message = "Đơn vị chưa ghi kinh phí đã chi";
    spent.message_en = "No budget spent is recorded";
    tmpl.rules.push_back(spent);
    tmpl = db->create(tmpl, "test").value();

    dot1.id = report_period_id{"bc-2025-dot-1"};
    dot1.template_id = tmpl.id;
    dot1.calendar_year = 2025;
    dot1.round = report_round::first;
    dot1.year = round_school_year(2025, report_round::first);
    dot1.opens_on = day(2025, 5, 20);
    dot1.due_on = day(2025, 6, 30);
    dot1 = db->create(dot1, "test").value();
    dot2 = dot1;
    dot2.id = report_period_id{"bc-2025-dot-2"};
    dot2.version = 0;
    dot2.round = report_round::second;
    dot2.year = round_school_year(2025, report_round::second);
    dot2.opens_on = day(2025, 11, 15);
    dot2.due_on = day(2025, 12, 15);
    dot2 = db->create(dot2, "test").value();

    add("head-a", {{role::school_approver, unit_id{"th-a"}}, {role::school_editor, unit_id{"th-a"}}});
    add("editor-a", {{role::school_editor, unit_id{"th-a"}}});
    add("head-mn", {{role::school_approver, unit_id{"mn-a"}}});
    add("head-closed", {{role::school_approver, unit_id{"th-closed"}}});
    add("office-a", {{role::division_approver, unit_id{"vhxh-a"}}});
    add("office-b", {{role::division_approver, unit_id{"vhxh-b"}}});
    add("pgd-approver", {{role::division_approver, unit_id{"pgd"}}});
    // An approver at the ward's People's Committee, above the office: not the unit that receives
    // the schools' reports.
    add("ward-a", {{role::division_approver, unit_id{"phuong-a"}}});
    add("city", {{role::city_official, unit_id{"ha-noi"}}});
    add("auditor", {{role::auditor, unit_id{"vhxh-a"}}});
    // One person with two hats: the head of th-a who also reviews at the office.
    add("two-hats", {{role::school_approver, unit_id{"th-a"}}, {role::division_approver, unit_id{"vhxh-a"}}});
  }

  void add(const std::string& name, std::vector<role_grant> grants) {
    person p;
    p.acc.id = account_id{name};
    p.acc.username = name;
    p.acc.display_name = name;
    p.acc.grants = std::move(grants);
    p.acc = db->create(p.acc, "test").value();
    credential c;
    c.id = p.acc.id;
    c.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    c.approval_public_key = p.key.public_part().to_file();
    REQUIRE(db->create(c, "test"));
    people.emplace(name, std::move(p));
  }

  const person& who(const std::string& name) const { return people.at(name); }

  // Every report record as stored, in id order: what "nothing changed" compares.
  std::vector<store::record> reports() {
    store::list_query q;
    q.limit = 100;
    q.where.include_archived = true;
    std::vector<store::record> out;
    for (;;) {
      auto p = db->list_records("report_submission", q).value();
      for (auto& r : p.items) out.push_back(std::move(r));
      if (p.next_cursor.empty()) break;
      q.cursor = p.next_cursor;
    }
    std::sort(out.begin(), out.end(), [](const store::record& a, const store::record& b) { return a.id.compare(b.id) < 0; });
    return out;
  }

  // A filled-in draft of `unit` for `period`, ready to send.
  report_submission filled(const report_period& p, const std::string& unit, const std::string& by, timestamp t) {
    auto s = reports::open_draft(*db, p.id, unit_id{unit}, who(by).as(), t);
    REQUIRE(s);
    // articles_posted stays as computed from the store.
    std::vector<indicator_value> vs(2);
    vs[0].code = "staff_trained_percent";
    vs[0].number = 75;
    vs[1].code = "has_section";
    vs[1].flag = true;
    auto saved = reports::save_values(*db, s->id, vs, who(by).as(), t);
    REQUIRE(saved);
    return *saved;
  }
};

// An article of `unit` published at `when`, as the editorial workflow leaves it.
inline article published_article(const std::string& unit, const char* when, std::string title) {
  article a;
  a.title = std::move(title);
  a.body_markdown = "Nội dung tuyên truyền pháp luật.";
  a.unit = unit_id{unit};
  a.author = account_id{"editor-a"};
  a.created_at = a.updated_at = at(when);
  a.state = article_state::published;
  a.published_at = a.created_at;
  a.category = "tin-hoat-dong";
  return a;
}

inline bool same_records(const std::vector<store::record>& a, const std::vector<store::record>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].id != b[i].id || a[i].version != b[i].version || a[i].body != b[i].body) return false;
  return true;
}

}  // namespace flow_fixture
