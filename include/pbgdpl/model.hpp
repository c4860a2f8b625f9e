// The domain model in one include: value types, validation and JSON for every entity.
// The model knows no I/O; store/, http/ and the services build on it.
#pragma once
#include "model/common.hpp"
#include "model/unit.hpp"
#include "model/account.hpp"
#include "model/article.hpp"
#include "model/legal_document.hpp"
#include "model/media.hpp"
#include "model/question.hpp"
#include "model/approval.hpp"
#include "model/banner.hpp"
#include "model/signage.hpp"
#include "model/report.hpp"
#include "model/training.hpp"
#include "model/channel.hpp"
#include "model/dataset.hpp"
#include "model/unit_directory.hpp"
#include "model/report_rollup.hpp"
