// The process's own metrics (http/process_metrics.h): /proc/self/stat read field by field after
// the command's last ')', and the exposition text of a live process.
#include <gtest/gtest.h>

#include <string>

#include "http/process_metrics.h"

namespace strata::http {
namespace {

TEST(HttpProcessMetrics, AStatLineIsReadAfterTheCommandsLastParenthesis) {
  // A command name holding ") (" and spaces, as a process may name itself.
  const std::string stat =
      "4242 (strata) (x y) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 5 0 1000 104857600 2560 "
      "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";
  const std::optional<ProcessStats> s = parse_proc_stat(stat, 1'700'000'000, 100, 4096);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->cpu_seconds, 3.0) << "utime 250 + stime 50 ticks at 100 a second";
  EXPECT_DOUBLE_EQ(s->start_time_seconds, 1'700'000'010.0) << "boot time + starttime 1000 ticks";
  EXPECT_DOUBLE_EQ(s->virtual_bytes, 104857600.0);
  EXPECT_DOUBLE_EQ(s->resident_bytes, 2560.0 * 4096);
  EXPECT_FALSE(parse_proc_stat("4242 (strata S 1 2", 0, 100, 4096)) << "no closing parenthesis";
  EXPECT_FALSE(parse_proc_stat("4242 (strata) S 1 2 3", 0, 100, 4096)) << "too few fields";
}

TEST(HttpProcessMetrics, ALiveProcessHasEveryMetric) {
  const std::string text = process_metrics_text();
  for (const char* name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_virtual_memory_bytes ",
                           "process_start_time_seconds ", "process_open_fds ", "process_max_fds "}) {
    EXPECT_NE(text.find(std::string("\n") + name), std::string::npos) << name << " in:\n" << text;
  }
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
}

}  // namespace
}  // namespace strata::http
