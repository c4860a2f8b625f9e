// What each page hands its templates: typed view models (publish/view.hpp) instead of a JSON tree
// built and torn down per request. Each model answers the templates with exactly the names the
// JSON objects had (themes keep working): a member that JSON left out is a std::optional left
// empty, so Mustache still looks that name up in the enclosing contexts. Text is viewed where it
// lives (the entity a page holds, the unit directory, the category table); only what a page
// computes (URLs, dates, labels) is owned here.
#pragma once
#include "../model/legal_document.hpp"  // document_level, for grouping document lists
#include "../publish/template.hpp"
#include "../publish/view.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal::views {

// --- what every page has: the unit, navigation, feeds, language switch, the city banner -------
struct nav_item {
  std::string url;
  std::string_view label;
  std::optional<bool> current;  // only on the page's own category
  template <class F>
  void fields(F&& f) const {
    f("url", url);
    f("label", label);
    f("current", current);
  }
};

struct site_info {
  std::string_view name, address;
  std::string home, section, search, statics;
  std::string_view hotline;  // options::hotline
  std::string hotline_tel;   // its tel: URI
  std::string ask_url;       // where "Gửi câu hỏi" leads ("" none)
  template <class F>
  void fields(F&& f) const {
    f("name", name);
    f("address", address);
    f("home", home);
    f("section", section);
    f("search", search);
    f("static", statics);
    f("hotline", hotline);
    f("hotline_tel", hotline_tel);
    f("ask_url", ask_url);
  }
};

struct feed_links {
  std::string atom, rss, json;
  template <class F>
  void fields(F&& f) const {
    f("atom", atom);
    f("rss", rss);
    f("json", json);
  }
};

struct language_switch {
  std::string_view code, label;
  std::string url;
  template <class F>
  void fields(F&& f) const {
    f("code", code);
    f("label", label);
    f("url", url);
  }
};

// The city banner every page carries: the image of the 300×100 slot (its 2× for dense screens)
// with the required sentence as alt text, or the sentence as text when no image can be made.
struct banner_info {
  std::string_view target_url, required_text, alt_text;
  std::string image, image_2x, width, height;  // image "": no image (the sentence as text)
  std::string kit_url;                          // the unit's "Bộ biểu ngữ" page
  template <class F>
  void fields(F&& f) const {
    f("target_url", target_url);
    f("required_text", required_text);
    f("alt_text", alt_text);
    f("image", image);
    f("image_2x", image_2x);
    f("width", width);
    f("height", height);
    f("kit_url", kit_url);
  }
};

// The "Bộ biểu ngữ" page: each size of the unit's banner and the snippet that shows it elsewhere.
struct banner_kit_variant {
  std::string name;  // "300x100": the element ids
  std::string width, height, url, snippet;
  template <class F>
  void fields(F&& f) const {
    f("name", name);
    f("width", width);
    f("height", height);
    f("url", url);
    f("snippet", snippet);
  }
};

struct banner_kit_page {
  std::string_view required_text, target_url;
  std::string source;   // whose image: the unit's own upload or the default
  std::string problem;  // why there is no image ("" when there are images)
  std::vector<banner_kit_variant> variants;
  template <class F>
  void fields(F&& f) const {
    f("required_text", required_text);
    f("target_url", target_url);
    f("source", source);
    f("problem", problem);
    f("variants", variants);
  }
};

// A link to a unit's section.
struct unit_link {
  std::string url;
  std::string_view name;
  template <class F>
  void fields(F&& f) const {
    f("url", url);
    f("name", name);
  }
};

