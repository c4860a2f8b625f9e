// Fuzzes image checking and decoding (stb behind our limits) with the upload path's checks and
// smaller dimension limits (so a decode stays within the fuzzer's memory). Properties: whatever
// is accepted is within the limits, its format is what the magic bytes say, a decode gives
// exactly width x height x 4 bytes, and a thumbnail is a PNG that decodes within max_edge.
#include <pbgdpl/media/images.hpp>

#include "image_case.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace pbgdpl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto lim = fuzz_image::limits();
  auto sniffed = media::sniff_image(in);
  auto info = media::check_image(in, fuzz_image::upload_name(in), "", lim);
  if (!info) {
    if (info.err().code == errc::ok) std::abort();
    return 0;
  }
  if (!sniffed || *sniffed != info->format) std::abort();
  if (info->width == 0 || info->height == 0 || info->width > lim.max_width || info->height > lim.max_height ||
      std::uint64_t(info->width) * info->height > lim.max_pixels)
    std::abort();
  std::vector<std::uint8_t> pixels;
  auto d = media::decode_rgba(in, pixels, lim);
  if (!d || !(*d == *info) || pixels.size() != std::size_t(info->width) * info->height * 4) std::abort();
  if (std::uint64_t(info->width) * info->height <= 65536) {
    auto thumb = media::make_thumbnail(in, 32, lim);
    if (!thumb) {
      // Seen in the first session, not reproduced alone: stb_image 2.27 read Huffman tables that no
      // DHT defined from uninitialised memory, so the same bytes decoded or failed depending on the
      // heap (valgrind found it; fixed by zeroed allocations in images.ipp; tests/memcheck).
      std::fprintf(stderr, "checked and decoded, but no thumbnail: %s\n", thumb.err().describe().c_str());
      std::abort();
    }
    std::vector<std::uint8_t> tp;
    auto ti = media::decode_rgba(*thumb, tp, lim);
    if (!ti || ti->format != media::image_format::png || ti->width > 32 || ti->height > 32) std::abort();
  }
  return 0;
}
