// The built-in theme: page templates (Mustache subset, see publish/template.hpp) and the style
// sheet. An integrator overrides any of them with a file of the same name in a theme directory.
// No inline script or style anywhere, so the Content-Security-Policy can forbid both. Stored
// content is Vietnamese on every page: on the English ones ({{#lang_en}}) each element holding
// it says lang="vi" (WCAG 3.1.2, language of parts); the Vietnamese pages are unchanged.
#pragma once
#include "../version.hpp"

#include <string_view>
#include <utility>

PBGDPL_NAMESPACE_BEGIN
namespace portal::theme {

inline constexpr std::string_view layout = R"HTML(<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{page.title}} | {{site.name}}</title>
<meta name="description" content="{{page.description}}">
<link rel="canonical" href="{{page.canonical}}">
<meta property="og:title" content="{{page.title}}">
<meta property="og:type" content="{{page.og_type}}">
<meta property="og:url" content="{{page.canonical}}">
<meta property="og:description" content="{{page.description}}">
<meta property="og:site_name" content="{{site.name}}">
<meta property="og:locale" content="{{t.og_locale}}">
{{#page.og_image}}<meta property="og:image" content="{{page.og_image}}">{{/page.og_image}}
{{#page.published_time}}<meta property="article:published_time" content="{{page.published_time}}">{{/page.published_time}}
<link rel="alternate" type="application/atom+xml" title="{{site.name}} (Atom)" href="{{feeds.atom}}">
<link rel="alternate" type="application/rss+xml" title="{{site.name}} (RSS)" href="{{feeds.rss}}">
<link rel="alternate" type="application/feed+json" title="{{site.name}} (JSON Feed)" href="{{feeds.json}}">
<link rel="stylesheet" href="{{site.static}}/style.css">
</head>
<body>
<a class="skip" href="#noi-dung">{{t.skip}}</a>
<header class="site">
  <div class="wrap">
    <p class="unit"{{#lang_en}} lang="vi"{{/lang_en}}><a href="{{site.home}}">{{site.name}}</a></p>
    <nav aria-label="{{t.nav}}">
      <ul>
        <li><a href="{{site.section}}">{{t.section}}</a></li>
        {{#nav}}<li><a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>
        {{/nav}}
      </ul>
    </nav>
    <form class="search" role="search" action="{{site.search}}" method="get">
      <label for="q">{{t.search}}</label>
      <input id="q" name="q" type="search" value="{{search.q}}" placeholder="{{t.search_placeholder}}">
      {{#lang_en}}<input type="hidden" name="lang" value="en">{{/lang_en}}
      <button type="submit">{{t.search_button}}</button>
    </form>
    <p class="lang"><a href="{{lang_switch.url}}" hreflang="{{lang_switch.code}}" lang="{{lang_switch.code}}">{{lang_switch.label}}</a></p>
  </div>
</header>
<div class="wrap layout">
<main id="noi-dung" tabindex="-1">
<nav class="place" aria-label="{{place.label}}"><ol>{{#place.above}}<li{{#lang_en}} lang="vi"{{/lang_en}}>{{#url}}<a href="{{url}}">{{name}}</a>{{/url}}{{^url}}{{name}}{{/url}}</li>{{/place.above}}<li aria-current="page">{{#lang_en}}<span lang="vi">{{/lang_en}}{{site.name}}{{#lang_en}}</span>{{/lang_en}} <span class="kind">({{place.kind}})</span></li></ol></nav>
{{#place.ended}}<p class="ended" role="note">{{place.ended}}</p>{{/place.ended}}
{{{content}}}
</main>
<aside class="side" aria-label="{{t.links}}">
  {{#banner}}
  <a class="banner{{#image}} banner-image{{/image}}" href="{{target_url}}" rel="noopener"{{#lang_en}} lang="vi"{{/lang_en}}>{{#image}}<img src="{{image}}" srcset="{{image_2x}} 2x" alt="{{alt_text}}" width="{{width}}" height="{{height}}">{{/image}}<span{{#image}} class="caption" aria-hidden="true"{{/image}}>{{required_text}}</span></a>
  <p class="banner-kit"><a href="{{kit_url}}">{{t.banner_kit}}</a></p>
  {{/banner}}
  {{#place.has_successors}}<h2>{{place.successors_label}}</h2>
  <ul class="units"{{#lang_en}} lang="vi"{{/lang_en}}>{{#place.successors}}<li>{{#url}}<a href="{{url}}">{{name}}</a>{{/url}}{{^url}}{{name}}{{/url}}</li>{{/place.successors}}</ul>{{/place.has_successors}}
  {{#place.has_below}}<h2>{{place.below_label}}</h2>
  <ul class="units"{{#lang_en}} lang="vi"{{/lang_en}}>{{#place.below}}<li>{{#url}}<a href="{{url}}">{{name}}</a>{{/url}}{{^url}}{{name}}{{/url}}</li>{{/place.below}}</ul>{{/place.has_below}}
  {{#place.has_predecessors}}<h2>{{place.predecessors_label}}</h2>
  <ul class="units"{{#lang_en}} lang="vi"{{/lang_en}}>{{#place.predecessors}}<li>{{#url}}<a href="{{url}}">{{name}}</a>{{/url}}{{^url}}{{name}}{{/url}}</li>{{/place.predecessors}}</ul>{{/place.has_predecessors}}
  <h2>{{t.feeds}}</h2>
  <ul class="feeds">
    <li><a href="{{feeds.atom}}">Atom</a></li>
    <li><a href="{{feeds.rss}}">RSS</a></li>
    <li><a href="{{feeds.json}}">JSON Feed</a></li>
  </ul>
</aside>
</div>
<footer class="site"><div class="wrap">
  <p{{#lang_en}} lang="vi"{{/lang_en}}>{{site.name}}{{#site.address}} · {{site.address}}{{/site.address}}</p>
  <p>{{t.footer}}</p>
  {{#site.hotline}}<p class="hotline">{{t.hotline}}: <a href="{{site.hotline_tel}}">{{site.hotline}}</a></p>{{/site.hotline}}
</div></footer>
</body>
</html>
)HTML";

inline constexpr std::string_view article_list = R"HTML(<ul class="articles">
{{#articles}}<li>
  <article>
    {{#list_h2}}<h2{{#lang_en}} lang="vi"{{/lang_en}}><a href="{{url}}">{{title}}</a></h2>{{/list_h2}}{{^list_h2}}<h3{{#lang_en}} lang="vi"{{/lang_en}}><a href="{{url}}">{{title}}</a></h3>{{/list_h2}}
    <p class="meta"><time datetime="{{published_iso}}">{{published_vi}}</time>{{#unit_name}} · {{#lang_en}}<span lang="vi">{{/lang_en}}{{unit_name}}{{#lang_en}}</span>{{/lang_en}}{{#unit_ended}} ({{unit_ended}}){{/unit_ended}}{{/unit_name}}</p>
    {{#summary}}<p{{#lang_en}} lang="vi"{{/lang_en}}>{{summary}}</p>{{/summary}}
  </article>
</li>
{{/articles}}
</ul>
)HTML";

inline constexpr std::string_view home = R"HTML(<h1>{{t.section}}</h1>
<p class="lead">{{t.section_lead}}</p>
{{#categories}}
<section class="category" aria-labelledby="cat-{{slug}}">
  <h2 id="cat-{{slug}}"><a href="{{url}}">{{label}}</a></h2>
  {{#articles.0}}{{> article_list}}{{/articles.0}}
  {{^articles}}<p class="empty">{{empty_text}}</p>{{/articles}}
  <p class="more"><a href="{{url}}">{{t.more}} <span class="visually-hidden">{{label}}</span></a></p>
  {{#questions}}{{#site.ask_url}}<p class="ask"><a class="ask" href="{{site.ask_url}}">{{t.ask}}</a></p>{{/site.ask_url}}{{/questions}}
</section>
{{/categories}}
{{#document_sections.0}}
<section aria-labelledby="vb-moi">
  <h2 id="vb-moi">{{t.new_documents}}</h2>
  {{#document_sections}}<section class="doc-family" aria-labelledby="vb-{{family}}">
  <h3 id="vb-{{family}}">{{label}}</h3>
  {{#levels}}<h4>{{label}}</h4>
  {{> document_group_table}}{{/levels}}
  </section>{{/document_sections}}
</section>
{{/document_sections.0}}
)HTML";

inline constexpr std::string_view category = R"HTML(<h1>{{category.label}}</h1>
{{#category.description}}<p class="lead">{{category.description}}</p>{{/category.description}}
{{#category.questions}}<p class="ask">{{#site.ask_url}}<a class="ask" href="{{site.ask_url}}">{{t.ask}}</a>{{/site.ask_url}}{{#site.hotline}}{{#site.ask_url}} · {{/site.ask_url}}{{t.hotline}}: <a href="{{site.hotline_tel}}">{{site.hotline}}</a>{{/site.hotline}}</p>{{/category.questions}}
{{#category.dialogues_url}}<p class="dialogues"><a href="{{category.dialogues_url}}">{{category.dialogues_label}}</a></p>{{/category.dialogues_url}}
{{#articles.0}}{{> article_list}}{{/articles.0}}
{{#document_sections}}<section class="doc-family" aria-labelledby="vb-{{family}}">
<h2 id="vb-{{family}}">{{label}}</h2>
{{#levels}}<h3>{{label}}</h3>
{{> document_group_table}}{{/levels}}
</section>
{{/document_sections}}
{{^articles}}{{^documents}}<p class="empty">{{category.empty_text}}</p>{{/documents}}{{/articles}}
{{> pagination}}
)HTML";

inline constexpr std::string_view pagination = R"HTML({{#pagination}}<nav class="pages" aria-label="{{t.pages}}">
  {{#prev}}<a rel="prev" href="{{prev}}">← {{t.prev}}</a>{{/prev}}
  <span>{{t.page}} {{number}}</span>
  {{#next}}<a rel="next" href="{{next}}">{{t.next}} →</a>{{/next}}
</nav>{{/pagination}}
)HTML";

inline constexpr std::string_view article = R"HTML(<article class="full">
  <p class="crumbs"><a href="{{site.section}}">{{t.section}}</a> › <a href="{{article.category_url}}">{{article.category_label}}</a></p>
  <h1{{#lang_en}} lang="vi"{{/lang_en}}>{{article.title}}</h1>
  <p class="meta"><time datetime="{{article.published_iso}}">{{article.published_vi}}</time>{{#article.unit_name}} · {{#lang_en}}<span lang="vi">{{/lang_en}}{{article.unit_name}}{{#lang_en}}</span>{{/lang_en}}{{#article.unit_ended}} ({{article.unit_ended}}){{/article.unit_ended}}{{/article.unit_name}}</p>
  {{#article.summary}}<p class="lead"{{#lang_en}} lang="vi"{{/lang_en}}>{{article.summary}}</p>{{/article.summary}}
  {{#article.cover_url}}<p class="cover"><img src="{{article.cover_url}}" alt="{{article.cover_alt}}"></p>{{/article.cover_url}}
  <div class="body"{{#lang_en}} lang="vi"{{/lang_en}}>{{{article.body_html}}}</div>
  {{#article.byline}}<p class="byline">{{t.byline}}: {{#lang_en}}<span lang="vi">{{/lang_en}}{{article.byline}}{{#lang_en}}</span>{{/lang_en}}</p>{{/article.byline}}
  {{#article.approved_by}}<p class="approval">{{t.approved_by}}: {{article.approved_by}}</p>{{/article.approved_by}}
  {{#article.source_name}}<p class="source">{{t.source}}: {{#article.source_url}}<a href="{{article.source_url}}" rel="noopener noreferrer"{{#lang_en}} lang="vi"{{/lang_en}}>{{article.source_name}}</a>{{/article.source_url}}{{^article.source_url}}{{#lang_en}}<span lang="vi">{{/lang_en}}{{article.source_name}}{{#lang_en}}</span>{{/lang_en}}{{/article.source_url}}</p>{{/article.source_name}}
  {{#article.tags.0}}<p class="tags">{{t.tags}}: {{#article.tags}}<span class="tag"{{#lang_en}} lang="vi"{{/lang_en}}>{{.}}</span> {{/article.tags}}</p>{{/article.tags.0}}
  {{#article.documents.0}}<h2>{{t.related_documents}}</h2><ul>{{#article.documents}}<li><a href="{{url}}">{{number}}</a> {{#lang_en}}<span lang="vi">{{/lang_en}}{{title}}{{#lang_en}}</span>{{/lang_en}}</li>{{/article.documents}}</ul>{{/article.documents.0}}
</article>
)HTML";

inline constexpr std::string_view document_table = R"HTML(<div class="table-wrap" role="region" aria-label="{{t.documents}}" tabindex="0">
<table class="documents">
<caption class="visually-hidden">{{t.documents}}</caption>
<thead><tr><th scope="col">{{t.number}}</th><th scope="col">{{t.title}}</th><th scope="col">{{t.issued_on}}</th><th scope="col">{{t.status}}</th></tr></thead>
<tbody>
{{#documents}}<tr><td><a href="{{url}}">{{number}}</a></td><td{{#lang_en}} lang="vi"{{/lang_en}}>{{title}}</td><td>{{issued_vi}}</td><td>{{#status}}<span class="status status-{{status}}">{{status_label}}</span>{{/status}}{{period}}</td></tr>
{{/documents}}
</tbody>
</table>
</div>
)HTML";

// One issuing level's documents inside a family section: the status column for legal
// normative documents, the implementation period for administrative ones.
inline constexpr std::string_view document_group_table = R"HTML(<div class="table-wrap" role="region" aria-label="{{region}}" tabindex="0">
<table class="documents">
<caption class="visually-hidden">{{label}}</caption>
<thead><tr><th scope="col">{{t.number}}</th><th scope="col">{{t.title}}</th><th scope="col">{{t.issued_on}}</th><th scope="col">{{#normative}}{{t.status}}{{/normative}}{{^normative}}{{t.period}}{{/normative}}</th></tr></thead>
<tbody>
{{#documents}}<tr><td><a href="{{url}}">{{number}}</a></td><td{{#lang_en}} lang="vi"{{/lang_en}}>{{title}}</td><td>{{issued_vi}}</td><td>{{#status}}<span class="status status-{{status}}">{{status_label}}</span>{{/status}}{{period}}</td></tr>
{{/documents}}
</tbody>
</table>
</div>
)HTML";

inline constexpr std::string_view document = R"HTML(<article class="full document">
  <p class="crumbs"><a href="{{site.section}}">{{t.section}}</a> › <a href="{{doc.category_url}}">{{t.cat_documents}}</a></p>
  <h1>{{doc.type_name}} {{doc.number}}</h1>
  <p class="lead"{{#lang_en}} lang="vi"{{/lang_en}}>{{doc.title}}</p>
  {{#doc.issuer_note}}<p class="ended" role="note">{{doc.issuer_note}}</p>{{/doc.issuer_note}}
  <table class="meta">
    <caption>{{t.properties}}</caption>
    <tbody>
      <tr><th scope="row">{{t.number}}</th><td>{{doc.number}}</td></tr>
      <tr><th scope="row">{{t.type}}</th><td>{{doc.type_name}}</td></tr>
      <tr><th scope="row">{{t.family}}</th><td>{{doc.family_label}}</td></tr>
      <tr><th scope="row">{{t.level}}</th><td>{{doc.level_label}}</td></tr>
      <tr><th scope="row">{{t.issuer}}</th><td{{#lang_en}} lang="vi"{{/lang_en}}>{{doc.issuer}}{{#doc.parent_issuer}} ({{doc.parent_issuer}}){{/doc.parent_issuer}}</td></tr>
      <tr><th scope="row">{{t.place_date}}</th><td{{#lang_en}} lang="vi"{{/lang_en}}>{{doc.place_date}}</td></tr>
      <tr><th scope="row">{{t.signer}}</th><td class="signer"{{#lang_en}} lang="vi"{{/lang_en}}>{{#doc.signer_lines}}<span class="signer-line">{{.}}</span><br>{{/doc.signer_lines}}{{#doc.signer_name}}<strong class="signer-name">{{doc.signer_name}}</strong>{{/doc.signer_name}}</td></tr>
      {{#doc.effective_vi}}<tr><th scope="row">{{t.effective_on}}</th><td>{{doc.effective_vi}}</td></tr>{{/doc.effective_vi}}
      {{#doc.expires_vi}}<tr><th scope="row">{{t.expires_on}}</th><td>{{doc.expires_vi}}</td></tr>{{/doc.expires_vi}}
      {{#doc.period}}<tr><th scope="row">{{t.period}}</th><td>{{doc.period}}</td></tr>{{/doc.period}}
      {{#doc.status}}<tr><th scope="row">{{t.status}}</th><td><span class="status status-{{doc.status}}">{{doc.status_label}}</span></td></tr>{{/doc.status}}
      {{#doc.fields.0}}<tr><th scope="row">{{t.fields}}</th><td{{#lang_en}} lang="vi"{{/lang_en}}>{{#doc.fields}}<span class="tag">{{.}}</span> {{/doc.fields}}</td></tr>{{/doc.fields.0}}
      {{#doc.recipients.0}}<tr><th scope="row">{{t.recipients}}</th><td{{#lang_en}} lang="vi"{{/lang_en}}><ul>{{#doc.recipients}}<li>{{.}}</li>{{/doc.recipients}}</ul></td></tr>{{/doc.recipients.0}}
    </tbody>
  </table>
  {{#doc.history.0}}<h2>{{t.status_history}}</h2><ol class="history">{{#doc.history}}<li><time datetime="{{date_iso}}">{{date_vi}}</time>: {{label}}{{#note}} ({{#lang_en}}<span lang="vi">{{/lang_en}}{{note}}{{#lang_en}}</span>{{/lang_en}}){{/note}}</li>{{/doc.history}}</ol>{{/doc.history.0}}
  {{#doc.relations.0}}<h2>{{t.related_documents}}</h2><ul class="relations">{{#doc.relations}}<li>{{label}}: {{#url}}<a href="{{url}}">{{number}}</a>{{/url}}{{^url}}{{number}}{{/url}} {{#lang_en}}<span lang="vi">{{/lang_en}}{{title}}{{#lang_en}}</span>{{/lang_en}}</li>{{/doc.relations}}</ul>{{/doc.relations.0}}
  {{#doc.files.0}}<h2>{{t.files}}</h2><ul class="files"{{#lang_en}} lang="vi"{{/lang_en}}>{{#doc.files}}<li>{{#url}}<a href="{{url}}" download>{{name}}</a>{{/url}}{{^url}}{{name}}{{/url}}{{#size}} ({{size}}){{/size}}</li>{{/doc.files}}</ul>{{/doc.files.0}}
  {{#doc.body_html}}<h2>{{t.full_text}}</h2><div class="body"{{#lang_en}} lang="vi"{{/lang_en}}>{{{doc.body_html}}}</div>{{/doc.body_html}}
</article>
)HTML";

inline constexpr std::string_view search = R"HTML(<h1>{{t.search_title}}</h1>
{{#search.q}}<p>{{t.results_for}} “{{search.q}}”{{#search.total}}: {{search.total}}{{/search.total}}</p>{{/search.q}}
{{#search.error}}<p class="error" role="alert">{{search.error}}</p>{{/search.error}}
{{#search.approximate}}<p class="note">{{t.approximate}}</p>{{/search.approximate}}
{{#search.q}}<p class="sort">{{t.sort}}: <a href="{{search.relevance_url}}"{{^search.newest}} aria-current="true"{{/search.newest}}>{{t.sort_relevance}}</a> | <a href="{{search.newest_url}}"{{#search.newest}} aria-current="true"{{/search.newest}}>{{t.sort_newest}}</a></p>{{/search.q}}
<ol class="results">
{{#results}}<li>
  <h2{{#lang_en}} lang="vi"{{/lang_en}}><a href="{{url}}">{{title}}</a></h2>
  <p class="meta">{{kind_label}}{{#date_vi}} · {{date_vi}}{{/date_vi}}</p>
  <p class="snippet"{{#lang_en}} lang="vi"{{/lang_en}}>{{{snippet_html}}}</p>
</li>
{{/results}}
</ol>
{{#search.q}}{{^results}}{{^search.error}}<p class="empty">{{t.no_results}}</p>{{/search.error}}{{/results}}{{/search.q}}
{{> pagination}}
)HTML";

// The public question form. Works without script; the browser's own checks are off (novalidate)
// so every error comes from the server, next to its field, with what was typed kept. The "website"
// field is a honeypot: hidden from people (CSS), filled by bots; a question that fills it is refused.
inline constexpr std::string_view ask = R"HTML({{#form.intro_html}}{{{form.intro_html}}}{{/form.intro_html}}{{^form.intro_html}}<h1>{{t.ask_title}}</h1>
<p class="lead">{{t.ask_lead}}</p>{{/form.intro_html}}
{{#form.error}}<p class="error" role="alert">{{form.error}}</p>{{/form.error}}
{{#form.has_errors}}<p class="error" role="alert">{{t.ask_fix}}</p>{{/form.has_errors}}
<form class="ask-form" method="post" action="{{form.action}}" novalidate>
<input type="hidden" name="form_token" value="{{form.token}}">
{{#form.dialogue}}<input type="hidden" name="dialogue" value="{{form.dialogue}}">{{/form.dialogue}}
<p class="field"><label for="ask-name">{{t.ask_name}} <span class="req">({{t.required}})</span></label>
<input id="ask-name" name="name" type="text" required maxlength="{{form.short_max}}" autocomplete="name" value="{{form.name.value}}"{{#form.name.error}} aria-invalid="true" aria-describedby="ask-name-error"{{/form.name.error}}>
{{#form.name.error}}<span class="field-error" id="ask-name-error">{{form.name.error}}</span>{{/form.name.error}}</p>
<p class="field"><label for="ask-email">{{t.ask_email}} <span class="opt">({{t.optional}})</span></label>
<input id="ask-email" name="email" type="email" maxlength="{{form.short_max}}" autocomplete="email" value="{{form.email.value}}"{{#form.email.error}} aria-invalid="true" aria-describedby="ask-email-error"{{/form.email.error}}>
{{#form.email.error}}<span class="field-error" id="ask-email-error">{{form.email.error}}</span>{{/form.email.error}}</p>
<p class="field"><label for="ask-phone">{{t.ask_phone}} <span class="opt">({{t.optional}})</span></label>
<input id="ask-phone" name="phone" type="tel" maxlength="{{form.short_max}}" autocomplete="tel" value="{{form.phone.value}}"{{#form.phone.error}} aria-invalid="true" aria-describedby="ask-phone-error"{{/form.phone.error}}>
{{#form.phone.error}}<span class="field-error" id="ask-phone-error">{{form.phone.error}}</span>{{/form.phone.error}}</p>
<p class="field"><label for="ask-title">{{t.ask_subject}} <span class="req">({{t.required}})</span></label>
<input id="ask-title" name="title" type="text" required maxlength="{{form.short_max}}" value="{{form.title.value}}"{{#form.title.error}} aria-invalid="true" aria-describedby="ask-title-error"{{/form.title.error}}>
{{#form.title.error}}<span class="field-error" id="ask-title-error">{{form.title.error}}</span>{{/form.title.error}}</p>
<p class="field"><label for="ask-question">{{t.ask_question}} <span class="req">({{t.required}})</span></label>
<textarea id="ask-question" name="question" rows="8" required{{#form.question.error}} aria-invalid="true" aria-describedby="ask-question-error"{{/form.question.error}}>{{form.question.value}}</textarea>
{{#form.question.error}}<span class="field-error" id="ask-question-error">{{form.question.error}}</span>{{/form.question.error}}</p>
<p class="field"><label for="ask-category">{{t.ask_category}} <span class="opt">({{t.optional}})</span></label>
<input id="ask-category" name="category" type="text" maxlength="{{form.short_max}}" value="{{form.category.value}}"{{#form.category.error}} aria-invalid="true" aria-describedby="ask-category-error"{{/form.category.error}}>
{{#form.category.error}}<span class="field-error" id="ask-category-error">{{form.category.error}}</span>{{/form.category.error}}</p>
<p class="hp"><label for="ask-website">{{t.ask_honeypot}}</label>
<input id="ask-website" name="website" type="text" tabindex="-1" autocomplete="off" value=""></p>
<p class="note">{{t.ask_privacy}}</p>
<p><button type="submit">{{t.ask_send}}</button></p>
</form>
)HTML";

// A page built whole by its code (the compliance KPIs).
inline constexpr std::string_view panel = R"HTML(<article class="full panel">{{{panel.html}}}</article>
)HTML";

// A unit's dialogue sessions, and one session's page once it closed (its answers, its transcript).
inline constexpr std::string_view dialogue = R"HTML(<article class="full dialogue">{{{dialogue.html}}}</article>
)HTML";

inline constexpr std::string_view ask_thanks = R"HTML(<h1>{{t.ask_thanks_title}}</h1>
<p class="lead">{{t.ask_thanks_lead}}</p>
<p>{{t.ask_follow_keep}}</p>
<p class="follow-link"><a href="{{thanks.follow_url}}" rel="noreferrer">{{thanks.follow_url}}</a></p>
<p><a href="{{thanks.category_url}}">{{t.ask_back}}</a></p>
)HTML";

inline constexpr std::string_view follow = R"HTML(<h1>{{t.follow_title}}</h1>
<p class="state state-{{follow.state}}"><strong>{{t.follow_state}}:</strong> {{follow.state_label}}</p>
{{#follow.rejection_reason}}<p><strong>{{t.follow_reason}}:</strong> {{follow.rejection_reason}}</p>{{/follow.rejection_reason}}
<h2>{{follow.title}}</h2>
<p class="meta">{{t.follow_asked}} <time datetime="{{follow.asked_iso}}">{{follow.asked_vi}}</time></p>
<div class="body">{{{follow.body_html}}}</div>
{{#follow.answer_html}}<h2>{{t.answer}}</h2>
{{#follow.answered_vi}}<p class="meta"><time datetime="{{follow.answered_iso}}">{{follow.answered_vi}}</time></p>{{/follow.answered_vi}}
<div class="body">{{{follow.answer_html}}}</div>{{/follow.answer_html}}
{{#follow.public_url}}<p><a href="{{follow.public_url}}">{{t.follow_public}}</a></p>{{/follow.public_url}}
)HTML";

inline constexpr std::string_view banner_kit = R"HTML(<h1>{{t.banner_kit}}</h1>
<p class="lead">{{t.banner_kit_lead}}</p>
<p>{{t.banner_kit_text}} <q lang="vi">{{required_text}}</q>. {{t.banner_kit_target}} <a href="{{target_url}}" rel="noopener">{{target_url}}</a>.</p>
{{#source}}<p class="meta">{{source}}</p>{{/source}}
{{#problem}}<p class="ended" role="note">{{problem}}</p>{{/problem}}
{{#variants}}
<section class="banner-size" aria-labelledby="bn-{{name}}">
  <h2 id="bn-{{name}}">{{width}}×{{height}}</h2>
  <p><img src="{{url}}" alt="{{required_text}}" width="{{width}}" height="{{height}}"{{#lang_en}} lang="vi"{{/lang_en}}></p>
  <p><a href="{{url}}" download="bieu-ngu-{{name}}.png">{{t.banner_download}} ({{width}}×{{height}}, PNG)</a></p>
  <label for="snippet-{{name}}">{{t.banner_snippet}}</label>
  <textarea id="snippet-{{name}}" class="snippet" rows="4" cols="80" readonly spellcheck="false"{{#lang_en}} lang="vi"{{/lang_en}}>{{snippet}}</textarea>
</section>
{{/variants}}
)HTML";

inline constexpr std::string_view error_page = R"HTML(<h1>{{error.title}}</h1>
<p>{{error.message}}</p>
<p><a href="{{site.section}}">{{t.back_home}}</a></p>
)HTML";

inline constexpr std::string_view style_css = R"CSS(:root{--fg:#1d1d1f;--muted:#5b5b66;--accent:#a4161a;--bg:#fff;--line:#ddd;--soft:#f6f3ee}
*{box-sizing:border-box}
body{margin:0;font:17px/1.6 "DejaVu Sans",system-ui,sans-serif;color:var(--fg);background:var(--bg)}
a{color:#0b4f8a}a:focus,button:focus,input:focus{outline:3px solid #f0a500;outline-offset:2px}
.wrap{max-width:72rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
header.site{background:var(--accent);color:#fff}header.site a{color:#fff}
header.site .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding-top:.75rem;padding-bottom:.75rem}
.unit{font-weight:700;font-size:1.15rem;margin:0}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
nav a[aria-current]{text-decoration:underline;font-weight:700}.sort a[aria-current]{font-weight:700;text-decoration:none;color:inherit}
.search{display:flex;gap:.25rem;align-items:center}.search label{position:absolute;left:-999px}
.search input{padding:.35rem .5rem;border:0;border-radius:3px;min-width:12rem}
.search button{padding:.35rem .75rem;border:1px solid #fff;background:transparent;color:#fff;border-radius:3px;cursor:pointer}
.lang{margin:0 0 0 auto}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 18rem;gap:2rem;padding-top:1.5rem;padding-bottom:2rem}
@media (max-width:800px){.layout{grid-template-columns:minmax(0,1fr)}.lang{margin:0}}
main{overflow-wrap:break-word}.table-wrap{overflow-x:auto}
h1{font-size:1.8rem;line-height:1.25;margin:.25rem 0 1rem}h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
.lead{font-size:1.05rem;color:var(--muted)}
.articles{list-style:none;padding:0;margin:0}.articles li{border-bottom:1px solid var(--line);padding:.5rem 0}
.articles h3,.articles h2{margin:0;font-size:1.05rem}.meta{color:var(--muted);font-size:.9rem;margin:.15rem 0}
.category{background:var(--soft);padding:.5rem 1rem 1rem;margin-bottom:1.25rem;border-radius:6px}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top}
table.meta th{width:32%;background:var(--soft)}caption{text-align:left;font-weight:700;padding:.25rem 0}
.signer-name{display:inline-block;margin-top:.25rem}
.status{padding:.1rem .4rem;border-radius:3px;background:#e8f5e9;white-space:nowrap}
.status-expired,.status-suspended{background:#fdecea}.status-partly_expired,.status-not_yet_in_force{background:#fff4e0}
.tag{display:inline-block;background:var(--soft);border-radius:3px;padding:0 .4rem;margin:.1rem}
.banner{display:block;border:2px solid var(--accent);border-radius:6px;padding:.75rem;text-decoration:none;color:var(--accent);font-weight:700;text-align:center}
.banner img{max-width:100%;height:auto;display:block;margin:0 auto .5rem}
.banner.banner-image{padding:.4rem}.banner .caption{display:block;font-size:.8rem;font-weight:400}
.banner-kit{font-size:.9rem;text-align:center;margin:.25rem 0 1rem}
.banner-size img{max-width:100%;height:auto}.banner-size .snippet{width:100%;font-family:monospace;font-size:.85rem}
.results{padding-left:1.25rem}.results h2{font-size:1.1rem;margin-bottom:0}
mark{background:#fff3a0;color:inherit}
.pages{display:flex;gap:1rem;margin:1.5rem 0}
.error{color:var(--accent);font-weight:700}.empty{color:var(--muted)}
p.ask a.ask{font-weight:700}.byline,.source{text-align:right;color:var(--muted)}p.cover img{max-width:100%;height:auto}
.body img{max-width:100%;height:auto}
nav.place ol{list-style:none;margin:0 0 .8rem;padding:0;font-size:.9rem;color:var(--muted)}nav.place li{display:inline}nav.place li+li:before{content:" › "}
p.ended{border-left:4px solid var(--accent);background:var(--soft);padding:.6rem .8rem}
.ask-form .field{margin:0 0 1rem}.ask-form label{display:block;font-weight:700}
.ask-form input,.ask-form textarea{width:100%;max-width:40rem;padding:.4rem;border:1px solid #767676;border-radius:3px;font:inherit}
.ask-form [aria-invalid=true]{border:2px solid var(--accent)}.field-error{display:block;color:var(--accent);font-weight:700}
.ask-form .req,.ask-form .opt{font-weight:400;color:var(--muted)}.hp{display:none}
.ask-form button{padding:.5rem 1.25rem;background:var(--accent);color:#fff;border:0;border-radius:3px;font:inherit;cursor:pointer}
.follow-link{overflow-wrap:anywhere;font-family:monospace}
td.verdict.met{color:#1b5e20;font-weight:700}td.verdict.not_met{color:#b71c1c;font-weight:700}td.verdict.unknown{color:var(--muted)}
.kpi .count{color:var(--muted);font-size:.85em}.kpi-trend svg{max-width:100%;height:auto}.evidence .url{overflow-wrap:anywhere;font-family:monospace}
footer.site{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem;padding:1rem 0}
)CSS";

// Name → built-in source, for template_set::add and for overriding by a theme directory.
inline constexpr std::pair<std::string_view, std::string_view> templates[] = {
    {"layout", layout},     {"home", home},     {"category", category},
    {"pagination", pagination}, {"article", article}, {"article_list", article_list},
    {"document_table", document_table}, {"document_group_table", document_group_table}, {"document", document}, {"search", search},
    {"error", error_page}, {"banner_kit", banner_kit}, {"ask", ask}, {"dialogue", dialogue}, {"ask_thanks", ask_thanks}, {"follow", follow},
    {"panel", panel},
};

}  // namespace portal::theme
PBGDPL_NAMESPACE_END
