// Chrome is what comes back with the same text at the same place, page after page: a running
// header, a footer, a folio that counts the pages. A line that merely repeats is not: a manual
// puts "Arguments", "Syntax:" or "#include <R.h>" at the top of many pages by chance, scattered
// through the document (R's reference manual: some 1,700 section headings at a page edge;
// gnuplot's: "Syntax:" 18 times), and a footnote counter at the bottom of consecutive pages
// (4, 5, 6) looks like page numbers for a few pages. So a repeated line must stand on a run of
// pages, and a page number must be the document's numbering, not a short coincidence. Lines
// are compared with their digits folded, so "Page 7" and "Page 8" are one line. Only a few
// lines at each edge are candidates, which keeps a repeated line inside the text (a table
// heading, a code line) safe and the cost at a few hash lookups per page.
#include "ingest/pdf_page_chrome.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/text.h"

namespace strata::ingest {
namespace {

constexpr std::size_t k_edge_lines = 3;  // looked at, at the top and at the bottom of a page
constexpr std::size_t k_min_run = 3;     // a repeated line is chrome on a run of this many pages
constexpr long k_page_reach = 2;         // a page number is confirmed by a page this near
// A page number is the document's numbering when its sequence (number minus page index) covers at
// least this share of the pages: the body's folios do, a footnote counter does not.
constexpr std::size_t k_folio_share = 4;  // one page in four

enum class Edge { top, bottom };

struct EdgeLine {
  std::size_t page = 0;
  std::size_t start = 0, end = 0;  // the line in the page's text, without its '\n'
  Edge edge = Edge::top;
  std::size_t slot = 0;             // lines between it and its edge: 0 for the outermost
  std::string form;                 // digits folded, spaces collapsed; empty: not a candidate
  std::optional<long> number;       // a bare page number's value
  bool chrome = false;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// The line as compared across pages: trimmed, runs of spaces as one space, runs of digits as
// one '0'. Empty for a line too short or without a letter or digit (a lone "}" in code).
std::string form_of(std::string_view line) {
  std::string form;
  bool meaningful = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!form.empty() && form.back() != ' ') form += ' ';
    } else if (is_digit(c)) {
      if (i == 0 || !is_digit(line[i - 1])) form += '0';
      meaningful = true;
    } else {
      form += c;
      meaningful = meaningful || is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80;
    }
  }
  while (!form.empty() && form.back() == ' ') form.pop_back();
  return meaningful && form.size() > 1 ? form : std::string();
}

// "12", "- 12 -", "Page 12", "[12]", "– 12 –": the value; anything else: nullopt.
std::optional<long> page_number(std::string_view line) {
  line = trim(line);
  if (line.size() >= 4 && to_lower(line.substr(0, 4)) == "page") line = trim(line.substr(4));
  static constexpr std::string_view k_marks[] = {"\xE2\x80\x93", "\xE2\x80\x94", "\xC2\xB7", "\xE2\x80\xA2"};
  long value = 0;
  std::size_t digits = 0;
  bool number_done = false;
  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (is_digit(c)) {
      if (number_done || ++digits > 6) return std::nullopt;
      value = value * 10 + (c - '0');
      ++i;
      continue;
    }
    if (digits > 0) number_done = true;
    if (std::string_view(" -|/.()[]<>*~").find(c) != std::string_view::npos) {
      ++i;
      continue;
    }
    const auto mark = std::find_if(std::begin(k_marks), std::end(k_marks),
                                   [&](std::string_view m) { return line.substr(i, m.size()) == m; });
    if (mark == std::end(k_marks)) return std::nullopt;
    i += mark->size();
  }
  if (digits == 0) return std::nullopt;
  return value;
}

// The first and last k_edge_lines non-blank lines of a page; a short page's lines are each
// taken once, as top lines first.
void collect_edges(const std::string& text, std::size_t page, std::vector<EdgeLine>& out) {
  std::vector<EdgeLine> lines;
  std::size_t p = 0;
  while (p <= text.size()) {
    std::size_t e = text.find('\n', p);
    if (e == std::string::npos) e = text.size();
    if (!trim(std::string_view(text).substr(p, e - p)).empty()) {
      EdgeLine line;
      line.page = page;
      line.start = p;
      line.end = e;
      lines.push_back(std::move(line));
    }
    p = e + 1;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool top = i < k_edge_lines;
    if (!top && i + k_edge_lines < lines.size()) continue;
    EdgeLine line = lines[i];
    line.edge = top ? Edge::top : Edge::bottom;
    line.slot = top ? i : lines.size() - 1 - i;
    const std::string_view s = std::string_view(text).substr(line.start, line.end - line.start);
    line.form = form_of(s);
    line.number = page_number(s);
    out.push_back(std::move(line));
  }
}

