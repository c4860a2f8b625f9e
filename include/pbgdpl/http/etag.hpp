// The one home of ETags: XXH3-128 of the bytes, quoted. Conditional GET, the response cache and
// gzip all take their validators from here. XXH3 is not cryptographic, which an ETag need not be
// (ARCHITECTURE: trust/ signs with BLAKE2b only); on x86-64 it runs the dispatched (AVX2) variant
// that trust/hash.hpp uses too.
#pragma once
#include "../config.hpp"

#include <cstddef>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace http {

// A strong validator for bytes the server sends: "\"" + 32 hex digits + "\"", the digits those of
// `xxhsum -H2` (canonical big-endian XXH3-128).
PBGDPL_DECL std::string etag_for(std::string_view body);

namespace detail {
// XXH3-64 of a key, for the hash tables of the cache and the rate limiter.
PBGDPL_DECL std::size_t key_hash(std::string_view s) noexcept;
}  // namespace detail

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/etag.ipp"
#endif
