// common/large_stack.h: work run on a thread with a stack of its own size, its exceptions passed
// back; common/line_counter.h's LineCounter, which counts each byte once for offsets in order.
#include "common/large_stack.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "common/error.h"
#include "common/line_counter.h"
#include "common/text.h"

namespace strata {
namespace {

// Recursion that needs about `levels` kilobytes of stack.
// The frame is read after the call returns, so the call cannot become a loop.
std::size_t recurse(std::size_t levels) {
  volatile char frame[1024];
  frame[0] = 1;
  const std::size_t below = levels == 0 ? 0 : recurse(levels - 1);
  return below + static_cast<std::size_t>(frame[0]);
}

TEST(LargeStack, RunsWhatTheCallersStackCouldNotHold) {
  std::size_t depth = 0;
  // 32 MiB of frames: beyond the 8 MiB of a main thread, within the 64 MiB asked for.
  run_with_stack(std::size_t{64} << 20, [&] { depth = recurse(32 * 1024); });
  EXPECT_EQ(depth, 32U * 1024U + 1U);
  // Another thread than the caller's.
  std::thread::id inside;
  run_with_stack(std::size_t{1} << 20, [&] { inside = std::this_thread::get_id(); });
  EXPECT_NE(inside, std::this_thread::get_id());
}

TEST(LargeStack, WhatTheWorkThrowsReachesTheCaller) {
  EXPECT_THROW(run_with_stack(std::size_t{1} << 20, [] { throw Error(ExitCode::invalid_input, "bad"); }), Error);
  EXPECT_THROW(run_with_stack(std::size_t{1} << 20, [] { throw std::runtime_error("x"); }), std::runtime_error);
}

TEST(LineCounter, SameLinesAsPositionOfInAnyOrder) {
  const std::string text = "a\nbb\n\nccc\nd";
  LineCounter lines(text);
  for (std::size_t offset : {0U, 1U, 2U, 5U, 6U, 6U, 10U, 11U, 40U, 3U, 0U, 9U}) {
    EXPECT_EQ(lines.line_of(offset), position_of(text, offset).line) << "offset " << offset;
  }
}

}  // namespace
}  // namespace strata
