// Cheap forward declarations of pbgdpl's main types, for headers that only pass them around.
#pragma once
#include "version.hpp"

PBGDPL_NAMESPACE_BEGIN
enum class errc : int;
struct error;
class exception;
template <class T>
class result;
template <class Tag>
struct id;
PBGDPL_NAMESPACE_END
