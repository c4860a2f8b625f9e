// The demo's "legal staircase" content, made on the portal's first run: the seed's signage media
// have placeholder digests and no bytes, and its approvals placeholder signatures. This draws the
// infographic and the notice as PNGs (stb_truetype, DejaVu Sans), makes the short video with
// ffmpeg when it is installed, writes each under <data>/signage/content/<blake2b>, updates the
// media records and signs the approvals anew by the demo's division approver. Later runs find the
// files and signatures in place and change nothing.
#pragma once
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/model/dataset.hpp>
#include <pbgdpl/portal/accounts.hpp>
#include <pbgdpl/store/store.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace demo {

struct signage_outcome {
  std::vector<std::string> made;   // media ids whose bytes were made this run
  std::vector<std::string> signed_approvals;
  std::vector<std::string> notes;  // what could not be done, in both languages (printed on stdout)
};

// `people` are the demo accounts' usernames and passwords (demo-accounts.txt). Each step is skipped
// when its result is already there, so calling it on every start is cheap and changes nothing.
pbgdpl::result<signage_outcome> seed_signage(pbgdpl::store::store& db, pbgdpl::portal::account_service& accounts,
                                             const pbgdpl::dataset& seed, const std::filesystem::path& data,
                                             const std::vector<std::pair<std::string, std::string>>& people,
                                             pbgdpl::timestamp now);

// The drawings on their own (for a look at them without a portal): PNG bytes.
pbgdpl::result<std::string> draw_children_rights(std::uint32_t width, std::uint32_t height);
pbgdpl::result<std::string> draw_law_day_notice(std::uint32_t width, std::uint32_t height);

}  // namespace demo
