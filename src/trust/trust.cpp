// Compiled mode: the trust tier's bodies (trust/ and media/), compiled once.
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/permissions.hpp>
#include <pbgdpl/trust/tokens.hpp>
#include <pbgdpl/trust/passwords.hpp>
