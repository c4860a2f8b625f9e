// Decodes each image named on the command line the way an upload is handled (check_image, then
// decode_rgba and make_thumbnail), for valgrind's memcheck: a decoder that reads memory it never
// wrote gives answers that depend on what the heap held before (stb_image 2.27's progressive
// JPEG tables, issue 21), which neither ASan nor a single run notices. Exit 0 unless an image
// that checks fails to decode or to thumbnail; valgrind's own exit code reports the reads.
#include <pbgdpl/media/images.hpp>

#include "../fuzz/image_case.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace pbgdpl;

int main(int argc, char** argv) {
  int failures = 0, checked = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream f(argv[i], std::ios::binary);
    std::string in((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto lim = fuzz_image::limits();  // the fuzz target's: small enough for memcheck's pace
    auto info = media::check_image(in, fuzz_image::upload_name(in), "", lim);
    if (!info) continue;  // refused: nothing more to decode
    ++checked;
    std::vector<std::uint8_t> pixels;
    auto d = media::decode_rgba(in, pixels, lim);
    auto thumb = media::make_thumbnail(in, 32, lim);
    if (!d || !thumb) {
      std::fprintf(stderr, "%s: checked, but %s failed\n", argv[i], !d ? "decode_rgba" : "make_thumbnail");
      ++failures;
    }
  }
  std::printf("%d images checked and decoded, %d failures\n", checked, failures);
  return failures == 0 && checked > 0 ? 0 : 1;
}
