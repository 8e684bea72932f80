#pragma once
// The process's own metrics in Prometheus' text format, with the names every Prometheus client
// library gives them (process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds),
// read from /proc at each scrape. On a system without /proc, nothing.
#include <optional>
#include <string>
#include <string_view>

namespace strata::http {

struct ProcessStats {
  double cpu_seconds = 0;           // user + system time
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;    // since the Unix epoch
  std::optional<double> open_fds;   // entries of /proc/self/fd
  std::optional<double> max_fds;    // the soft limit of open files
};

// /proc/self/stat's line (`stat`) and /proc/stat's btime read into ProcessStats; nullopt when the
// line does not read (its command name, in parentheses, may hold anything: the fields are counted
// from the last ')'). Exposed for tests.
std::optional<ProcessStats> parse_proc_stat(std::string_view stat, double boot_time_seconds, double ticks_per_second,
                                            double page_bytes);

// The current process's metrics as exposition text ("" without /proc).
std::string process_metrics_text();

}  // namespace strata::http
