#include "output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common/public.h"
#include "llm/public.h"
#include "setting_flags.h"
#include "terminal_filter.h"

namespace strata::cli {

std::string safe(std::string_view text) { return llm::sanitize_for_terminal(text); }

namespace {

bool invisible(char32_t cp) {
  return cp == 0xAD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 || cp == 0x180E ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
         cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0xFFF0 && cp <= 0xFFFB) ||
         (cp >= 0xE0000 && cp <= 0xE0FFF);
}

std::string hex(unsigned value, int digits) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = k_hex[value & 0xf];
  return out;
}

}  // namespace

std::string revealed(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const Utf8Step step = utf8_decode(text);
    if (step.status != Utf8Status::ok) {
      out += "\\x" + hex(static_cast<unsigned char>(text[0]), 2);
      text.remove_prefix(1);
      continue;
    }
    const char32_t cp = step.code_point;
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == 0x1b) {
      out += "\\e";
    } else if (cp < 0x20 || cp == 0x7f) {
      out += "\\x" + hex(static_cast<unsigned>(cp), 2);
    } else if ((cp >= 0x80 && cp <= 0x9f) || invisible(cp)) {
      out += "<U+" + hex(static_cast<unsigned>(cp), cp > 0xFFFF ? 5 : 4) + ">";
    } else {
      out.append(text.substr(0, step.length));
    }
    text.remove_prefix(step.length);
  }
  return out;
}

std::string safe_line(std::string_view text) {
  std::string line = safe(with_flags(text));  // core names settings; the CLI prints them as flags
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

std::string safe_on_stdout(std::string_view text) {
  static const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  return terminal ? safe(text) : std::string(text);
}

ColorMode parse_color_mode(std::string_view value) {
  if (value == "always") return ColorMode::always;
  if (value == "never") return ColorMode::never;
  return ColorMode::automatic;
}

bool color_enabled(ColorMode mode, int fd) {
  if (mode == ColorMode::never) return false;
  if (mode == ColorMode::always) return true;
  if (const char* no = std::getenv("NO_COLOR"); no != nullptr && *no != '\0') return false;
  if (const char* term = std::getenv("TERM"); term != nullptr && std::string(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

std::string paint(const std::string& text, Tone tone, bool color) {
  if (!color || tone == Tone::plain) return text;
  std::string_view code;  // only codes of k_colours: the terminal filter lets those through
  switch (tone) {
    case Tone::good: code = k_colour_green; break;
    case Tone::warn: code = k_colour_yellow; break;
    case Tone::bad: code = k_colour_bold_red; break;
    case Tone::dim: code = k_colour_dim; break;
    case Tone::bold: code = k_colour_bold; break;
    case Tone::plain: break;
  }
  return std::string(code) + text + std::string(k_colour_reset);
}

void Table::add(std::vector<std::string> row, std::vector<Tone> tones) {
  tones.resize(row.size(), Tone::plain);
  for (std::string& cell : row) {
    cell = safe(cell);
    std::replace(cell.begin(), cell.end(), '\n', ' ');  // one row, one line
    std::replace(cell.begin(), cell.end(), '\t', ' ');
  }
  rows_.push_back(std::move(row));
  tones_.push_back(std::move(tones));
}

std::size_t terminal_columns(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const long n = std::strtol(c, nullptr, 10);
    if (n > 0 && n < 100000) return static_cast<std::size_t>(n);
  }
  return 0;
}

void Table::print(std::ostream& out, bool color, std::size_t max_width) const {
  const std::size_t columns = header_.size();
  std::vector<std::size_t> width(columns, 0);
  for (std::size_t c = 0; c < columns; ++c) width[c] = display_width(header_[c]);
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size() && c < columns; ++c) width[c] = std::max(width[c], display_width(row[c]));
  }
  // What the columns before the last take (each with its two spaces), and the last's share.
  std::size_t last_width = 0;
  if (max_width > 0 && columns > 0) {
    std::size_t before = 0;
    for (std::size_t c = 0; c + 1 < columns; ++c) before += width[c] + 2;
    const std::size_t keep_last = std::max<std::size_t>(max_width / 3, 10);
    if (columns > 1 && before + keep_last > max_width) {
      std::size_t widest = 0;
      for (std::size_t c = 1; c + 1 < columns; ++c) widest = width[c] > width[widest] ? c : widest;
      const std::size_t over = before + keep_last - max_width;
      const std::size_t floor = std::max<std::size_t>(display_width(header_[widest]), 8);
      const std::size_t cut = std::min(over, width[widest] > floor ? width[widest] - floor : 0);
      width[widest] -= cut;
      before -= cut;
    }
    last_width = max_width > before ? max_width - before : 1;
  }
  const auto emit = [&](const std::vector<std::string>& row, const std::vector<Tone>* tones) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool last = c + 1 == row.size();
      const Tone tone = tones != nullptr ? (*tones)[c] : Tone::bold;
      const std::size_t room = max_width == 0 ? 0 : last ? last_width : width[c];
      const std::string cell = room > 0 ? fit_to_width(row[c], room) : row[c];
      line += paint(cell, tone, color);
      if (!last) line += std::string(width[c] - std::min(width[c], display_width(cell)) + 2, ' ');
    }
    out << line << '\n';
  };
  emit(header_, nullptr);
  for (std::size_t r = 0; r < rows_.size(); ++r) emit(rows_[r], &tones_[r]);
}

// Each message one line, whatever core put in it (a server's error text may hold a newline and
// then a line of its own that looks like strata's).
void print_error(const std::string& message, const std::string& hint, ColorMode mode) {
  const bool color = color_enabled(mode, STDERR_FILENO);
  std::cerr << "strata: " << paint("error:", Tone::bad, color) << ' ' << safe_line(message) << '\n';
  if (hint.empty()) return;
  // A hint may hold statements to run, each on a line of its own: every line after the first is
  // indented under it and still starts with "strata:", so no line of it can pass for a line of
  // strata's own (an error, a note).
  std::size_t start = 0;
  for (bool first = true; start <= hint.size(); first = false) {
    const std::size_t nl = hint.find('\n', start);
    const std::string line = hint.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    std::cerr << "strata: " << (first ? paint("hint:", Tone::dim, color) + " " : std::string("      ")) << safe_line(line)
              << '\n';
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

void print_warning(const std::string& message, ColorMode mode) {
  const bool color = color_enabled(mode, STDERR_FILENO);
  std::cerr << "strata: " << paint("warning:", Tone::warn, color) << ' ' << safe_line(message) << '\n';
}

void print_note(const std::string& message, const OutputOptions& o) {
  if (!o.quiet) std::cerr << safe_line(message) << '\n';
}

// Through std::cout, so that on a terminal the filter (terminal_filter.h) sees it too; without
// one, std::cout writes straight into stdio's stdout.
void write_out(std::string_view s) {
  if (s.empty()) return;
  std::cout.write(s.data(), static_cast<std::streamsize>(s.size()));
  if (!std::cout) {
    const int err = errno;
    std::cout.clear();
    throw Error(ExitCode::unavailable, std::string("cannot write to standard output: ") + std::strerror(err));
  }
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string retry_text(const std::string& message, std::chrono::milliseconds wait) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(wait.count()) / 1000.0);
  return std::string("retrying in ") + buf + " s: " + safe(with_flags(message));
}

}  // namespace strata::cli
