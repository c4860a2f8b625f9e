// The delivery log of upward syndication: each push of a unit's signed export package to the
// city portal's endpoint (network/syndication.hpp), with every attempt. The package itself is not
// kept here (it can exceed a record's text limit and is rebuilt from the store at any time): the
// log names it by its BLAKE2b-256 and size, and by the idempotency key the receiver saw.
#pragma once
#include "webhook.hpp"

PBGDPL_NAMESPACE_BEGIN

using syndication_push_id = id<struct syndication_push_tag>;

struct syndication_push {
  // The idempotency key: the same for every attempt of one package (derived from its digest).
  syndication_push_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;               // whose content the package carries
  std::string url;            // where it was sent (http:// or https://)
  std::string package_blake2b;  // hex BLAKE2b-256 of the package bytes
  std::uint64_t package_bytes = 0;
  std::uint32_t items = 0;
  std::vector<delivery_attempt> attempts;
  delivery_state state = delivery_state::pending;
  timestamp next_attempt_at{};
  std::uint32_t last_status = 0;
  std::string last_error;
  timestamp created_at{};
  std::optional<timestamp> delivered_at;

  friend bool operator==(const syndication_push&, const syndication_push&) = default;
};

template <class V>
void describe(V& f, syndication_push& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("url", x.url, need::required, short_text);
  f("package_blake2b", x.package_blake2b, need::required, short_text);
  f("package_bytes", x.package_bytes);
  f("items", x.items);
  f("attempts", x.attempts);
  f("state", x.state, need::required);
  f("next_attempt_at", x.next_attempt_at, need::required);
  f("last_status", x.last_status);
  f("last_error", x.last_error, need::optional, short_text);
  f("created_at", x.created_at, need::required);
  f("delivered_at", x.delivered_at);
}
PBGDPL_MODEL_DECLARE(syndication_push)

PBGDPL_DECL void validate(const syndication_push& p, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(syndication_push)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/syndication.ipp"
#endif
