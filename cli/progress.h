#pragma once
// A one-line progress display on stderr, redrawn at most ten times a second, and only when
// stderr is a terminal (never in pipes, logs or CI). Cleared before anything else is printed.
#include <chrono>
#include <cstdint>
#include <string>

namespace strata::cli {

struct ProgressCounts {
  std::uint64_t items_done = 0, items_total = 0;  // totals 0: unknown (no bar, no ETA)
  std::uint64_t bytes_done = 0, bytes_total = 0;
  std::string detail;  // shown at the end of the line, e.g. "manual.pdf page 812/2415"
};

class ProgressLine {
 public:
  // `noun` names the items ("files", "chunks"); disabled unless stderr is a terminal.
  ProgressLine(std::string noun, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(const ProgressCounts& counts);
  // Erases the line, so a message can be printed; the next update draws it again.
  void clear();

  static bool stderr_is_terminal();

 private:
  std::string render(const ProgressCounts& c) const;

  std::string noun_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// "1.5 MB", "820 KB", "12 B": for messages.
std::string human_bytes(std::uint64_t bytes);

}  // namespace strata::cli