// Where the unit sits in the hierarchy of today: the units above it (the city first), those
// directly below, and, across a reorganisation, the units it took over from and those that took
// over from it. `ended` is the notice shown when the unit itself has ended.
struct unit_place {
  std::string_view label, kind, below_label, predecessors_label, successors_label;
  std::vector<unit_link> above, below, predecessors, successors;
  bool has_below = false, has_predecessors = false, has_successors = false;  // views point at members
  std::string ended;
  template <class F>
  void fields(F&& f) const {
    f("label", label);
    f("kind", kind);
    f("above", above);
    f("has_below", has_below);
    f("below_label", below_label);
    f("below", below);
    f("has_predecessors", has_predecessors);
    f("predecessors_label", predecessors_label);
    f("predecessors", predecessors);
    f("has_successors", has_successors);
    f("successors_label", successors_label);
    f("successors", successors);
    f("ended", ended);
  }
};

struct common {
  std::string_view lang;
  bool lang_en = false;
  site_info site;
  std::vector<nav_item> nav;
  feed_links feeds;
  language_switch lang_switch;
  std::optional<banner_info> banner;
  unit_place place;
  template <class F>
  void fields(F&& f) const {
    f("place", place);
    f("lang", lang);
    f("lang_en", lang_en);
    f("site", site);
    f("nav", nav);
    f("feeds", feeds);
    f("lang_switch", lang_switch);
    f("banner", banner);
  }
};

// <head> data of the layout: title, description, canonical URL, Open Graph type.
struct meta {
  std::string title, description, canonical;
  std::string_view og_type = "website";
  std::optional<std::string> published_time;  // article pages
  template <class F>
  void fields(F&& f) const {
    f("title", title);
    f("description", description);
    f("canonical", canonical);
    f("og_type", og_type);
    f("published_time", published_time);
  }
};

// A template rendered where the layout prints it ({{{content}}}), straight into the page.
struct rendered_template {
  const publish::template_set* set = nullptr;
  std::shared_ptr<const publish::compiled_template> tpl;
  std::span<const publish::view> contexts;
  void append_to(std::string& out, bool escape) const {
    if (!escape) {
      tpl->render_to(out, contexts, set);
      return;
    }
    std::string html;
    tpl->render_to(html, contexts, set);
    publish::detail::append_text(out, html, true);
  }
  bool empty() const {
    std::string html;
    tpl->render_to(html, contexts, set);
    return html.empty();
  }
};

struct layout {
  rendered_template content;
  meta page;
  template <class F>
  void fields(F&& f) const {
    f("content", content);
    f("page", page);
  }
};

// --- list items -----------------------------------------------------------------------------
// Articles and questions in lists (they own their text: a list's records are gone before the page
// renders). Every item says whose it is ("" for the section's own unit): without the name,
// Mustache would take the unit_name of whatever encloses the item.
struct article_item {
  std::string url;
  std::string title;
  std::string summary;
  std::string published_iso, published_vi;
  std::string_view unit_name;
  std::string_view unit_ended;  // set when the owner has ended: "đơn vị đã kết thúc hoạt động"
  template <class F>
  void fields(F&& f) const {
    f("url", url);
    f("title", title);
    f("summary", summary);
    f("published_iso", published_iso);
    f("published_vi", published_vi);
    f("unit_name", unit_name);
    f("unit_ended", unit_ended);
  }
};

struct document_item {
  std::string url;
  std::string number, title;
  std::string issued_vi;
  std::string_view status, status_label;  // empty for an administrative document
  std::string_view family;                // "normative" or "administrative"
  std::string period;                     // "2023–2027" for an administrative one that has it
  document_level level = document_level::sector;  // for grouping, not shown as such
  template <class F>
  void fields(F&& f) const {
    f("url", url);
    f("number", number);
    f("title", title);
    f("issued_vi", issued_vi);
    f("status", status);
    f("status_label", status_label);
    f("family", family);
    f("period", period);
  }
};

// The documents of one issuing level inside a family section ("Trung ương", "Thành phố"...).
// `region` names the table's scrolling region by family and level together ("Văn bản quy phạm
// pháp luật: Trung ương"): both families have a "Trung ương" table, and two landmarks of one name
// cannot be told apart (axe landmark-unique).
struct document_level_group {
  std::string_view label;
  std::string region;
  std::vector<document_item> documents;
  template <class F>
  void fields(F&& f) const {
    f("label", label);
    f("region", region);
    f("documents", documents);
  }
};

