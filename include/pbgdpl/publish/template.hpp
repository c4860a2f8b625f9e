// Page templates: a Mustache subset ({{x}} escaped, {{{x}}} raw, {{#s}}…{{/s}}, {{^s}}…{{/s}},
// {{> partial}}, {{! comment}}, dotted names, {{.}}) rendered from JSON or from typed view models
// (view.hpp). Escaping is the default so a stored XSS payload comes out inert; raw output is only
// for HTML we rendered ourselves. Templates are compiled once; a theme directory overrides
// built-in templates file by file.
#pragma once
#include "../core/escape.hpp"
#include "../core/json.hpp"
#include "../core/result.hpp"
#include "view.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

// HTML escaping lives in core/escape.hpp; these names stay for templates and their callers.
using pbgdpl::append_html_escaped;
using pbgdpl::html_escaped;
inline std::string escape_html(std::string_view s) { return html_escaped(s); }

class template_set;

// One compiled template.
class compiled_template {
 public:
  enum class kind { text, var, raw, section, inverted, partial };
  struct node {
    kind k = kind::text;
    std::string text;                 // literal text, or the name for the other kinds
    std::vector<std::string> path;    // the dotted name split ("." is an empty path)
    std::vector<node> children;       // section bodies
  };

  static result<compiled_template> compile(std::string_view source, std::string_view name = {});

  // `outer`, when given, is a context below `data`: names `data` lacks are looked up there
  // (Mustache's context stack). It lets a caller share one constant dictionary between pages
  // instead of copying it into each page's data.
  void render(std::string& out, const json& data, const template_set* partials = nullptr, const json* outer = nullptr) const;

  std::string render(const json& data, const template_set* partials = nullptr, const json* outer = nullptr) const;

  // The same from a stack of contexts, outermost first (JSON values or view models): a name is
  // looked up in the innermost context that has it.
  void render_to(std::string& out, std::span<const view> contexts, const template_set* partials = nullptr) const;

 private:
  friend class template_set;
  static std::vector<std::string> split(std::string_view name);

  // Mustache lookup: the first context (innermost first) that has the first name part.
  static view lookup(const std::vector<view>& ctx, const std::vector<std::string>& path);

  void render_nodes(std::string& out, const std::vector<node>& nodes, std::vector<view>& ctx,
                    const template_set* partials, int depth) const;

  std::vector<node> nodes_;
};

// A named collection of templates: built-in sources, overridden file by file by a theme
// directory (`<theme>/<name>.html`). Thread-safe for concurrent rendering.
class template_set {
 public:
  // Adds or replaces a template from source text.
  result<void> add(const std::string& name, std::string_view source);

  // Loads every `*.html` in `dir` as a template named by its stem, replacing built-ins. Names
  // are taken from the directory listing only, so a request can never choose a file path.
  result<void> load_directory(const std::filesystem::path& dir);

  std::shared_ptr<const compiled_template> find(const std::string& name) const;
  // The same, or errc::not_found naming the template.
  result<std::shared_ptr<const compiled_template>> get(const std::string& name) const;

  result<std::string> render(const std::string& name, const json& data, const json* outer = nullptr) const;
  // Appends template `name` rendered from `contexts` (outermost first) to `out`.
  result<void> render_to(std::string& out, const std::string& name, std::span<const view> contexts) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const compiled_template>> templates_;
};

}  // namespace publish
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/template.ipp"
#endif
