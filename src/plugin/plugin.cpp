// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the plugin host's bodies (loader, host services,
// typed handles), compiled once. The only TU of the plugin tier.
#include <pbgdpl/plugin/host.hpp>

#include <pbgdpl/plugin/impl/loader.ipp>
#include <pbgdpl/plugin/impl/host_services.ipp>
#include <pbgdpl/plugin/impl/handles.ipp>

#include <pbgdpl/plugin/fake_host.hpp>

#include <pbgdpl/plugin/impl/fake_host.ipp>
