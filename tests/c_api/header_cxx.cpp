// pbgdpl.h compiles as C++ and declares its functions extern "C" (the C names, not mangled ones,
// are what a C++ caller links against: the symbol test checks the library's side).
#include <pbgdpl/c/pbgdpl.h>

#include <type_traits>

static_assert(
    std::is_same_v<decltype(&pbgdpl_store_search), pbgdpl_c_status (*)(pbgdpl_store*, const char*, char**)>);
static_assert(PBGDPL_C_INTERNAL == 99);

extern "C" int pbgdpl_header_cxx_check() { return pbgdpl_abi_version(); }
