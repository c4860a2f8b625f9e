// Bodies of store/search.hpp: compiled once into the store tier (src/store/search.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../search.hpp"
#include "../../core/document_number.hpp"
#include "../../core/escape.hpp"
#include "../../core/text.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <utf8proc.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {

namespace detail {

PBGDPL_DECL bool is_token_cp(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

// Per-code-point search forms of the letters Vietnamese (and most Latin) text is made of:
// Latin-1 Supplement, Latin Extended-A/B, IPA and Latin Extended Additional. For a run of such
// letters without combining marks, text::lower and text::fold of the run equal the
// concatenation of the per-letter results (nothing composes across two letters that are not
// marks), so tokenizing needs no Unicode mapping call per word: indexing and snippets were
// spending most of their time allocating in utf8proc_map.
struct letter_forms {
  std::string exact, folded;
};

PBGDPL_DECL const letter_forms* letter_table_entry(utf8proc_int32_t cp) {
  static const std::vector<letter_forms> table = [] {
    std::vector<letter_forms> t(0x300 - 0x80 + 0x100);
    auto fill = [&](utf8proc_int32_t from, utf8proc_int32_t to, std::size_t base) {
      for (utf8proc_int32_t c = from; c < to; ++c) {
        utf8proc_uint8_t buf[8];
        auto n = utf8proc_encode_char(c, buf);
        std::string_view ch(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
        auto& e = t[base + static_cast<std::size_t>(c - from)];
        e.exact = text::lower(ch).value_or(std::string(ch));
        e.folded = text::fold(ch).value_or(e.exact);
      }
    };
    fill(0x80, 0x300, 0);
    fill(0x1E00, 0x1F00, 0x300 - 0x80);
    return t;
  }();
  if (cp >= 0x80 && cp < 0x300) return &table[static_cast<std::size_t>(cp - 0x80)];
  if (cp >= 0x1E00 && cp < 0x1F00) return &table[static_cast<std::size_t>(0x300 - 0x80 + (cp - 0x1E00))];
  return nullptr;
}

// The exact and folded forms of one token; `want_exact` false skips the exact form.
PBGDPL_DECL void token_forms(std::string_view piece, std::string& exact, std::string& folded, bool want_exact = true) {
  exact.clear();
  folded.clear();
  auto p = reinterpret_cast<const utf8proc_uint8_t*>(piece.data());
  std::size_t i = 0;
  while (i < piece.size()) {
    auto c = static_cast<unsigned char>(piece[i]);
    if (c < 0x80) {
      char l = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      if (want_exact) exact += l;
      folded += l;
      ++i;
      continue;
    }
    utf8proc_int32_t cp = -1;
    auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(piece.size() - i), &cp);
    const letter_forms* e = n > 0 ? letter_table_entry(cp) : nullptr;
    if (!e) {  // marks, other scripts: the whole token through utf8proc
      exact = text::lower(piece).value_or(std::string(piece));
      folded = text::fold(piece).value_or(exact);
      if (!want_exact) exact.clear();
      return;
    }
    if (want_exact) exact += e->exact;
    folded += e->folded;
    i += static_cast<std::size_t>(n);
  }
}

// Both tone placements of "oa", "oe" and "uy" are in everyday use, often in one document:
// "hòa"/"hoà", "khỏe"/"khoẻ", "thủy"/"thuỷ" (the mark on the first vowel is the older habit, on
// the second the 1980s rule; keyboards follow either). They are one word, so the exact form
// puts the mark on the second vowel whichever way it was typed: index and query agree, and an
// exact-accent match does not depend on the writer's habit. Where a consonant or vowel follows
// ("hoàn", "hoài", "khuỷu") the second vowel is the only right place anyway, so the move is made
// wherever the pair occurs. Input: an exact form (lower-case NFC).
struct tone_move {
  std::string_view from, to;
};
inline constexpr tone_move tone_moves[] = {
    {"òa", "oà"}, {"óa", "oá"}, {"ỏa", "oả"}, {"õa", "oã"}, {"ọa", "oạ"},  //
    {"òe", "oè"}, {"óe", "oé"}, {"ỏe", "oẻ"}, {"õe", "oẽ"}, {"ọe", "oẹ"},  //
    {"ùy", "uỳ"}, {"úy", "uý"}, {"ủy", "uỷ"}, {"ũy", "uỹ"}, {"ụy", "uỵ"},
};

PBGDPL_DECL void move_tone_marks(std::string& exact) {
  for (std::size_t i = 1; i < exact.size(); ++i) {
    char c = exact[i];
    // Cheap test first: the second vowel is ASCII, right after a (multi-byte) marked letter.
    if ((c != 'a' && c != 'e' && c != 'y') || static_cast<unsigned char>(exact[i - 1]) < 0x80) continue;
    for (const auto& m : tone_moves) {
      std::size_t n = m.from.size() - 1;  // bytes of the marked first vowel
      if (m.from.back() == c && i >= n && exact.compare(i - n, n + 1, m.from) == 0) {
        exact.replace(i - n, n + 1, m.to);
        i = i - n + m.to.size() - 1;
        break;
      }
    }
  }
}

}  // namespace detail


PBGDPL_DECL std::vector<token> tokenize(std::string_view s, std::size_t max_tokens, bool want_exact) {
  std::vector<token> out;
  auto p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  std::size_t i = 0, start = std::string_view::npos;
  auto flush = [&](std::size_t end) {
    if (start == std::string_view::npos) return;
    token t;
    t.begin = start;
    t.end = end;
    detail::token_forms(s.substr(start, end - start), t.exact, t.folded, want_exact);
    if (want_exact) detail::move_tone_marks(t.exact);
    // Marks alone (an emoji's variation selector, a stray combining mark) fold to nothing: no
    // word, on either side, so index and query agree and the folded column keeps its positions.
    if (!t.folded.empty()) out.push_back(std::move(t));
    start = std::string_view::npos;
  };
  while (i < s.size() && out.size() < max_tokens) {
    utf8proc_int32_t cp = -1;
    auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return {};
    if (detail::is_token_cp(cp)) {
      if (start == std::string_view::npos) start = i;
    } else {
      flush(i);
    }
    i += static_cast<std::size_t>(n);
  }
  if (out.size() < max_tokens) flush(s.size());
  return out;
}

PBGDPL_DECL indexed_text index_form(std::string_view nfc_text) {
  indexed_text r;
  for (const auto& t : tokenize(nfc_text)) {
    if (!r.exact.empty()) r.exact += ' ', r.folded += ' ';
    r.exact += t.exact;
    r.folded += t.folded;
  }
  return r;
}

namespace detail {

PBGDPL_DECL error query_error(errc c, std::string vi, std::string en) { return error(c, "/q", std::move(vi), std::move(en)); }

// key:value filters a user may write inside the query ("loai:KH", "type:KH"). They narrow the
// search; they never replace a filter the caller set (a portal's state:published stays, whatever
// "state:draft" the user types), so a caller's constraint cannot be typed away.
PBGDPL_DECL bool apply_filter(filter& f, std::string_view key, std::string value) {
  auto k = text::fold(key).value_or(std::string(key));
  auto set = [&](std::optional<std::string>& field) {
    if (!field) field = std::move(value);
  };
  if (k == "unit" || k == "donvi") set(f.unit);
  else if (k == "kind") set(f.kind);
  else if (k == "category" || k == "chuyenmuc") set(f.category);
  else if (k == "state") set(f.state);
  else if (k == "type" || k == "loai") set(f.doc_type);
  else if (k == "level" || k == "cap") set(f.doc_level);
  else if (k == "status" || k == "hieuluc") set(f.doc_status);
  else if (k == "field" || k == "linhvuc") set(f.field);
  else if (k == "from" || k == "tu" || k == "to" || k == "den") {
    auto d = parse_date(value);
    if (!d) return false;
    auto& target = k == "from" || k == "tu" ? f.from : f.to;
    if (!target) target = *d;
  } else return false;
  return true;
}

}  // namespace detail

PBGDPL_DECL filter search_filter(const search_request& req) {
  filter f = req.where;
  // Every searchable kind names its public state "published" (article_state, question_state).
  if (!req.include_unpublished && !f.state) f.state = "published";
  return f;
}

PBGDPL_DECL result<parsed_query> parse_query(std::string_view raw, filter base) {
  if (raw.size() > max_query_bytes)
    return detail::query_error(errc::too_large, "Câu tìm kiếm quá dài (tối đa 1000 byte)",
                               "Search query too long (at most 1000 bytes)");
  auto nfc = text::nfc(raw);
  if (!nfc) return detail::query_error(errc::invalid_utf8, "Câu tìm kiếm không phải UTF-8 hợp lệ", "Search query is not valid UTF-8");
  const std::string& s = *nfc;
  parsed_query q;
  q.where = std::move(base);
  auto add_text = [&](std::string_view piece, bool prefix) {
    auto toks = tokenize(piece);
    if (toks.empty()) return;
    // A quoted phrase, and a word of several tokens ("19/KH-PGDĐT"), stay together as one term.
    search_term t;
    for (auto& k : toks) t.exact.push_back(std::move(k.exact)), t.folded.push_back(std::move(k.folded));
    // Letters of the last token (code points: bytes that do not continue one).
    const auto& last = t.folded.back();
    auto letters = static_cast<std::size_t>(std::count_if(last.begin(), last.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
    std::size_t prefixes = static_cast<std::size_t>(std::count_if(q.terms.begin(), q.terms.end(), [](const search_term& x) { return x.prefix; }));
    t.prefix = prefix && letters >= min_prefix_letters && prefixes < max_prefix_terms;
    q.terms.push_back(std::move(t));
  };
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { ++i; continue; }
    if (c == '"') {
      auto close = s.find('"', i + 1);
      // An unbalanced quote runs to the end: the user meant a phrase, not an error.
      auto end = close == std::string::npos ? s.size() : close;
      auto body = std::string_view(s).substr(i + 1, end - i - 1);
      bool prefix = end + 1 < s.size() && s[end + 1] == '*';
      add_text(body, prefix);
      i = close == std::string::npos ? s.size() : close + 1 + (prefix ? 1 : 0);
      continue;
    }
    auto end = s.find_first_of(" \t\r\n\"", i);
    if (end == std::string::npos) end = s.size();
    std::string_view word = std::string_view(s).substr(i, end - i);
    i = end;
    auto colon = word.find(':');
    if (colon != std::string_view::npos && colon > 0 && colon + 1 < word.size()) {
      if (detail::apply_filter(q.where, word.substr(0, colon), std::string(word.substr(colon + 1)))) continue;
    }
    bool prefix = word.size() > 1 && word.back() == '*';
    // A document number ("19/KH-PGDĐT", "(1521/qđ-ttg),"): punctuation around it is not part of it.
    auto bare = word;
    while (!bare.empty() && std::string_view("([\'").find(bare.front()) != std::string_view::npos) bare.remove_prefix(1);
    while (!bare.empty() && std::string_view(".,;:)]'!?*").find(bare.back()) != std::string_view::npos) bare.remove_suffix(1);
    if (bare.find('/') != std::string_view::npos)
      if (auto k = number_key(bare); !k.empty() && std::find(q.numbers.begin(), q.numbers.end(), k) == q.numbers.end())
        q.numbers.push_back(std::move(k));
    add_text(word, prefix);
  }
  if (q.terms.size() > max_query_terms)
    return detail::query_error(errc::too_large, "Câu tìm kiếm có quá nhiều từ (tối đa 32)", "Too many search words (at most 32)");
  if (q.terms.empty())
    return detail::query_error(errc::invalid_argument, "Hãy nhập ít nhất một từ để tìm kiếm",
                               "Enter at least one word to search for");
  for (const auto& t : q.terms)
    for (std::size_t k = 0; k < t.exact.size(); ++k) {
      if (!q.exact_key.empty()) q.exact_key += ' ', q.folded_key += ' ';
      q.exact_key += t.exact[k];
      q.folded_key += t.folded[k];
    }
  return q;
}

PBGDPL_DECL std::string title_key(std::string_view title) { return index_form(title).exact; }
PBGDPL_DECL std::string title_fold_key(std::string_view title) { return index_form(title).folded; }

PBGDPL_DECL std::string number_key(std::string_view number) {
  if (!parse_document_number(number)) return {};
  auto nfc = text::nfc(number);
  return nfc ? title_fold_key(*nfc) : std::string();
}

PBGDPL_DECL bool title_starts_with_query(std::string_view title_key, std::string_view query_key) {
  if (query_key.empty() || title_key.size() <= query_key.size()) return false;
  if (static_cast<std::size_t>(std::count(query_key.begin(), query_key.end(), ' ')) + 1 < min_title_prefix_words) return false;
  return title_key.compare(0, query_key.size(), query_key) == 0 && title_key[query_key.size()] == ' ';
}

namespace detail {

// Finds the next `c` at or after `from`, remembering the answer: a later call from a position
// not past the remembered one reuses it, so all the look-aheads of one pass read each byte at
// most once (an input of a million '[' or '<' without a closing one stays linear).
struct next_finder {
  std::string_view s;
  char c;
  std::size_t at = 0;
  bool known = false;
  std::size_t find(std::size_t from) {
    if (!known || (at != std::string_view::npos && at < from)) {
      at = s.find(c, from);
      known = true;
    }
    return at;
  }
};

PBGDPL_DECL bool md_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}
PBGDPL_DECL bool md_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace detail

PBGDPL_DECL std::string markdown_to_text(std::string_view md) {
  std::string out;
  out.reserve(md.size());
  detail::next_finder close_paren{md, ')'}, close_bracket{md, ']'}, close_angle{md, '>'}, newline{md, '\n'},
      semicolon{md, ';'};
  bool in_fence = false;
  std::size_t i = 0;
  while (i < md.size()) {
    // One line: its block markers first, then its inline text.
    std::size_t eol = newline.find(i);
    if (eol == std::string_view::npos) eol = md.size();
    std::size_t p = i;
    while (p < eol && p - i < 4 && md[p] == ' ') ++p;
    auto rest = md.substr(p, eol - p);
    auto only = [&](char c) {  // a rule or fence line: 3+ of one character, spaces allowed
      std::size_t n = 0;
      for (char x : rest)
        if (x == c) ++n;
        else if (x != ' ' && x != '\t') return false;
      return n >= 3;
    };
    bool fence = rest.starts_with("```") || rest.starts_with("~~~");
    if (fence) in_fence = !in_fence;
    if (fence || (!in_fence && (only('-') || only('*') || only('_') || only('=')))) {
      i = eol + 1;
      if (!out.empty() && out.back() != '\n') out += '\n';
      continue;
    }
    if (in_fence) {  // code: kept as it is
      out.append(rest);
      out += '\n';
      i = eol + 1;
      continue;
    }
    // Quote markers, then a heading (and its closing #s) or a list marker, at most one.
    std::size_t end = eol;
    while (p < eol && (md[p] == '>' || md[p] == ' ')) ++p;
    if (p < eol && md[p] == '#') {
      std::size_t h = p;
      while (h < eol && md[h] == '#' && h - p < 6) ++h;
      if (h == eol || md[h] == ' ') {
        p = h;
        std::size_t e = eol;
        while (e > p && md[e - 1] == ' ') --e;
        std::size_t c = e;
        while (c > p && md[c - 1] == '#') --c;
        if (c < e && (c == p || md[c - 1] == ' ')) end = c;
      }
    } else if (p + 1 < eol && (md[p] == '-' || md[p] == '*' || md[p] == '+') && md[p + 1] == ' ') {
      p += 2;
    } else {
      std::size_t d = p;
      while (d < eol && d - p < 9 && md[d] >= '0' && md[d] <= '9') ++d;
      if (d > p && d + 1 < eol && (md[d] == '.' || md[d] == ')') && md[d + 1] == ' ') p = d + 2;
    }
    if (p + 3 < eol && md[p] == '[' && (md[p + 1] == ' ' || md[p + 1] == 'x' || md[p + 1] == 'X') && md[p + 2] == ']') p += 3;
    while (p < end && md[p] == ' ') ++p;
    // Inline text.
    for (std::size_t k = p; k < end;) {
      char c = md[k];
      if (c == '\\' && k + 1 < end && detail::md_punct(md[k + 1])) {
        out += md[k + 1];
        k += 2;
      } else if (c == '*' || c == '`' || c == '|') {
        if (c == '|') out += ' ';
        ++k;
      } else if (c == '~' && k + 1 < end && md[k + 1] == '~') {
        k += 2;
      } else if (c == '_' && (k == p || k + 1 == end || !detail::md_alnum(md[k - 1]) || !detail::md_alnum(md[k + 1]))) {
        ++k;  // emphasis; an underscore inside a word (snake_case) stays
      } else if (c == '!' && k + 1 < end && md[k + 1] == '[') {
        ++k;
      } else if (c == '[') {
        ++k;
      } else if (c == ']') {
        // "](url)" or "][ref]": the target is dropped, the text was already written.
        ++k;
        if (k < end && (md[k] == '(' || md[k] == '[')) {
          std::size_t close = (md[k] == '(' ? close_paren : close_bracket).find(k);
          if (close != std::string_view::npos && close < end) k = close + 1;
        }
      } else if (c == '<') {
        std::size_t close = close_angle.find(k);
        bool tag = k + 1 < end && (std::isalpha(static_cast<unsigned char>(md[k + 1])) || md[k + 1] == '/' || md[k + 1] == '!');
        if (tag && close != std::string_view::npos && close < end) {
          auto inner = md.substr(k + 1, close - k - 1);
          // An autolink (<https://...>) keeps its address; an HTML tag goes.
          if (inner.find("://") != std::string_view::npos && inner.find(' ') == std::string_view::npos) out.append(inner);
          else out += ' ';
          k = close + 1;
        } else {
          out += c;
          ++k;
        }
      } else if (c == '&') {
        std::size_t semi = semicolon.find(k);
        static constexpr std::pair<std::string_view, std::string_view> entities[] = {
            {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
        bool done = false;
        if (semi != std::string_view::npos && semi < end && semi - k < 8) {
          auto e = md.substr(k, semi - k + 1);
          for (const auto& [name, value] : entities)
            if (e == name) {
              out.append(value);
              k = semi + 1;
              done = true;
              break;
            }
        }
        if (!done) {
          out += c;
          ++k;
        }
      } else {
        out += c;
        ++k;
      }
    }
    // A hard break's trailing spaces and the line end.
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (eol < md.size()) out += '\n';
    i = eol + 1;
  }
  return out;
}

namespace detail {

PBGDPL_DECL bool token_matches(const token& t, const parsed_query& q) {
  for (const auto& term : q.terms)
    for (std::size_t k = 0; k < term.folded.size(); ++k) {
      const auto& f = term.folded[k];
      bool last = k + 1 == term.folded.size();
      if (t.folded == f) return true;
      if (last && term.prefix && t.folded.compare(0, f.size(), f) == 0) return true;
    }
  return false;
}

}  // namespace detail

PBGDPL_DECL std::string snippet(std::string_view text, const parsed_query& q, std::size_t max_tokens) {
  // Only the first few hundred words are looked at: a snippet is read from the top, and folding
  // whole long bodies for 20 results would cost more than the search itself.
  auto toks = tokenize(text, std::max<std::size_t>(max_tokens, 400), false);
  std::size_t first = toks.size();
  for (std::size_t i = 0; i < toks.size(); ++i)
    if (detail::token_matches(toks[i], q)) { first = i; break; }
  std::size_t from = 0;
  if (first < toks.size() && first > max_tokens / 4) from = first - max_tokens / 4;
  std::size_t to = std::min(toks.size(), from + max_tokens);
  std::string out;
  if (toks.empty()) {
    append_html_escaped(out, text.substr(0, std::min<std::size_t>(text.size(), 300)));
    return out;
  }
  std::size_t pos = from == 0 ? 0 : toks[from].begin;
  if (from > 0) out += "… ";
  for (std::size_t i = from; i < to; ++i) {
    append_html_escaped(out, text.substr(pos, toks[i].begin - pos));
    bool hit = detail::token_matches(toks[i], q);
    if (hit) out += "<mark>";
    append_html_escaped(out, text.substr(toks[i].begin, toks[i].end - toks[i].begin));
    if (hit) out += "</mark>";
    pos = toks[i].end;
  }
  if (to < toks.size() || (to > 0 && toks[to - 1].end < text.size() && toks.size() >= 400)) out += " …";
  else append_html_escaped(out, text.substr(pos));
  return out;
}

PBGDPL_DECL double scorer::score(std::string_view title, std::string_view body, int* title_prefix) const {
  if (title_prefix) *title_prefix = 0;
  auto tt = tokenize(title), bt = tokenize(body);
  double s = 0;
  for (const auto& term : q_.terms) {
    int tf = count(tt, term, false), te = count(tt, term, true);
    int bf = count(bt, term, false), be = count(bt, term, true);
    if (tf + bf == 0) return 0;
    s += 4.0 * std::min(tf, 3) + 6.0 * std::min(te, 3) + 1.0 * std::min(bf, 5) + 1.5 * std::min(be, 5);
  }
  std::string tk, fk;
  for (const auto& t : tt) {
    if (!tk.empty()) tk += ' ', fk += ' ';
    tk += t.exact;
    fk += t.folded;
  }
  if (tk == q_.exact_key) s += boost_title_exact;
  else if (fk == q_.folded_key) s += boost_title_folded;
  else if (title_prefix) *title_prefix = title_starts_with_query(tk, q_.exact_key)    ? 2
                                         : title_starts_with_query(fk, q_.folded_key) ? 1
                                                                                       : 0;
  return s;
}

PBGDPL_DECL int scorer::count(const std::vector<token>& toks, const search_term& term, bool exact) {
  const auto& want = exact ? term.exact : term.folded;
  int n = 0;
  if (want.empty() || toks.size() < want.size()) return 0;
  for (std::size_t i = 0; i + want.size() <= toks.size(); ++i) {
    bool ok = true;
    for (std::size_t k = 0; k < want.size() && ok; ++k) {
      const auto& have = exact ? toks[i + k].exact : toks[i + k].folded;
      bool last = k + 1 == want.size();
      ok = have == want[k] || (last && term.prefix && have.compare(0, want[k].size(), want[k]) == 0);
    }
    if (ok) ++n;
  }
  return n;
}

PBGDPL_DECL std::string encode_cursor(std::string_view raw) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) out += hex[c >> 4], out += hex[c & 15];
  return out;
}

PBGDPL_DECL result<std::string> decode_cursor(std::string_view s) {
  auto bad = error(errc::invalid_argument, "/cursor", "Con trỏ phân trang không hợp lệ", "Invalid page cursor");
  if (s.size() % 2 != 0 || s.size() > 4096) return bad;
  std::string out;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); i += 2) {
    int a = nib(s[i]), b = nib(s[i + 1]);
    if (a < 0 || b < 0) return bad;
    out += static_cast<char>(a * 16 + b);
  }
  return out;
}

