// Bodies of reports/templates.hpp: compiled once into the reports tier (src/reports/templates.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../templates.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace reports {

PBGDPL_DECL report_template next_edition(const report_template& t) {
  report_template n = t;
  n.family = family_of(t);
  n.edition = t.edition + 1;
  n.id = report_template_id{n.family + "-v" + std::to_string(n.edition)};
  n.version = 0;
  return n;
}

PBGDPL_DECL result<report_template> latest_edition(store::store& s, std::string_view family) {
  store::filter f;
  f.category = std::string(family);
  store::list_query q;
  q.where = f;
  q.limit = 1;  // sort_key is the zero-padded edition: newest first
  auto p = s.list<report_template>(q);
  if (!p) return p.err();
  if (p->items.empty())
    return error(errc::not_found, {}, "Không có mẫu báo cáo nào thuộc họ \"" + std::string(family) + "\"",
                 "No report template of family \"" + std::string(family) + "\"");
  return std::move(p->items.front());
}

PBGDPL_DECL result<report_template> publish_edition(store::store& s, report_template t, std::string_view actor) {
  t.family = family_of(t);
  auto latest = latest_edition(s, t.family);
  const std::uint32_t expected = latest ? latest->edition + 1 : 1;
  if (!latest && latest.err().code != errc::not_found) return latest.err();
  if (t.edition != expected)
    return error(errc::conflict, "/edition",
                 "Phiên bản mới của mẫu \"" + t.family + "\" phải là " + std::to_string(expected),
                 "The new edition of \"" + t.family + "\" must be " + std::to_string(expected));
  t.version = 0;
  return s.create(std::move(t), actor);
}

}  // namespace reports
PBGDPL_NAMESPACE_END
