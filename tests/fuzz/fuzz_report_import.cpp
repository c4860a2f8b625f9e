// Fuzzes what comes into reports from outside: the CSV data values (reports/exports: what a
// division re-imports), and a submission's JSON checked against the seed's templates (what the
// C API, the portal's forms and imports feed to validation). The first byte picks which.
// Properties: CSV that parses re-encodes (to_csv) to CSV that parses to the same values (the
// formula guard taken off again); a decoded submission round-trips and its checks
// (check_against, check_rules) answer without crashing, every finding naming a rule.
#include <pbgdpl/model.hpp>
#include <pbgdpl/reports/exports.hpp>
#include <pbgdpl/reports/validation.hpp>
#include <pbgdpl/store/import.hpp>

#include "fuzz_support.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace pbgdpl;

namespace {
const std::vector<report_template>& templates() {
  static const std::vector<report_template> t = [] {
    auto raw = store::read_dataset_directory(fuzz_support::seed_dir());
    if (!raw) std::abort();
    auto d = dataset_from_json(*raw);
    if (!d || d->report_templates.empty()) std::abort();
    return d->report_templates;
  }();
  return t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    auto v = reports::parse_csv(in);
    if (!v) {
      if (v.err().code == errc::ok) std::abort();
      return 0;
    }
    auto csv = reports::to_csv(*v);
    auto again = reports::parse_csv(csv);
    if (!again || *again != *v) std::abort();
    return 0;
  }
  const auto& ts = templates();
  auto s = from_json_text<report_submission>(in);
  if (!s) return 0;
  auto back = from_json_value<report_submission>(to_json_value(*s));
  if (!back || !(*back == *s)) std::abort();
  const auto& t = ts[data[0] / 2 % ts.size()];
  (void)check_against(*s, t);
  for (const auto& f : reports::check_rules(t, *s))
    if (f.rule.empty()) std::abort();
  return 0;
}
