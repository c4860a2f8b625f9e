// Cheap forward declarations of pbgdpl's main types, for headers that only pass them around
// (a store interface, a view model): including this costs a fraction of the model headers.
#pragma once
#include "version.hpp"

#include <nlohmann/json_fwd.hpp>

PBGDPL_NAMESPACE_BEGIN
enum class errc : int;
struct error;
class exception;
template <class T>
class result;
template <class Tag>
struct id;
using json = nlohmann::json;
class validator;

// The model's entities (model/*.hpp).
struct unit;
struct account;
struct article;
struct publication;
struct legal_document;
struct media_asset;
struct question;
struct dialogue_session;
struct approval_record;
struct banner;
struct display_group;
struct display;
struct layout;
struct playlist;
struct schedule_entry;
struct report_template;
struct report_period;
struct report_submission;
struct training_course;
struct attendance;
struct channel;
struct dataset;
PBGDPL_NAMESPACE_END
