# Warnings and sanitizers travel on INTERFACE targets so every strata target opts in the same way.
add_library(strata_warnings INTERFACE)
target_compile_options(strata_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  # GCC 12 at -O3 (Release) reports -Wrestrict and -Wmaybe-uninitialized inside libstdc++'s own
  # std::string and std::optional code (GCC bugs 105329, 105562: false positives in inlined
  # library code). CI builds RelWithDebInfo (-O2), where both stay on.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Release>>:-Wno-restrict>
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Release>>:-Wno-maybe-uninitialized>
  $<$<BOOL:${STRATA_WERROR}>:-Werror>
  # STRATA_DEBUG_LINES: debug information as line tables and function names only (-g1, after the
  # build type's -g), for a build that is tested and packaged but never stepped through in a
  # debugger (CI's release build; the package is stripped either way, and -g changes no code).
  # A unity file of core compiled in 28.6 s at -O2 -g1 against 39.8 s at -O2 -g, into an
  # object a quarter the size.
  $<$<BOOL:${STRATA_DEBUG_LINES}>:-g1>)

add_library(strata_sanitizers INTERFACE)
if(STRATA_SANITIZE)
  # A Debug build is optimised a little (-O1, as the ASan documentation advises): the
  # instrumented binary at -O0 ran the end-to-end suites about twice as slowly.
  # At -O1 with the sanitizers GCC 12 reports -Wmaybe-uninitialized inside libstdc++'s own
  # std::regex and std::function code (as at -O3, see above); the release build keeps the
  # warning on for strata's code.
  # Debug information as line tables and function names only (-g1, after the build type's -g):
  # all a sanitizer's stack trace prints. Full -g made each unity file of the unit tests compile
  # a third more slowly (84 s against 63 s) into objects twice as large.
  # The tests' own code (targets with STRATA_TEST_CODE set: tests/CMakeLists.txt) stays at -O0:
  # it is a third of what the build compiles, and runs little of the time.
  target_compile_options(strata_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
    $<$<AND:$<CONFIG:Debug>,$<NOT:$<BOOL:$<TARGET_PROPERTY:STRATA_TEST_CODE>>>>:-O1> -g1
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Debug>>:-Wno-maybe-uninitialized>)
  # Linked as a position-dependent executable: as PIE, the instrumented binary's million
  # relative relocations (UBSan's per-check data) were applied at every start, 0.2 s of page
  # faults per process, and the end-to-end suites start strata tens of thousands of times.
  target_link_options(strata_sanitizers INTERFACE -fsanitize=address,undefined -no-pie)
endif()
# ThreadSanitizer cannot share a process with ASan, so it is its own configuration (CI builds it
# into build-tsan and runs the concurrent paths: embed's request workers, ingest's --threads).
if(STRATA_TSAN)
  if(STRATA_SANITIZE)
    message(FATAL_ERROR "STRATA_TSAN and STRATA_SANITIZE cannot be combined (TSan and ASan exclude each other)")
  endif()
  # GCC warns (-Wtsan) that TSan does not model std::atomic_thread_fence, which Asio's handler
  # blocks use (core/http); Asio's handoffs between threads go through its mutexes, which TSan does
  # model, so the warning is silenced rather than the fences removed.
  target_compile_options(strata_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer -g1
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  target_link_options(strata_sanitizers INTERFACE -fsanitize=thread)
endif()
