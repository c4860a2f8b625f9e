// What the image fuzz target and the image memcheck (tests/memcheck) feed the upload checks: the
// upload path's checks with limits small enough for a fuzzer's (and valgrind's) memory, and a
// file name whose extension agrees with the sniffed content (a mismatch is refused before decoding).
#pragma once
#include <pbgdpl/media/images.hpp>

#include <string>
#include <string_view>

namespace fuzz_image {
inline pbgdpl::media::image_limits limits() {
  pbgdpl::media::image_limits lim;
  lim.max_bytes = 1 << 20;
  lim.max_width = 2048;
  lim.max_height = 2048;
  lim.max_pixels = 1'000'000;
  return lim;
}
inline std::string upload_name(std::string_view bytes) {
  auto sniffed = pbgdpl::media::sniff_image(bytes);
  return "anh." + std::string(sniffed ? pbgdpl::media::extension_of(*sniffed) : "png");
}
}  // namespace fuzz_image