// Legal normative or administrative documents: a status column for the first, the period for
// the second, each grouped by issuing level.
struct document_section {
  std::string_view family, label;
  bool normative = false;
  std::vector<document_level_group> levels;
  template <class F>
  void fields(F&& f) const {
    f("family", family);
    f("label", label);
    f("normative", normative);
    f("levels", levels);
  }
};

struct pagination {
  std::string_view number;
  std::optional<std::string> prev, next;
  template <class F>
  void fields(F&& f) const {
    f("number", number);
    f("prev", prev);
    f("next", next);
  }
};

// --- pages ----------------------------------------------------------------------------------
struct home_category {
  std::string_view slug;
  std::string url;
  std::string_view label;
  std::vector<article_item> articles;
  std::string_view empty_text;  // what an empty list says: no articles, or no documents/questions
  bool questions = false;       // the questions section: where to ask
  template <class F>
  void fields(F&& f) const {
    f("slug", slug);
    f("url", url);
    f("label", label);
    f("articles", articles);
    f("empty_text", empty_text);
    f("questions", questions);
  }
};

struct home_page {
  std::vector<home_category> categories;
  std::vector<document_item> documents;  // all of them, newest first (themes written before the split)
  std::vector<document_section> document_sections;
  template <class F>
  void fields(F&& f) const {
    f("categories", categories);
    f("documents", documents);
    f("document_sections", document_sections);
  }
};

struct category_info {
  std::string_view label, description;
  std::string_view empty_text;  // as home_category's
  bool questions = false;       // the questions section: where to ask, the hotline
  // The policy-dialogue section: the unit's dialogue sessions ("" elsewhere).
  std::string dialogues_url, dialogues_label;
  template <class F>
  void fields(F&& f) const {
    f("label", label);
    f("description", description);
    f("empty_text", empty_text);
    f("questions", questions);
    f("dialogues_url", dialogues_url);
    f("dialogues_label", dialogues_label);
  }
};

struct category_page {
  category_info category;
  std::vector<article_item> articles;
  std::vector<document_item> documents;
  std::vector<document_section> document_sections;
  pagination pages;
  // The list's items are headed one level below the page's h1 (h2 here; h3 under the home page's
  // h2 sections), so no heading level is skipped (WCAG 1.3.1; axe heading-order).
  bool list_h2 = true;
  template <class F>
  void fields(F&& f) const {
    f("list_h2", list_h2);
    f("category", category);
    f("articles", articles);
    f("documents", documents);
    f("document_sections", document_sections);
    f("pagination", pages);
  }
};

struct document_link {
  std::string url;
  std::string_view number, title;
  template <class F>
  void fields(F&& f) const {
    f("url", url);
    f("number", number);
    f("title", title);
  }
};

// An article, or a question shown with the article template.
struct article_body {
  std::string_view title;
  std::optional<std::string_view> summary;  // questions have none
  std::string_view body_html;
  std::string published_iso, published_vi;
  std::string_view unit_name;
  std::string_view unit_ended;
  std::span<const std::string> tags;
  std::vector<document_link> documents;
  std::string category_url;
  std::string_view category_label;
  std::string_view byline;                          // articles only: as the article credits its writer
  std::string_view source_name, source_url;         // articles only: where it was first published
  std::string approved_by;  // articles only: the approval whose signature verifies now ("" none)
  std::string cover_url, cover_alt;  // articles only: the cover image, when the portal holds its file
  template <class F>
  void fields(F&& f) const {
    f("approved_by", approved_by);
    f("cover_url", cover_url);
    f("cover_alt", cover_alt);
    f("byline", byline);
    f("source_name", source_name);
    f("source_url", source_url);
    f("title", title);
    f("summary", summary);
    f("body_html", body_html);
    f("published_iso", published_iso);
    f("published_vi", published_vi);
    f("unit_name", unit_name);
    f("unit_ended", unit_ended);
    f("tags", tags);
    f("documents", documents);
    f("category_url", category_url);
    f("category_label", category_label);
  }
};

