// Fuzzes the text parsers that read untrusted strings: folding, slugs, document numbers, dates,
// timestamps, school years. Properties: no crash, and parse → format → parse is stable.
#include <pbgdpl/core/document_number.hpp>
#include <pbgdpl/core/text.hpp>
#include <pbgdpl/core/time.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace pbgdpl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  if (auto f = text::fold(s)) {
    if (!text::is_valid_utf8(*f)) std::abort();
    if (*text::fold(*f) != *f) std::abort();  // folding is idempotent
  }
  if (auto n = text::nfc(s)) {
    if (*text::nfc(*n) != *n) std::abort();
  }
  (void)text::slug(s);
  if (auto d = parse_document_number(s)) {
    auto again = parse_document_number(d->to_string());
    if (!again || !(*again == *d)) std::abort();
  }
  if (auto d = parse_date(s)) {
    if (*parse_date(format_date(*d)) != *d) std::abort();
    (void)format_vietnamese_date(*d);
  }
  if (auto t = parse_timestamp(s)) {
    if (*parse_timestamp(format_timestamp(*t)) != *t) std::abort();
  }
  (void)school_year::parse(s);
  return 0;
}
