#pragma once
// Printing for every subcommand: colour decisions, tables, messages. Data goes to stdout,
// messages to stderr.
#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

enum class ColorMode { automatic, always, never };

struct OutputOptions {
  ColorMode color = ColorMode::automatic;
  bool quiet = false;
  bool json = false;
};

// "always" and "never" as given to --color; anything else (normally "auto") is automatic.
ColorMode parse_color_mode(std::string_view value);

// True when output to `fd` should be coloured: never with NO_COLOR set (to anything non-empty)
// or --color never; always with --color always; otherwise when `fd` is a terminal.
bool color_enabled(ColorMode mode, int fd);

// The width of the terminal on `fd` (TIOCGWINSZ), else $COLUMNS when it is a number, else 0
// (unknown: do not cut).
std::size_t terminal_columns(int fd);

// Text strata did not write (file names, titles, ids, document text, a server's or SQLite's
// words, values from a file) made safe for a terminal: escape sequences, control characters
// other than \n and \t, and bidi controls removed (llm/sanitize.h). Messages (print_error,
// print_warning, print_note) and table cells pass through it always, whether or not they go to
// a terminal (a log file is read on one later). On a terminal, every byte also passes the
// filter of terminal_filter.h, which a printer cannot forget.
std::string safe(std::string_view text);
// For a value a user is asked to review (strata trust's consent screen, strata config): every
// character a terminal would not show as itself is written out instead of removed, so what
// the user approves is what a model or server will get. Controls as \n, \t, \r, \e, \xHH;
// invisible and direction characters (zero-width, bidi, tags U+E0000-U+E007F, variation
// selectors, soft hyphen) as <U+XXXX>; bytes that are not UTF-8 as \xHH. One line.
std::string revealed(std::string_view text);
// `safe`, and each newline a space: a message is one line. A setting core mentions in it
// (common/setting.h) is written as its flag (setting_flags.h).
std::string safe_line(std::string_view text);
// For data on stdout (chunk text, a schema, a document's text): `safe` when stdout is a
// terminal, else unchanged, so a pipe or a file gets the bytes as they are.
std::string safe_on_stdout(std::string_view text);

enum class Tone { plain, good, warn, bad, dim, bold };
std::string paint(const std::string& text, Tone tone, bool color);

// Cells go through `safe`.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row, std::vector<Tone> tones = {});
  // Columns padded to their widest cell (in terminal columns); the last column is not padded.
  // With `max_width` > 0 every line fits in it: the widest column before the last is cut to
  // leave the last at least a third of the width, then the last is cut (each with "…").
  void print(std::ostream& out, bool color, std::size_t max_width = 0) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<Tone>> tones_;
};

// `strata: error: MESSAGE` on one line, then `strata: hint: …`, a line per line of the hint.
void print_error(const std::string& message, const std::string& hint, ColorMode mode);
void print_warning(const std::string& message, ColorMode mode);
// An informational line on stderr, unless quiet.
void print_note(const std::string& message, const OutputOptions& o);
// "retrying in 2.0 s: <message>", the message made safe: for a retry notice (a line of its own
// in a log, part of the status line on a terminal).
std::string retry_text(const std::string& message, std::chrono::milliseconds wait);
// Writes `s` to stdout; Error(unavailable) when it cannot (a full disk, a closed pipe).
void write_out(std::string_view s);
// "1.25 s".
std::string seconds_text(double s);

}  // namespace strata::cli