struct article_page {
  article_body article;
  template <class F>
  void fields(F&& f) const {
    f("article", article);
  }
};

struct history_item {
  std::string date_iso, date_vi;
  std::string_view label, note;
  template <class F>
  void fields(F&& f) const {
    f("date_iso", date_iso);
    f("date_vi", date_vi);
    f("label", label);
    f("note", note);
  }
};

struct relation_item {
  std::string_view label, number, title;
  // When the target is a document shown here; "" when not. Never absent: an absent key would be
  // looked up in the enclosing contexts ({{#doc.relations.0}} is one) and find another's url.
  std::string url;
  template <class F>
  void fields(F&& f) const {
    f("label", label);
    f("number", number);
    f("title", title);
    f("url", url);
  }
};

struct file_item {
  std::string_view name;
  std::string size;                // "" when unknown
  std::string url;  // where it can be downloaded; "" when nowhere (never absent: see relation_item)
  template <class F>
  void fields(F&& f) const {
    f("name", name);
    f("size", size);
    f("url", url);
  }
};

struct document_body {
  std::string_view number, type_name, level_label, title, issuer, parent_issuer;
  std::string place_date, signer, effective_vi, expires_vi;
  std::vector<std::string> signer_lines;  // the signature block's title lines, top to bottom
  std::string_view signer_name;
  std::string_view family, family_label;
  std::string period;                      // "2023–2027"
  std::string issuer_note;                 // when the issuing unit has ended: what became of it
  std::string_view status, status_label;   // empty for an administrative document
  std::span<const std::string> fields_of_law, recipients;
  std::vector<history_item> history;
  std::vector<relation_item> relations;
  std::vector<file_item> files;
  std::string_view body_html;
  std::string category_url;
  template <class F>
  void fields(F&& f) const {
    f("number", number);
    f("type_name", type_name);
    f("level_label", level_label);
    f("title", title);
    f("issuer", issuer);
    f("parent_issuer", parent_issuer);
    f("place_date", place_date);
    f("signer", signer);
    f("signer_lines", signer_lines);
    f("signer_name", signer_name);
    f("family", family);
    f("family_label", family_label);
    f("period", period);
    f("issuer_note", issuer_note);
    f("effective_vi", effective_vi);
    f("expires_vi", expires_vi);
    f("status", status);
    f("status_label", status_label);
    f("fields", fields_of_law);
    f("recipients", recipients);
    f("history", history);
    f("relations", relations);
    f("files", files);
    f("body_html", body_html);
    f("category_url", category_url);
  }
};

struct document_page {
  document_body doc;
  template <class F>
  void fields(F&& f) const {
    f("doc", doc);
  }
};

struct search_info {
  std::string_view q;
  std::optional<std::string_view> error;
  // The order shown ("sắp xếp": relevance, or newest first) and the links to each, which keep
  // the query and the kind and start again at the first page.
  bool newest = false;
  std::string relevance_url, newest_url;
  // The store could not rank every match within its cost cap (store::search_page::approximate).
  bool approximate = false;
  template <class F>
  void fields(F&& f) const {
    f("q", q);
    f("error", error);
    f("newest", newest);
    f("approximate", approximate);
    f("relevance_url", relevance_url);
    f("newest_url", newest_url);
  }
};

struct search_result {
  std::string_view title, snippet_html;
  std::string url;
  std::string kind_label;
  std::optional<std::string> date_vi;  // questions have none
  template <class F>
  void fields(F&& f) const {
    f("title", title);
    f("snippet_html", snippet_html);
    f("url", url);
    f("kind_label", kind_label);
    f("date_vi", date_vi);
  }
};

struct search_page {
  search_info search;
  std::vector<search_result> results;
  std::optional<pagination> pages;
  template <class F>
  void fields(F&& f) const {
    f("search", search);
    f("results", results);
    f("pagination", pages);
  }
};

