// The history of the compliance crawls (plan target 1.1: 100% of school sites have the PBGDPL
// section, link the division portal and carry the city banner). A run is one crawl of the schools
// below a unit on one day; a check is one school's result in that run: the four verdicts as
// filterable fields and the crawler's whole result (network/compliance.hpp site_result: the
// evidence) kept as its JSON text, so the model knows nothing of the network layer.
#pragma once
#include "common.hpp"
#include "unit.hpp"

PBGDPL_NAMESPACE_BEGIN

using compliance_run_id = id<struct compliance_run_tag>;
using compliance_check_id = id<struct compliance_check_tag>;

// A verdict as stored: "met", "not_met", "unknown" (network::verdict's names).
inline bool is_compliance_verdict(std::string_view v) noexcept { return v == "met" || v == "not_met" || v == "unknown"; }

struct compliance_check {
  compliance_check_id id;  // "<run>.<unit>"
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  compliance_run_id run;
  unit_id unit;  // the school
  std::optional<school_level> level;  // the school's level on the day of the run
  std::string site;                   // the URL crawled
  timestamp checked_at{};
  std::string section = "unknown";        // (a) a PBGDPL section
  std::string division_link = "unknown";  // (b) a link to the division portal
  std::string city_banner = "unknown";    // (c) the city banner with the required sentence
  std::string recent_post = "unknown";    // (d) a PBGDPL post newer than the run's recent_days
  bool compliant = false;                 // all four met
  std::string result;  // network::site_result as JSON: the evidence behind each verdict

  friend bool operator==(const compliance_check&, const compliance_check&) = default;
};

template <class V>
void describe(V& f, compliance_check& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("run", x.run, need::required);
  f("unit", x.unit, need::required);
  f("level", x.level);
  f("site", x.site, need::optional, short_text);
  f("checked_at", x.checked_at, need::required);
  f("section", x.section, need::required, short_text);
  f("division_link", x.division_link, need::required, short_text);
  f("city_banner", x.city_banner, need::required, short_text);
  f("recent_post", x.recent_post, need::required, short_text);
  f("compliant", x.compliant);
  f("result", x.result, need::optional);
}
PBGDPL_MODEL_DECLARE(compliance_check)

// A run's counts for one criterion ("section", "division_link", "city_banner", "recent_post",
// "all") at one level (none: every school), kept with the run so a trend over many runs reads
// one record per run, not every check of each.
struct compliance_tally {
  std::optional<school_level> level;
  std::string criterion;
  std::uint32_t met = 0, not_met = 0, unknown = 0;
  friend bool operator==(const compliance_tally&, const compliance_tally&) = default;
};

template <class V>
void describe(V& f, compliance_tally& x) {
  using model_io::need;
  using model_io::short_text;
  f("level", x.level);
  f("criterion", x.criterion, need::required, short_text);
  f("met", x.met);
  f("not_met", x.not_met);
  f("unknown", x.unknown);
}
PBGDPL_MODEL_DECLARE(compliance_tally)

struct compliance_run {
  compliance_run_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;  // whose schools were crawled (the division, or the ward's office today)
  timestamp started_at{};
  std::optional<timestamp> finished_at;  // none while it runs (or if it was cut short)
  std::uint32_t sites = 0;               // schools in the run
  std::uint32_t recent_days = 0;         // criterion (d)'s window
  std::string trigger;                   // "cli", "portal", "demo", "schedule"
  std::vector<compliance_tally> tallies;  // written with the run (none in runs stored before)

  friend bool operator==(const compliance_run&, const compliance_run&) = default;
};

template <class V>
void describe(V& f, compliance_run& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("started_at", x.started_at, need::required);
  f("finished_at", x.finished_at);
  f("sites", x.sites);
  f("recent_days", x.recent_days);
  f("trigger", x.trigger, need::optional, short_text);
  f("tallies", x.tallies);
}
PBGDPL_MODEL_DECLARE(compliance_run)

PBGDPL_DECL void validate(const compliance_check& c, validator& v);
PBGDPL_DECL void validate(const compliance_run& r, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(compliance_check)
PBGDPL_MODEL_EXTERN(compliance_run)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/compliance.ipp"
#endif
