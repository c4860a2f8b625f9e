// Bodies of http/etag.hpp: compiled once into the http tier (src/http/etag.cpp), or included by
// the header in header-only builds. The only place http/ includes xxHash.
#pragma once
#include "../etag.hpp"

#include <cstdio>

#include <xxhash.h>
// On x86-64, Debian's libxxhash exports run-time dispatched XXH3 (AVX2 when the CPU has it), three
// times faster than the SSE2 baseline; the header's name-replacing macros stay off.
#if !defined(PBGDPL_XXH_DISPATCH) && (defined(__x86_64__) || defined(_M_X64)) && __has_include(<xxh_x86dispatch.h>)
#define PBGDPL_XXH_DISPATCH 1
#endif
#if PBGDPL_XXH_DISPATCH
#ifndef XXH_DISPATCH_DISABLE_REPLACE
#define XXH_DISPATCH_DISABLE_REPLACE
#include <xxh_x86dispatch.h>
#undef XXH_DISPATCH_DISABLE_REPLACE
#else
#include <xxh_x86dispatch.h>
#endif
#endif

PBGDPL_NAMESPACE_BEGIN
namespace http {

PBGDPL_DECL std::string etag_for(std::string_view body) {
#if PBGDPL_XXH_DISPATCH
  XXH128_hash_t h = XXH3_128bits_dispatch(body.data(), body.size());
#else
  XXH128_hash_t h = XXH3_128bits(body.data(), body.size());
#endif
  char buf[36];
  std::snprintf(buf, sizeof buf, "\"%016llx%016llx\"", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

PBGDPL_DECL std::size_t detail::key_hash(std::string_view s) noexcept {
#if PBGDPL_XXH_DISPATCH
  return static_cast<std::size_t>(XXH3_64bits_dispatch(s.data(), s.size()));
#else
  return static_cast<std::size_t>(XXH3_64bits(s.data(), s.size()));
#endif
}

}  // namespace http
PBGDPL_NAMESPACE_END