// --- the public question form, its thank-you page and the asker's follow page (issue 14) ------
// One input: what the person typed (kept on an error), and the error shown next to it.
struct form_field {
  std::string value;
  std::optional<std::string> error;  // tied to the input by aria-describedby
  template <class F>
  void fields(F&& f) const {
    f("value", value);
    f("error", error);
  }
};

struct ask_form {
  std::string action;  // where it posts (with ?lang=en in English)
  std::string token;   // the signed form token (trust/form_tokens.hpp), also its CSRF token
  std::optional<std::string> error;  // about the whole form (its token, the honeypot)
  bool has_errors = false;           // the summary above the form
  form_field name, email, phone, title, question, category;
  std::size_t short_max = 0;  // maxlength of one-line inputs: the model's short text limit
  // On a dialogue session's page: the session the question goes to (a hidden input) and the
  // session's heading and details, already escaped, in place of the form's own heading.
  std::optional<std::string> dialogue, intro_html;
  std::string dialogue_title;  // the page's title there (not a template field)
  template <class F>
  void fields(F&& f) const {
    f("dialogue", dialogue);
    f("intro_html", intro_html);
    f("action", action);
    f("token", token);
    f("error", error);
    f("has_errors", has_errors);
    f("name", name);
    f("email", email);
    f("phone", phone);
    f("title", title);
    f("question", question);
    f("category", category);
    f("short_max", short_max);
  }
};

// A dialogue session's page after it closed, and a unit's list of sessions: markup the pages
// build themselves, every text in it escaped (impl/ask.ipp).
// A page whose body the page code builds whole (the compliance KPIs): one escaped-by-its-maker
// HTML string in the "panel" template.
struct panel_html {
  std::string html;
  template <class F>
  void fields(F&& f) const {
    f("html", html);
  }
};
struct panel_page {
  panel_html panel;
  template <class F>
  void fields(F&& f) const {
    f("panel", panel);
  }
};

struct dialogue_html {
  std::string html;
  template <class F>
  void fields(F&& f) const {
    f("html", html);
  }
};
struct dialogue_page {
  dialogue_html dialogue;
  template <class F>
  void fields(F&& f) const {
    f("dialogue", dialogue);
  }
};

struct ask_page {
  ask_form form;
  template <class F>
  void fields(F&& f) const {
    f("form", form);
  }
};

struct ask_thanks {
  std::string follow_url;  // absolute: the asker keeps it
  std::string category_url;
  template <class F>
  void fields(F&& f) const {
    f("follow_url", follow_url);
    f("category_url", category_url);
  }
};

struct ask_thanks_page {
  ask_thanks thanks;
  template <class F>
  void fields(F&& f) const {
    f("thanks", thanks);
  }
};

// What the asker sees of their question: never the contact details (the link may be forwarded).
struct follow_info {
  std::string_view title, state, state_label, rejection_reason;
  std::string_view body_html, answer_html;  // answer_html only once answered
  std::string asked_iso, asked_vi, answered_iso, answered_vi;
  std::string public_url;  // once published: the question's public page
  template <class F>
  void fields(F&& f) const {
    f("title", title);
    f("state", state);
    f("state_label", state_label);
    f("rejection_reason", rejection_reason);
    f("body_html", body_html);
    f("answer_html", answer_html);
    f("asked_iso", asked_iso);
    f("asked_vi", asked_vi);
    f("answered_iso", answered_iso);
    f("answered_vi", answered_vi);
    f("public_url", public_url);
  }
};

struct follow_page {
  follow_info follow;
  template <class F>
  void fields(F&& f) const {
    f("follow", follow);
  }
};

struct error_info {
  std::string title;
  std::string_view message;
  template <class F>
  void fields(F&& f) const {
    f("title", title);
    f("message", message);
  }
};

struct error_page {
  error_info error;
  template <class F>
  void fields(F&& f) const {
    f("error", error);
  }
};

}  // namespace portal::views
PBGDPL_NAMESPACE_END
