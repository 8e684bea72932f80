# Fails when a file of core/migrate includes across a line its folders draw (ARCHITECTURE.md,
# core/migrate): model/ includes nothing of migrate outside model/; an engine's folder
# (engines/<engine>/) includes no other engine's (engines/engines.cpp, the engine table, is the
# one file that names them all); outside the engines' folders, only engines/engines.cpp and
# public.h include an engine's file (the rest of migrate asks the engine table); check/ and diff/
# never include each other. Run by the build whenever a file of core/migrate changes
# (core/CMakeLists.txt):
#   cmake -DMIGRATE_DIR=core/migrate -DSTAMP=out.stamp -DFILES="a.cpp;b.h" -P migrate_layers.cmake
set(problems "")
foreach(file IN LISTS FILES)
  file(RELATIVE_PATH rel "${MIGRATE_DIR}" "${file}")
  string(REGEX MATCH "^[a-z_]+/" folder "${rel}")
  string(REGEX MATCH "^engines/[a-z_]+/" engine "${rel}")
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"migrate/")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"migrate/([^\"]+)\".*$" "\\1" header "${line}")
    string(REGEX MATCH "^[a-z_]+/" header_folder "${header}")
    string(REGEX MATCH "^engines/[a-z_]+/" header_engine "${header}")
    if(folder STREQUAL "model/" AND NOT header_folder STREQUAL "model/")
      list(APPEND problems "core/migrate/${rel}: model/ includes nothing of migrate outside it, but this includes migrate/${header}")
    endif()
    if(engine AND header_engine AND NOT header_engine STREQUAL engine)
      list(APPEND problems "core/migrate/${rel}: includes migrate/${header}, another engine's (what engines share goes in engines/)")
    endif()
    if(header_engine AND NOT engine AND NOT rel STREQUAL "engines/engines.cpp" AND NOT rel STREQUAL "public.h")
      list(APPEND problems "core/migrate/${rel}: includes migrate/${header}, an engine's own (only engines/engines.cpp and public.h do: ask the engine table, engines/engines.h)")
    endif()
    if((folder STREQUAL "check/" AND header_folder STREQUAL "diff/") OR (folder STREQUAL "diff/" AND header_folder STREQUAL "check/"))
      list(APPEND problems "core/migrate/${rel}: check/ and diff/ never include each other, but this includes migrate/${header}")
    endif()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n" text)
  message(FATAL_ERROR "${text}")
endif()
file(TOUCH "${STAMP}")
