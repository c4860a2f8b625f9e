// The demo's yearly reporting, made on the portal's first run and checked on every later one: the
// reporting rounds of the current calendar year (round 1 after the school year's wrap-up, round 2
// due 15 December) exist for the seed's report form, and the demo school's report for round 2 is a
// draft pre-filled from what the store holds (reports::open_draft), ready for its principal to
// check, sign and send, and for the ward's office to approve. Later runs find them and change nothing.
#pragma once
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/model/dataset.hpp>
#include <pbgdpl/store/store.hpp>

#include <string>
#include <vector>

namespace demo {

struct reports_outcome {
  std::vector<std::string> periods;  // the current year's rounds (made now or before)
  std::string draft;                 // the demo school's round 2 report
  std::string school_approver;       // who signs and sends it (a username)
  std::vector<std::string> notes;    // what could not be done, in both languages
};

pbgdpl::result<reports_outcome> seed_reports(pbgdpl::store::store& db, const pbgdpl::dataset& seed, pbgdpl::timestamp now);

}  // namespace demo
