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
