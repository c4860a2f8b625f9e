// Compiled mode (PBGDPL_SEPARATE_COMPILATION): fetching over http:// and https:// with limits
// (network/fetch.hpp): Beast, Asio's OpenSSL streams.
#include <pbgdpl/network/fetch.hpp>

#include <pbgdpl/network/impl/fetch.ipp>
