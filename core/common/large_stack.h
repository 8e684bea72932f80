#pragma once
// A thread of its own, with a stack of a known size, for code whose recursion depth the input
// decides: libpg_query writes a parse tree recursively, about 130 bytes of stack per level, and
// 200 KB of `SELECT 1+1+...` (100,000 levels) overflowed the 8 MiB main thread (less on other
// threads). On a stack sized for the largest input the caller admits, that input fits.
#include <cstddef>
#include <functional>

namespace strata {

// Runs `work` on a new thread whose stack holds `stack_bytes`, waits for it, and rethrows what
// it threw. The stack is reserved, not touched: only what the recursion uses is memory.
// Throws Error(unavailable) when the thread cannot be started.
void run_with_stack(std::size_t stack_bytes, const std::function<void()>& work);

}  // namespace strata
