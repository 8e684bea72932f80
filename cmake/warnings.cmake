# Warnings and sanitizers travel on INTERFACE targets so every strata target opts in the same way.
add_library(strata_warnings INTERFACE)
target_compile_options(strata_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${STRATA_WERROR}>:-Werror>)

add_library(strata_sanitizers INTERFACE)
if(STRATA_SANITIZE)
  target_compile_options(strata_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(strata_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