// Search pages are positions in one ranking: the cursor carries the offset. A page's cost grows
// with its offset (the ranking keeps offset + limit hits), so pages stop at the 1,000th result
// (issue 21): no next cursor beyond it, and a cursor a client wrote for a deeper one is refused.
namespace detail {
inline constexpr std::size_t max_search_offset = 1000;
}

PBGDPL_DECL std::string offset_cursor(std::size_t offset) {
  if (offset >= detail::max_search_offset) return {};
  return encode_cursor("o:" + std::to_string(offset));
}

PBGDPL_DECL result<std::size_t> cursor_offset(std::string_view cursor) {
  if (cursor.empty()) return std::size_t{0};
  auto raw = decode_cursor(cursor);
  if (!raw) return raw.err();
  if (raw->size() < 3 || raw->compare(0, 2, "o:") != 0 || raw->size() > 12)
    return error(errc::invalid_argument, "/cursor", "Con trỏ phân trang không hợp lệ", "Invalid page cursor");
  std::size_t v = 0;
  for (std::size_t i = 2; i < raw->size(); ++i) {
    char c = (*raw)[i];
    if (c < '0' || c > '9') return error(errc::invalid_argument, "/cursor", "Con trỏ phân trang không hợp lệ", "Invalid page cursor");
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  if (v >= detail::max_search_offset)
    return error(errc::invalid_argument, "/cursor", "Chỉ xem được 1.000 kết quả đầu: hãy thêm từ để thu hẹp tìm kiếm",
                 "Only the first 1,000 results can be paged through: add words to narrow the search");
  return v;
}

PBGDPL_DECL result<void> check_limit(std::size_t limit) {
  if (limit == 0 || limit > 100)
    return error(errc::out_of_range, "/limit", "Số kết quả mỗi trang phải từ 1 đến 100", "Page size must be 1 to 100");
  return {};
}

}  // namespace store
PBGDPL_NAMESPACE_END
