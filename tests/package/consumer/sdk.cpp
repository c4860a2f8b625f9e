// A plugin author's TU: the plugin SDK target alone must be enough to build against.
#include <pbgdpl/version.hpp>

int main() { return PBGDPL_VERSION_MAJOR == 0 ? 0 : 1; }
