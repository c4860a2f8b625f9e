// Fuzzes the JSON decoding of every entity. The first byte picks the entity, the rest is JSON
// text. Properties: no crash or sanitizer report, and anything accepted survives an exact
// round trip (decode → encode → decode gives an equal value).
#include <pbgdpl/model.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>

using namespace pbgdpl;

namespace {
template <class T>
void round_trip(std::string_view text) {
  auto v = from_json_text<T>(text);
  if (!v) {
    if (v.err().code == errc::ok) std::abort();  // an error must say what went wrong
    return;
  }
  auto again = from_json_value<T>(to_json_value(*v));
  if (!again || !(*again == *v)) std::abort();
}

#include "fuzz_entity_list.inc"

template <std::size_t I = 0>
void dispatch(std::size_t which, std::string_view text) {
  if constexpr (I < std::tuple_size_v<entities>) {
    if (which == I) return round_trip<std::tuple_element_t<I, entities>>(text);
    dispatch<I + 1>(which, text);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)json_io::parse(text);
  dispatch(data[0] % std::tuple_size_v<entities>, text);
  return 0;
}
