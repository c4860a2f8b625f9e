// A vendor who needs only the model links pbgdpl::core (or pkg-config pbgdpl-core): the model
// headers must not bring Boost, SQLite, cmark or libsodium with them.
#include <pbgdpl/model.hpp>

#ifdef BOOST_VERSION
#error "pbgdpl::core pulled in Boost"
#endif
#ifdef SQLITE_VERSION
#error "pbgdpl::core pulled in SQLite"
#endif
#ifdef CMARK_VERSION
#error "pbgdpl::core pulled in cmark"
#endif
#ifdef SODIUM_VERSION_STRING
#error "pbgdpl::core pulled in libsodium"
#endif

#include <cstdio>

int main() {
  auto folded = pbgdpl::text::fold("Kế hoạch Đào tạo");
  if (!folded || *folded != "ke hoach dao tao") return 1;
  // An empty object is not an article: the decoder names what is missing.
  auto bad = pbgdpl::from_json_text<pbgdpl::article>("{}");
  if (bad) return 2;
  std::printf("pbgdpl core-only consumer ok: %s (%s)\n", folded->c_str(), bad.err().message_en.c_str());
  return 0;
}
