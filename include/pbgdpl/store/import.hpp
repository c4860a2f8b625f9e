// Loading a dataset (the demo's seed, or a vendor's export) into a store: read a directory of
// <kind>.json files, validate them as one dataset, and create what the store does not yet hold,
// all in one transaction so a bad file leaves the store as it was.
#pragma once
#include "../model/dataset.hpp"
#include "store.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

// Reads every <kind>.json in `dir` into one JSON object keyed by file stem (a dataset's shape).
result<json> read_dataset_directory(const std::filesystem::path& dir);

// Creates every stored entity of `d` whose id the store does not hold yet (so importing twice
// is harmless), kind by kind in the registry's order (stored_kinds: referenced kinds first),
// units parents first (units_parents_first), since the store refuses a unit whose parent it does
// not hold; returns how many were created. All or nothing.
result<std::size_t> import_dataset(store& s, const dataset& d, std::string_view actor = "import");

// import_dataset, and how many records it created per dataset member ("articles", "units", ...,
// the names of describe_dataset, in its order; members with nothing new count 0): the ids the
// store does not hold yet, read in the import's own transaction. What the Python binding and the
// C API report after an import. All or nothing, as import_dataset.
result<std::vector<std::pair<std::string, std::size_t>>> import_dataset_counted(store& s, const dataset& d,
                                                                                std::string_view actor = "import");

// `units` in an order in which each can be created: a unit whose parent is in the list comes
// after that parent; units whose parent is not in the list (roots, or parents already stored)
// start the order. Units caught in a parent cycle come last, in their given order (the store
// then refuses them with its own error). O(n log n), whatever the input: no walk is unbounded.
// The pointers point into `units`.
std::vector<const unit*> units_parents_first(const std::vector<unit>& units);

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/import.ipp"
#endif
