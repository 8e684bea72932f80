#pragma once
// The one terminal sanitiser at the output layer. main() installs it on std::cout, std::cerr and
// std::clog before any command runs, for each of them that is a terminal; every byte strata
// prints there passes through it, so a printer that forgets `safe` (output.h) still cannot send
// an escape sequence, a control character or a bidi control from a document, a file, a model
// or a server to the terminal.
//
// What passes: text with \n and \t (llm::TerminalSanitizer removes everything else it lists:
// C0 and C1 controls, \r, ESC sequences, bidi controls and direction marks), and exactly the
// colour codes strata itself paints with (k_colours). A colour code in someone else's text
// therefore passes too: it can only recolour, to one of strata's colours, never move the
// cursor, erase, retitle or hide. The status lines' "\r ESC [K" goes by another way,
// `erase_line`, which writes past the filter and which no text can reach.
//
// Not a terminal: nothing is installed, and bytes go out as written (a pipe or a file gets the
// user's data as it is; `--json` is JSON either way, since its control characters are escaped).
#include <iosfwd>
#include <mutex>
#include <streambuf>
#include <string>
#include <string_view>

#include "llm/public.h"

namespace strata::cli {

// The SGR sequences `paint` writes (output.cpp): reset, bold, dim, green, yellow, bold red; and
// italic and cyan, which chat's Markdown adds (markdown_render.h).
inline constexpr std::string_view k_colour_reset = "\x1b[0m";
inline constexpr std::string_view k_colour_bold = "\x1b[1m";
inline constexpr std::string_view k_colour_dim = "\x1b[2m";
inline constexpr std::string_view k_colour_green = "\x1b[32m";
inline constexpr std::string_view k_colour_yellow = "\x1b[33m";
inline constexpr std::string_view k_colour_bold_red = "\x1b[1;31m";
inline constexpr std::string_view k_colour_italic = "\x1b[3m";
inline constexpr std::string_view k_colour_cyan = "\x1b[36m";
inline constexpr std::string_view k_colours[] = {k_colour_reset,    k_colour_bold,   k_colour_dim,
                                                 k_colour_green,    k_colour_yellow, k_colour_bold_red,
                                                 k_colour_italic,   k_colour_cyan};

// The filter as a function of the bytes written, for the stream buffer and its tests. State
// carries over between pieces (a sequence or a character split across two writes); each line
// ends whatever sequence it left open, so text from one line cannot swallow the next.
class TerminalText {
 public:
  std::string feed(std::string_view piece);
  // Everything held back, made safe (at the end of the output).
  std::string finish();

 private:
  std::string plain(std::string_view text);
  llm::TerminalSanitizer sanitizer_;
  std::string carry_;  // a piece's end that may be the start of a colour code
};

// A std::streambuf that sends what it is given through TerminalText to `to`, unbuffered (so it
// interleaves with anything else written to the same descriptor as before), thread-safe.
class TerminalFilterBuf final : public std::streambuf {
 public:
  explicit TerminalFilterBuf(std::streambuf* to) : to_(to) {}
  ~TerminalFilterBuf() override;
  TerminalFilterBuf(const TerminalFilterBuf&) = delete;
  TerminalFilterBuf& operator=(const TerminalFilterBuf&) = delete;

  // strata's own terminal control ("\r ESC [K"), written past the filter.
  void write_control(std::string_view sequence);
  // Off: bytes pass unchanged (`ask --raw`, the user asking for the model's bytes as they are).
  void set_filtering(bool on);
  std::streambuf* target() const { return to_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool send(const std::string& bytes);
  std::streambuf* to_;
  std::mutex mutex_;
  TerminalText text_;
  bool filtering_ = true;
};

// Installs the filters on std::cout, std::cerr and std::clog where their descriptor is a
// terminal; once (later calls do nothing). The filters are removed, and what they held
// written, when the program exits.
void install_terminal_filters();

// "\r ESC [K": clears the status line on `out` (std::cerr) through the filter's own way.
void erase_line(std::ostream& out);

// `ask --raw`/`chat --raw`: the answer on standard output is not filtered (see TerminalFilterBuf).
void filter_stdout(bool on);

}  // namespace strata::cli
