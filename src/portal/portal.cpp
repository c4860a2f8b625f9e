// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the portal tier's site and its small parts (options,
// the unit directory it keeps, the publication schedule, API keys and the authorizer), compiled
// once. pages.cpp, api.cpp and publish.cpp hold the rest, so the tier builds on two cores at once.
#include <pbgdpl/portal/accounts.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/options.hpp>
#include <pbgdpl/portal/schedule.hpp>
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/portal/units.hpp>

#include <pbgdpl/portal/impl/accounts.ipp>
#include <pbgdpl/portal/impl/auth.ipp>
#include <pbgdpl/portal/impl/options.ipp>
#include <pbgdpl/portal/impl/schedule.ipp>
#include <pbgdpl/portal/impl/site.ipp>
#include <pbgdpl/portal/impl/units.ipp>
