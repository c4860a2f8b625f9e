// Compiled mode (PBGDPL_SEPARATE_COMPILATION): publish/'s heavy bodies (Markdown through cmark,
// templates, feeds), compiled once into the portal tier. cmark's header is only seen here.
#include <pbgdpl/publish/feeds.hpp>
#include <pbgdpl/publish/markdown.hpp>
#include <pbgdpl/publish/questions.hpp>
#include <pbgdpl/publish/template.hpp>
#include <pbgdpl/publish/view.hpp>

#include <pbgdpl/publish/impl/feeds.ipp>
#include <pbgdpl/publish/impl/markdown.ipp>
#include <pbgdpl/publish/impl/questions.ipp>
#include <pbgdpl/publish/impl/template.ipp>
#include <pbgdpl/publish/impl/view.ipp>
