// The umbrella header: everything pbgdpl offers. Include narrower headers to compile faster.
#pragma once
#include "config.hpp"
#include "version.hpp"
#include "core/errors.hpp"
#include "core/result.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "core/text.hpp"
#include "core/document_number.hpp"
#include "core/json.hpp"
#include "model.hpp"
