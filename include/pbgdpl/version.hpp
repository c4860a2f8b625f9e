// pbgdpl version numbers and the inline ABI namespace that keeps two versions from mixing silently.
#pragma once

#define PBGDPL_VERSION_MAJOR 0
#define PBGDPL_VERSION_MINOR 1
#define PBGDPL_VERSION_PATCH 0
#define PBGDPL_VERSION_STRING "0.1.0"

// Everything public lives in pbgdpl::v1; a TU built against another major version links to
// other symbols instead of silently breaking the one-definition rule.
#define PBGDPL_NAMESPACE_BEGIN namespace pbgdpl { inline namespace v1 {
#define PBGDPL_NAMESPACE_END } }
