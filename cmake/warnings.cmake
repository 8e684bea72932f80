# Warnings and sanitizers travel on INTERFACE targets so every strata target opts in the same way.
add_library(strata_warnings INTERFACE)
target_compile_options(strata_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${STRATA_WERROR}>:-Werror>
  # GCC 12 at -O3 (Release) reports std::string concatenations as overlapping memcpy
  # (GCC bug 105329, a false positive fixed in 13).
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)

add_library(strata_sanitizers INTERFACE)
if(STRATA_SANITIZE)
  target_compile_options(strata_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(strata_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
