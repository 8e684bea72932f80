#pragma once
// A model's Markdown answer styled for a terminal, as it streams: headings and **bold** in bold,
// *italic* and _italic_ in italics, `code` and fenced code blocks in cyan (the fence lines dim),
// list bullets as •; the markers of what is styled are left out. The text is the model's, so it
// is sanitised first (llm::TerminalSanitizer: no escape sequence of its own reaches the
// terminal) and only then styled, with the codes the terminal filter lets through
// (terminal_filter.h). Styles end with their line. The caller decides when to use it: on a
// terminal, colour allowed (NO_COLOR, --color), never with --raw.
#include <string>
#include <string_view>

#include "llm/public.h"

namespace strata::cli {

class MarkdownRenderer {
 public:
  // The terminal text for the next piece of the answer. A marker whose meaning the next bytes
  // decide (a '*' that may be "**", the start of a line that may be "```") is held back, at
  // most a few bytes; the rest of a line is written as it comes.
  std::string feed(std::string_view piece);
  // The end of the answer: what was held back, and the styles closed. The renderer is then at
  // the start of a line, outside any code block, ready for more.
  std::string finish();

 private:
  void put(char c, std::string& out);
  void start_line(std::string& out);
  void inline_char(char c, std::string& out);
  void flush_run(char next, std::string& out);
  void end_line(std::string& out);
  void restyle(std::string& out);

  llm::TerminalSanitizer sanitizer_;
  bool line_start_ = true;
  std::string head_;      // the start of a line, until it shows what the line is
  bool in_fence_ = false;  // inside ``` ... ```
  bool code_line_ = false;  // a fence line or a line of a code block: no inline styles
  bool heading_ = false;
  std::string run_;       // a run of '*', '_' or '`' whose meaning the next byte decides
  char prev_ = ' ';       // the last character of the line written (for the emphasis rules)
  bool bold_ = false, italic_ = false, dim_ = false;
  std::size_t code_span_ = 0;  // inside `...`: the length of its backtick run
  bool styled_ = false;   // a style code is in effect on the terminal
};

}  // namespace strata::cli
