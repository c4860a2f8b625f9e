// The one documented place for pbgdpl's tunable defaults. Define a macro before including any
// pbgdpl header (or as a compile definition) to change it; every TU must agree.
#pragma once
#include "version.hpp"

// Largest JSON document any decoder accepts, in bytes (a whole entity, not a media file).
#ifndef PBGDPL_MAX_JSON_BYTES
#define PBGDPL_MAX_JSON_BYTES (8u * 1024u * 1024u)
#endif

// Largest single text field (title, summary, body...) in bytes of UTF-8.
#ifndef PBGDPL_MAX_TEXT_BYTES
#define PBGDPL_MAX_TEXT_BYTES (1024u * 1024u)
#endif

// Largest short text field (names, titles, tags) in bytes of UTF-8.
#ifndef PBGDPL_MAX_SHORT_TEXT_BYTES
#define PBGDPL_MAX_SHORT_TEXT_BYTES 1000u
#endif

// Largest number of elements in any array inside an entity (tags, recipients, files...).
#ifndef PBGDPL_MAX_ARRAY_ITEMS
#define PBGDPL_MAX_ARRAY_ITEMS 10000u
#endif

// Deepest JSON nesting the decoders accept (hostile input can nest arbitrarily).
#ifndef PBGDPL_MAX_JSON_DEPTH
#define PBGDPL_MAX_JSON_DEPTH 64u
#endif

// The budgets that stop hostile input (a Markdown text's rendering, 500 ms; a search, 500 ms;
// both the working thread's CPU time, core/time.hpp) are calibrated for optimised code. The
// sanitizer build (tests/sanitize/build.sh) runs the same work 3-10 times slower and sets 10, so
// what an optimised build accepts is not refused there.
#ifndef PBGDPL_TIME_BUDGET_SCALE
#define PBGDPL_TIME_BUDGET_SCALE 1
#endif

// Two build modes (like Asio's). Header-only, the default for vendors: every body is in the
// headers. Compiled (define PBGDPL_SEPARATE_COMPILATION, the CMake option of the same name): the
// heavy bodies (entity codecs and validation, the SQLite store, the HTTP server, the portal) are
// compiled once from src/ into the tier libraries, and their headers hold declarations only.
// A heavy header `x/foo.hpp` keeps its definitions in `x/impl/foo.ipp`, marks them PBGDPL_DECL
// and, at its end, includes the .ipp only when PBGDPL_HEADER_ONLY is set; src/<tier>/foo.cpp
// includes the .ipp once. Every TU of a program must agree on the mode.
#if defined(PBGDPL_SEPARATE_COMPILATION)
#define PBGDPL_DECL
#else
#define PBGDPL_HEADER_ONLY 1
#define PBGDPL_DECL inline
#endif
