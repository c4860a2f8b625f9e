// One compliance run from start to stored result: the open schools below a unit on today's date,
// each school's site (its `website`, or a URL the caller derives, as the demo does for the
// sections it serves itself), the crawler over all of them, and the run saved with every check
// (network/compliance_history.hpp). Used by the CLI (`pbgdpl crawl`), the portal's API and the
// demo. One run at a time per process: a second start while one runs is refused (busy), so
// no client can make the server crawl without end.
#pragma once
#include "compliance_history.hpp"
#include "crawler.hpp"

#include <functional>

PBGDPL_NAMESPACE_BEGIN
namespace network {

struct school_run_options {
  unit_id scope;                  // whose schools: the division, or the ward's office today
  crawl_config config;            // concurrency, budgets, OCR, fetch options, recent_days
  // The URL to crawl for a school; default: its `website` (schools without one are recorded as
  // unknown, with the reason). The demo points it at the school's own section on the portal.
  std::function<std::string(const unit&)> site_of;
  // The portal of the unit that manages the schools (criterion b); default: the scope unit's
  // website, else the nearest unit above it that has one.
  std::string division_url;
  std::string trigger = "cli";
  std::string actor = "system";
  crawl_progress progress;
};

// Crawls and stores; the stored run (with its id) or why it could not run.
PBGDPL_DECL result<compliance_run> run_school_crawl(store::store& db, const school_run_options& opt);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/compliance_runs.ipp"
#endif
