// Compiled mode: the portal tier's bodies (publish/ and portal/), compiled once.
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/site.hpp>
