// What trust.cpp and trust_approval.cpp share (the trust area is split in two files so that each
// compiles in about half the time).
#pragma once
#include "py_common.hpp"

#include <pbgdpl/trust/minisign.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace pbgdpl::python {

// A regular file of at most 1 MiB (keys, signatures, delegations): a FIFO fails at once.
result<std::string> read_small_file(const std::filesystem::path& p);

// Strict .minisig parse; malformed text raises the library's error.
trust::signature parse_signature(std::string_view text);

// trust_approval.cpp: approvals, delegations, revocations, keyrings, sequence trackers, bundles.
void register_trust_approvals(py::module_& m);

}  // namespace pbgdpl::python
