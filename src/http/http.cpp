// Compiled mode: the http tier's bodies, compiled once.
#include <pbgdpl/http/client.hpp>
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/http/static_files.hpp>
