// The one doctest main for pbgdpl's test executables. A run whose filters select no test case
// fails: CTest runs each case by name, and a name that no longer matches (a renamed case, a name
// CTest split at ';') would otherwise pass while testing nothing.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

namespace {

unsigned cases_selected = 0;
bool run_ended = false;

// Listens only for the end of the run, to learn how many cases the filters selected.
struct selected_counter : doctest::IReporter {
  explicit selected_counter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& s) override {
    cases_selected = s.numTestCasesPassingFilters;
    run_ended = true;
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("pbgdpl_selected_counter", 1, selected_counter);

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  int rc = context.run();
  if (context.shouldExit()) return rc;  // --help, --list-test-cases and other queries
  if (rc == 0 && run_ended && cases_selected == 0) {
    std::fprintf(stderr, "pbgdpl: no test case matched the filters; a run that tests nothing fails\n");
    return 3;
  }
  return rc;
}
