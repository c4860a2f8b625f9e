// Report templates over time and the reads every part of reports/ shares. A template is
// versioned by edition: the editions of one form share a `family`, each is its own record (so a
// report begun on edition 1 keeps edition 1's indicators while the division publishes edition 2),
// and the newest edition is the one new periods use.
#pragma once
#include "../model/report.hpp"
#include "../store/store.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

// Every record of kind T the filter selects, page by page, oldest first; at most `cap` (more is
// errc::too_large, so a caller never holds an unbounded list by accident).
template <store::stored_entity T>
result<std::vector<T>> list_all(store::store& s, store::filter f, std::size_t cap = 200000) {
  std::vector<T> out;
  store::list_query q;
  q.where = std::move(f);
  q.limit = 100;
  q.oldest_first = true;
  for (;;) {
    auto p = s.list<T>(q);
    if (!p) return p.err();
    for (auto& x : p->items) {
      if (out.size() >= cap)
        return error(errc::too_large, {}, "Quá nhiều bản ghi cho một báo cáo: hãy chọn phạm vi nhỏ hơn",
                     "Too many records for one report: choose a narrower scope");
      out.push_back(std::move(x));
    }
    if (p->next_cursor.empty()) break;
    q.cursor = p->next_cursor;
  }
  return out;
}

// The family a template belongs to (its own id when it names none).
inline std::string family_of(const report_template& t) { return t.family.empty() ? t.id.value : t.family; }

// The next edition of `t`: the same form with edition + 1, id "<family>-v<edition>", version 0
// (not stored yet). The caller changes its indicators and rules and creates it.
PBGDPL_DECL report_template next_edition(const report_template& t);

// The newest edition of a family in the store; not_found when the family has none.
PBGDPL_DECL result<report_template> latest_edition(store::store& s, std::string_view family);

// Creates `t` as a new edition of its family: refused (errc::conflict) unless its edition is one
// more than the newest stored one, so two editors cannot both publish "edition 3".
PBGDPL_DECL result<report_template> publish_edition(store::store& s, report_template t, std::string_view actor);

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/templates.ipp"
#endif
