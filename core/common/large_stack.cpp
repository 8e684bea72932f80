#include "common/large_stack.h"

#include <pthread.h>

#include <cstring>
#include <exception>
#include <string>

#include "common/error.h"

namespace strata {
namespace {

struct StackJob {
  const std::function<void()>* work;
  std::exception_ptr failure;
};

void* run_job(void* arg) {
  auto* job = static_cast<StackJob*>(arg);
  try {
    (*job->work)();
  } catch (...) {
    job->failure = std::current_exception();
  }
  return nullptr;
}

// pthread_attr_t released on every path.
struct ThreadAttributes {
  pthread_attr_t attr{};
  ThreadAttributes() { pthread_attr_init(&attr); }
  ~ThreadAttributes() { pthread_attr_destroy(&attr); }
  ThreadAttributes(const ThreadAttributes&) = delete;
  ThreadAttributes& operator=(const ThreadAttributes&) = delete;
};

}  // namespace

void run_with_stack(std::size_t stack_bytes, const std::function<void()>& work) {
  ThreadAttributes a;
  int rc = pthread_attr_setstacksize(&a.attr, stack_bytes);
  StackJob job{&work, nullptr};
  pthread_t thread{};
  if (rc == 0) rc = pthread_create(&thread, &a.attr, run_job, &job);
  if (rc != 0) {
    throw Error(ExitCode::unavailable, "cannot start a thread with a stack of " + std::to_string(stack_bytes >> 20) +
                                           " MiB: " + std::strerror(rc));
  }
  pthread_join(thread, nullptr);
  if (job.failure) std::rethrow_exception(job.failure);
}

}  // namespace strata
