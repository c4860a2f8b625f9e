// Compiled mode (PBGDPL_SEPARATE_COMPILATION): sitemaps and feeds read with expat (network/sitemap.hpp).
#include <pbgdpl/network/sitemap.hpp>

#include <pbgdpl/network/impl/sitemap.ipp>
