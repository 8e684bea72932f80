#include "markdown_render.h"

#include <cctype>

#include "terminal_filter.h"

namespace strata::cli {
namespace {

// Bytes a line's start may hold before what the line is becomes clear ("   ### " or "```").
constexpr std::size_t k_max_head = 12;
constexpr std::string_view k_head_chars = " #`~-*+>.0123456789";

bool blank_or_end(char c) { return c == '\0' || std::isspace(static_cast<unsigned char>(c)) != 0; }
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string MarkdownRenderer::feed(std::string_view piece) {
  std::string out;
  for (const char c : sanitizer_.feed(piece)) put(c, out);
  return out;
}

std::string MarkdownRenderer::finish() {
  std::string out;
  for (const char c : sanitizer_.finish()) put(c, out);
  if (line_start_ && !head_.empty()) start_line(out);
  flush_run('\0', out);
  if (styled_) out += k_colour_reset;
  *this = MarkdownRenderer{};
  return out;
}

void MarkdownRenderer::put(char c, std::string& out) {
  if (line_start_) {
    if (c != '\n') {
      head_.push_back(c);
      if (k_head_chars.find(c) == std::string_view::npos || head_.size() >= k_max_head) start_line(out);
      return;
    }
    start_line(out);
  }
  if (c == '\n') {
    flush_run('\n', out);
    return end_line(out);
  }
  if (code_line_) {
    out.push_back(c);
    return;
  }
  inline_char(c, out);
}

// What the line is, from its start: a fence, a line of a code block, a heading, a list item or
// a paragraph's line; then the start is written as such.
void MarkdownRenderer::start_line(std::string& out) {
  line_start_ = false;
  const std::string head = std::move(head_);
  head_.clear();
  const std::size_t indent = head.find_first_not_of(' ');
  const std::string_view rest = indent == std::string::npos ? std::string_view{} : std::string_view(head).substr(indent);
  if (rest.starts_with("```") || rest.starts_with("~~~")) {
    in_fence_ = !in_fence_;
    code_line_ = dim_ = true;
    restyle(out);
    out += head;
    return;
  }
  if (in_fence_) {
    code_line_ = true;
    restyle(out);
    out += head;
    return;
  }
  std::size_t from = 0;
  const std::size_t hashes = rest.find_first_not_of('#');
  if (indent != std::string::npos && hashes >= 1 && hashes <= 6 && hashes < rest.size() && rest[hashes] == ' ') {
    heading_ = true;
    restyle(out);
    from = indent + hashes + 1;
  } else if (rest.size() >= 2 && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+') && rest[1] == ' ') {
    out += head.substr(0, indent) + "\u2022 ";
    from = indent + 2;
  }
  for (std::size_t i = from; i < head.size(); ++i) inline_char(head[i], out);
}

void MarkdownRenderer::inline_char(char c, std::string& out) {
  if (c == '*' || c == '_' || c == '`') {
    if (!run_.empty() && run_[0] != c) flush_run(c, out);
    run_.push_back(c);
    return;
  }
  flush_run(c, out);
  out.push_back(c);
  prev_ = c;
}

// A run of markers, now that the byte after it (`next`, '\0' at the end) is known: CommonMark's
// flanking rules, simplified. An opener has no space after it, a closer none before it; '_'
// inside a word (snake_case) is a letter; in a code span only the closing backticks count.
void MarkdownRenderer::flush_run(char next, std::string& out) {
  if (run_.empty()) return;
  const std::string r = std::move(run_);
  run_.clear();
  const char m = r[0];
  bool toggled = false;
  if (m == '`') {
    if (code_span_ == 0 || code_span_ == r.size()) {
      code_span_ = code_span_ == 0 ? r.size() : 0;
      toggled = true;
    }
  } else if (code_span_ == 0 && r.size() <= 3) {
    const bool closes = !blank_or_end(prev_) && (m == '*' || !word_char(next));
    const bool opens = !blank_or_end(next) && (m == '*' || !word_char(prev_));
    const bool want_bold = r.size() >= 2, want_italic = r.size() != 2;
    const bool on = (!want_bold || bold_) && (!want_italic || italic_);
    const bool off = (!want_bold || !bold_) && (!want_italic || !italic_);
    if (on && closes) {
      if (want_bold) bold_ = false;
      if (want_italic) italic_ = false;
      toggled = true;
    } else if (off && opens) {
      if (want_bold) bold_ = true;
      if (want_italic) italic_ = true;
      toggled = true;
    }
  }
  if (toggled) return restyle(out);
  out += r;
  prev_ = m;
}

void MarkdownRenderer::end_line(std::string& out) {
  if (styled_) out += k_colour_reset;
  out.push_back('\n');
  styled_ = bold_ = italic_ = dim_ = heading_ = code_line_ = false;
  code_span_ = 0;
  line_start_ = true;
  prev_ = ' ';
}

// The codes for the styles now in effect, after a reset (each code alone: the terminal filter
// lets exactly these through, not combinations).
void MarkdownRenderer::restyle(std::string& out) {
  if (styled_) out += k_colour_reset;
  styled_ = false;
  const auto add = [&](bool on, std::string_view code) {
    if (!on) return;
    out += code;
    styled_ = true;
  };
  add(bold_ || heading_, k_colour_bold);
  add(italic_, k_colour_italic);
  add(dim_, k_colour_dim);
  add(code_span_ > 0 || (code_line_ && !dim_), k_colour_cyan);
}

}  // namespace strata::cli
