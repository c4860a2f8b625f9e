/* pbgdpl.h compiles as strict C99 (-std=c99 -pedantic -Werror), alone and twice. */
#include <pbgdpl/c/pbgdpl.h>
#include <pbgdpl/c/pbgdpl.h>
/* Beside the plugin ABI: no name of one clashes with the other's. */
#include <pbgdpl/plugin/abi.h>

int pbgdpl_header_c99_check(void);
int pbgdpl_header_c99_check(void) {
  pbgdpl_c_status s = PBGDPL_C_OK;
  pbgdpl_store* store = NULL;
  pbgdpl_portal* portal = NULL;
  (void)store;
  (void)portal;
  return (int)s + PBGDPL_C_ABI_VERSION;
}