// The pages of `pages` (sorted, distinct) that lie on a run of k_min_run or more, each page of a
// run at most `gap` pages after the one before.
std::vector<std::size_t> pages_on_runs(const std::vector<std::size_t>& pages, std::size_t gap) {
  std::vector<std::size_t> out;
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= pages.size(); ++i) {
    if (i < pages.size() && pages[i] - pages[i - 1] <= gap) continue;
    if (i - begin >= k_min_run) out.insert(out.end(), pages.begin() + static_cast<long>(begin), pages.begin() + static_cast<long>(i));
    begin = i;
  }
  return out;
}

// Lines whose form stands at the same edge of a run of consecutive pages, or as the outermost
// line of every other page (verso and recto headers differ, and a figure page may have none).
void mark_repeated(std::vector<EdgeLine>& lines) {
  struct Seen {
    std::vector<std::size_t> pages, outermost_pages;  // in page order, each page once
    std::vector<std::size_t> chrome_pages;
  };
  std::unordered_map<std::string, Seen> seen;
  const auto key = [](const EdgeLine& l) { return (l.edge == Edge::top ? 't' : 'b') + l.form; };
  const auto add = [](std::vector<std::size_t>& pages, std::size_t page) {
    if (pages.empty() || pages.back() != page) pages.push_back(page);
  };
  for (const EdgeLine& l : lines) {
    if (l.form.empty()) continue;
    Seen& s = seen[key(l)];
    add(s.pages, l.page);
    if (l.slot == 0) add(s.outermost_pages, l.page);
  }
  for (auto& entry : seen) {
    Seen& s = entry.second;
    s.chrome_pages = pages_on_runs(s.pages, 1);
    const std::vector<std::size_t> alternate = pages_on_runs(s.outermost_pages, 2);
    s.chrome_pages.insert(s.chrome_pages.end(), alternate.begin(), alternate.end());
    std::sort(s.chrome_pages.begin(), s.chrome_pages.end());
  }
  for (EdgeLine& l : lines) {
    if (l.form.empty()) continue;
    const std::vector<std::size_t>& chrome = seen[key(l)].chrome_pages;
    l.chrome = std::binary_search(chrome.begin(), chrome.end(), l.page);
  }
}

// Bare numbers of a page sequence (number minus page index) that covers one page in
// k_folio_share and that a nearby page confirms.
void mark_page_numbers(std::vector<EdgeLine>& lines, std::size_t page_count) {
  std::unordered_map<long, std::vector<std::size_t>> pages_by_shift;  // shift -> page indexes
  for (const EdgeLine& l : lines) {
    if (!l.number) continue;
    std::vector<std::size_t>& pages = pages_by_shift[*l.number - static_cast<long>(l.page)];
    if (pages.empty() || pages.back() != l.page) pages.push_back(l.page);
  }
  const std::size_t min_pages = std::max<std::size_t>(2, (page_count + k_folio_share - 1) / k_folio_share);
  for (EdgeLine& l : lines) {
    if (!l.number) continue;
    const std::vector<std::size_t>& pages = pages_by_shift[*l.number - static_cast<long>(l.page)];
    if (pages.size() < min_pages) continue;
    const auto page = static_cast<long>(l.page);
    l.chrome = l.chrome || std::any_of(pages.begin(), pages.end(), [&](std::size_t other) {
                 const long d = static_cast<long>(other) - page;
                 return d != 0 && d >= -k_page_reach && d <= k_page_reach;
               });
  }
}

std::string without_lines(const std::string& text, const std::vector<const EdgeLine*>& cut) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (const EdgeLine* l : cut) {
    out.append(text, from, l->start - from);
    from = std::min(text.size(), l->end + 1);  // with its line feed
  }
  out.append(text, from, std::string::npos);
  return std::string(trim(out));
}

}  // namespace

std::size_t remove_page_chrome(std::vector<std::string>& pages) {
  if (pages.size() < 2) return 0;
  std::vector<EdgeLine> lines;
  for (std::size_t i = 0; i < pages.size(); ++i) collect_edges(pages[i], i, lines);
  mark_repeated(lines);
  mark_page_numbers(lines, pages.size());

  std::vector<std::string> result(pages.size());
  std::vector<const EdgeLine*> cut;
  std::size_t removed = 0, at = 0;
  bool any_text = false;
  for (std::size_t page = 0; page < pages.size(); ++page) {
    cut.clear();
    for (; at < lines.size() && lines[at].page == page; ++at) {
      if (lines[at].chrome) cut.push_back(&lines[at]);
    }
    removed += cut.size();
    result[page] = cut.empty() ? pages[page] : without_lines(pages[page], cut);
    any_text = any_text || !result[page].empty();
  }
  if (removed == 0 || !any_text) return 0;  // a document of chrome only is kept as it is
  pages = std::move(result);
  return removed;
}

}  // namespace strata::ingest
