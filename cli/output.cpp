#include "output.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

namespace strata::cli {

ColorMode parse_color_mode(std::string_view value) {
  if (value == "always") return ColorMode::always;
  if (value == "never") return ColorMode::never;
  return ColorMode::automatic;
}

std::string color_setting(const std::string& own, const CLI::App& app) {
  if (!own.empty()) return own;
  const CLI::Option* top = app.get_option_no_throw("--color");
  return top != nullptr && top->count() > 0 ? top->as<std::string>() : std::string("auto");
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
  const char* code = "";
  switch (tone) {
    case Tone::good: code = "\x1b[32m"; break;
    case Tone::warn: code = "\x1b[33m"; break;
    case Tone::bad: code = "\x1b[1;31m"; break;
    case Tone::dim: code = "\x1b[2m"; break;
    case Tone::bold: code = "\x1b[1m"; break;
    case Tone::plain: break;
  }
  return code + text + "\x1b[0m";
}

void Table::add(std::vector<std::string> row, std::vector<Tone> tones) {
  tones.resize(row.size(), Tone::plain);
  rows_.push_back(std::move(row));
  tones_.push_back(std::move(tones));
}

void Table::print(std::ostream& out, bool color) const {
  std::vector<std::size_t> width(header_.size(), 0);
  for (std::size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  const auto emit = [&](const std::vector<std::string>& row, const std::vector<Tone>* tones) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool last = c + 1 == row.size();
      const Tone tone = tones != nullptr ? (*tones)[c] : Tone::bold;
      line += paint(row[c], tone, color);
      if (!last) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out << line << '\n';
  };
  emit(header_, nullptr);
  for (std::size_t r = 0; r < rows_.size(); ++r) emit(rows_[r], &tones_[r]);
}

void print_error(const std::string& message, const std::string& hint, ColorMode mode) {
  const bool color = color_enabled(mode, STDERR_FILENO);
  std::cerr << "strata: " << paint("error:", Tone::bad, color) << ' ' << message << '\n';
  if (!hint.empty()) std::cerr << "strata: " << paint("hint:", Tone::dim, color) << ' ' << hint << '\n';
}

void print_warning(const std::string& message, ColorMode mode) {
  const bool color = color_enabled(mode, STDERR_FILENO);
  std::cerr << "strata: " << paint("warning:", Tone::warn, color) << ' ' << message << '\n';
}

void print_note(const std::string& message, const OutputOptions& o) {
  if (!o.quiet) std::cerr << message << '\n';
}

}  // namespace strata::cli
