// A whole set of model records (demo seed data, an export, a test fixture) read from one JSON
// object of arrays keyed by entity kind, with every record validated and every reference between
// records checked. No file I/O: callers bring the JSON (examples/seed_summary reads data/seed/).
#pragma once
#include "account.hpp"
#include "approval.hpp"
#include "article.hpp"
#include "banner.hpp"
#include "channel.hpp"
#include "legal_document.hpp"
#include "media.hpp"
#include "question.hpp"
#include "report.hpp"
#include "signage.hpp"
#include "training.hpp"
#include "unit.hpp"

#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN

struct dataset {
  std::vector<unit> units;
  std::vector<account> accounts;
  std::vector<legal_document> legal_documents;
  std::vector<media_asset> media;
  std::vector<article> articles;
  std::vector<publication> publications;
  std::vector<approval_record> approvals;
  std::vector<banner> banners;
  std::vector<display_group> display_groups;
  std::vector<display> displays;
  std::vector<layout> layouts;
  std::vector<playlist> playlists;
  std::vector<schedule_entry> schedules;
  std::vector<report_template> report_templates;
  std::vector<report_period> report_periods;
  std::vector<report_submission> report_submissions;
  std::vector<training_course> training_courses;
  std::vector<attendance> attendances;
  std::vector<channel> channels;
  std::vector<channel_post> channel_posts;
  std::vector<question> questions;
  std::vector<dialogue_session> dialogues;

  friend bool operator==(const dataset&, const dataset&) = default;
};

// The keys of the JSON object; also the seed file names (data/seed/<key>.json).
template <class V>
void describe_dataset(V&& f, dataset& d) {
  f("units", d.units);
  f("accounts", d.accounts);
  f("legal_documents", d.legal_documents);
  f("media", d.media);
  f("articles", d.articles);
  f("publications", d.publications);
  f("approvals", d.approvals);
  f("banners", d.banners);
  f("display_groups", d.display_groups);
  f("displays", d.displays);
  f("layouts", d.layouts);
  f("playlists", d.playlists);
  f("schedules", d.schedules);
  f("report_templates", d.report_templates);
  f("report_periods", d.report_periods);
  f("report_submissions", d.report_submissions);
  f("training_courses", d.training_courses);
  f("attendances", d.attendances);
  f("channels", d.channels);
  f("channel_posts", d.channel_posts);
  f("questions", d.questions);
  f("dialogues", d.dialogues);
}

inline constexpr std::string_view dataset_keys[] = {
    "units",         "accounts",       "legal_documents",  "media",          "articles",
    "publications",  "approvals",      "banners",          "display_groups", "displays",
    "layouts",       "playlists",      "schedules",        "report_templates", "report_periods",
    "report_submissions", "training_courses", "attendances", "channels",     "channel_posts",
    "questions", "dialogues"};

// The dataset as one JSON object of arrays (the form dataset_from_json reads).
PBGDPL_DECL json dataset_to_json(const dataset& d);

// Reads and checks a whole dataset. Every problem is collected (not only the first), each with
// its JSON pointer ("/articles/3/author"). References are checked only once every record has
// decoded, so their paths index the input as written. Unknown top-level keys are refused: a
// misspelt file name must not silently drop data.
PBGDPL_DECL result<dataset> dataset_from_json(const json& j);

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/dataset.ipp"
#endif
