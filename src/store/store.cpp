// Compiled mode: the store tier's bodies, compiled once.
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/memory.hpp>
#include <pbgdpl/store/sqlite.hpp>
