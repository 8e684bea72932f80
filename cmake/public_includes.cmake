# Fails when a program's file includes a core header other than an area's public.h (core's public
# face, as leveldb's include/ and zstd's lib/zstd.h are; ARCHITECTURE.md "Core's public face").
# Run by the build whenever a checked file changes (cli/CMakeLists.txt):
#   cmake -DCORE_DIR=core -DSTAMP=out.stamp -DFILES="a.cpp;b.h" -P public_includes.cmake
set(problems "")
foreach(file IN LISTS FILES)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*$" "\\1" header "${line}")
    if(EXISTS "${CORE_DIR}/${header}" AND NOT header MATCHES "^[a-z_]+/public\\.h$")
      string(REGEX REPLACE "^([a-z_]+)/.*$" "\\1" area "${header}")
      list(APPEND problems "${file}: includes core/${header}, which is core/${area}'s own: include \"${area}/public.h\" (add the header there if programs need it)")
    endif()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n" text)
  message(FATAL_ERROR "${text}")
endif()
file(TOUCH "${STAMP}")
