// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the webhook dispatcher and publication timer
// (network/webhooks.hpp), compiled once into the network tier (it uses the store, the HTTP client
// and trust/'s HMAC).
#include <pbgdpl/network/webhooks.hpp>

#include <pbgdpl/network/impl/webhooks.ipp>
