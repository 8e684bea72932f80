#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "terminal_filter.h"

namespace strata::cli {
namespace {

constexpr auto k_redraw = std::chrono::milliseconds(100);
constexpr int k_bar_width = 24;

std::string format_fixed(double value, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string((s % 3600) / 60) + "m";
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes >= 1000ULL * 1000 * 1000) return format_fixed(b / 1e9, 2) + " GB";
  if (bytes >= 1000ULL * 1000) return format_fixed(b / 1e6, 1) + " MB";
  if (bytes >= 1000) return format_fixed(b / 1e3, 0) + " KB";
  return std::to_string(bytes) + " B";
}

bool ProgressLine::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressLine::ProgressLine(std::string noun, bool enabled)
    : noun_(std::move(noun)), enabled_(enabled && stderr_is_terminal()), start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(const ProgressCounts& counts) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < k_redraw) return;
  last_ = now;
  erase_line(std::cerr);
  std::cerr << render(counts) << std::flush;
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  erase_line(std::cerr);
  drawn_ = false;
}

std::string ProgressLine::render(const ProgressCounts& c) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(c.bytes_done) / elapsed : 0;
  std::string line;
  if (c.items_total > 0) {
    const double done = static_cast<double>(c.items_done) / static_cast<double>(c.items_total);
    const int filled = static_cast<int>(done * k_bar_width);
    line += "[" + std::string(static_cast<std::size_t>(filled), '#') +
            std::string(static_cast<std::size_t>(k_bar_width - filled), ' ') + "] ";
    line += std::to_string(c.items_done) + "/" + std::to_string(c.items_total) + " " + noun_;
  } else {
    line += std::to_string(c.items_done) + " " + noun_;
  }
  line += "  " + human_bytes(c.bytes_done);
  if (c.bytes_total > 0) line += "/" + human_bytes(c.bytes_total);
  if (elapsed > 0.2) line += "  " + human_bytes(static_cast<std::uint64_t>(rate)) + "/s";
  if (c.bytes_total > c.bytes_done && rate > 0 && elapsed > 1.0) {
    line += "  ETA " + duration_text(static_cast<double>(c.bytes_total - c.bytes_done) / rate);
  }
  if (!c.detail.empty()) line += "  " + c.detail;
  return line;
}

}  // namespace strata::cli
