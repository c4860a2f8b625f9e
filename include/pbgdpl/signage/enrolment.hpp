// Enrolment of a display device: the device makes its own Ed25519 key and asks to enrol; the
// portal answers with a short code the screen shows; an administrator types the code in the
// editor to bind the device to a display (or revokes it later). Pending enrolments expire after a
// day and are capped, so strangers cannot fill the store with them. Permission checks are the
// caller's (manage_displays on the display's unit); these functions only keep the records right.
#pragma once
#include "../model/signage.hpp"
#include "../model/signage_ops.hpp"
#include "../store/store.hpp"
#include "../trust/minisign.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

struct enrol_request {
  std::string public_key;  // minisign .pub text (or its base64 line)
  std::string name;
  std::uint32_t width = 0, height = 0;
};

struct enrol_limits {
  std::size_t max_pending = 1000;     // beyond: the oldest pending enrolments are dropped
  std::chrono::hours pending_ttl{24};  // a pending enrolment older than this is forgotten
};

// A random code of enrolment_code_alphabet: "7KQ-M4P".
PBGDPL_DECL std::string make_enrolment_code();

// What an administrator typed ("7kq m4p", "7KQM4P", " 7kq-m4p ") as a code, or nullopt.
PBGDPL_DECL std::optional<std::string> normalise_enrolment_code(std::string_view typed);

// The device's enrolment: a new or pending key gets (keeps) a pending record with its code (a
// pending one past pending_ttl gets a new code and time); an authorised or revoked one is
// returned as stored. Refuses a key that does not parse (bad_key) and a key id already enrolled
// with another key (conflict: the device should make a new key).
PBGDPL_DECL result<display_enrolment> enrol(store::store& db, const enrol_request& req, timestamp now,
                                            const enrol_limits& lim = {});

// The pending, unexpired enrolment showing `code`; not_found otherwise.
PBGDPL_DECL result<display_enrolment> find_pending(store::store& db, std::string_view code, timestamp now,
                                                   const enrol_limits& lim = {});

// Binds the pending enrolment showing `code` to display `d` (which must exist): it becomes
// authorised, the display's public_key becomes the device's key, and any other device authorised
// for that display is revoked (one device per display), in one transaction.
PBGDPL_DECL result<display_enrolment> authorise(store::store& db, std::string_view code, const display_id& d,
                                                const account_id& by, timestamp now, const enrol_limits& lim = {});

// Revokes a device (pending or authorised): its signed requests are refused from now on, and its
// display forgets its key.
PBGDPL_DECL result<display_enrolment> revoke(store::store& db, const display_enrolment_id& id, const account_id& by,
                                             timestamp now);

// The device authorised for display d, if any.
PBGDPL_DECL result<std::optional<display_enrolment>> enrolment_of(store::store& db, const display_id& d);

// Pending enrolments that have not expired, newest first (at most `limit`).
PBGDPL_DECL result<std::vector<display_enrolment>> pending_enrolments(store::store& db, timestamp now,
                                                                      const enrol_limits& lim = {},
                                                                      std::size_t limit = 100);

// Removes expired pending enrolments and, beyond max_pending, the oldest pending ones; returns how
// many went. enrol() calls it for every new key.
PBGDPL_DECL result<std::size_t> prune_pending(store::store& db, timestamp now, const enrol_limits& lim = {});

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/enrolment.ipp"
#endif
