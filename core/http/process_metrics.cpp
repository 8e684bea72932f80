#include "http/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace strata::http {

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The system's boot time (/proc/stat's btime), in seconds since the epoch; 0 when not found.
double boot_time() {
  const std::string stat = read_file("/proc/stat");
  const std::size_t at = stat.find("\nbtime ");
  if (at == std::string::npos) return 0;
  double value = 0;
  const char* first = stat.data() + at + 7;
  std::from_chars(first, stat.data() + stat.size(), value);
  return value;
}

// 15 significant digits: a start time in seconds since the epoch keeps its fraction (metrics.cpp's
// 9 digits suit latencies, not this).
std::string full_precision(double v) {
  std::ostringstream s;
  s.precision(15);
  s << v;
  return s.str();
}

void metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + full_precision(value) + "\n";
}

}  // namespace

std::optional<ProcessStats> parse_proc_stat(std::string_view stat, double boot_time_seconds, double ticks_per_second,
                                            double page_bytes) {
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  // Fields after the command: 3 state, 4 ppid, ... 14 utime, 15 stime, 22 starttime, 23 vsize,
  // 24 rss (man 5 proc); fields[0] here is field 3.
  std::vector<double> fields;
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    const std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const std::size_t end = std::min(rest.find(' '), rest.size());
    const std::string_view word = rest.substr(0, end);
    double value = 0;
    std::from_chars(word.data(), word.data() + word.size(), value);  // the state letter reads as 0
    fields.push_back(value);
    rest.remove_prefix(end);
  }
  if (fields.size() < 22) return std::nullopt;
  ProcessStats s;
  s.cpu_seconds = (fields[14 - 3] + fields[15 - 3]) / ticks_per_second;
  s.start_time_seconds = boot_time_seconds + fields[22 - 3] / ticks_per_second;
  s.virtual_bytes = fields[23 - 3];
  s.resident_bytes = fields[24 - 3] * page_bytes;
  return s;
}

std::string process_metrics_text() {
  const std::string stat = read_file("/proc/self/stat");
  if (stat.empty()) return {};
  std::optional<ProcessStats> s = parse_proc_stat(stat, boot_time(), static_cast<double>(sysconf(_SC_CLK_TCK)),
                                                  static_cast<double>(sysconf(_SC_PAGESIZE)));
  if (!s) return {};
  std::error_code ec;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  if (!ec) s->open_fds = static_cast<double>(fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) s->max_fds = static_cast<double>(limit.rlim_cur);
  std::string out;
  metric(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", s->cpu_seconds);
  metric(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", s->resident_bytes);
  metric(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", s->virtual_bytes);
  metric(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
         s->start_time_seconds);
  if (s->open_fds) metric(out, "process_open_fds", "gauge", "Number of open file descriptors.", *s->open_fds);
  if (s->max_fds) metric(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", *s->max_fds);
  return out;
}

}  // namespace strata::http
