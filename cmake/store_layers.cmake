# Fails when a file of core/store includes across a line its folders draw (core/store/backend.h):
# a backend's folder (sqlite/, postgres/, ...) includes the store's own headers and its own files,
# never another backend's; outside the backends' folders, only backends.cpp (the table that picks
# a store's backend) includes a backend's file, and no file branches on the store's kind
# (`StoreKind::` outside store.h and backends.cpp: ask the Backend instead). Run by the build
# whenever a file of core/store changes (core/CMakeLists.txt):
#   cmake -DSTORE_DIR=core/store -DSTAMP=out.stamp -DFILES="a.cpp;b.h" -P store_layers.cmake
set(problems "")
foreach(file IN LISTS FILES)
  file(RELATIVE_PATH rel "${STORE_DIR}" "${file}")
  string(REGEX MATCH "^[a-z_]+/" backend "${rel}")
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"store/")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"store/([^\"]+)\".*$" "\\1" header "${line}")
    string(REGEX MATCH "^[a-z_]+/" header_backend "${header}")
    if(backend AND header_backend AND NOT header_backend STREQUAL backend)
      list(APPEND problems "core/store/${rel}: includes store/${header}, another backend's (what backends share goes in core/store, above them)")
    endif()
    if(header_backend AND NOT backend AND NOT rel STREQUAL "backends.cpp")
      list(APPEND problems "core/store/${rel}: includes store/${header}, a backend's own (only backends.cpp does: ask the store's Backend, backend.h)")
    endif()
  endforeach()
  if(NOT rel STREQUAL "store.h" AND NOT rel STREQUAL "backends.cpp" AND NOT rel STREQUAL "backends.h")
    file(STRINGS "${file}" kinds REGEX "StoreKind::")
    if(kinds)
      list(APPEND problems "core/store/${rel}: names StoreKind:: (only the backend table does: ask the store's Backend, backend.h)")
    endif()
  endif()
endforeach()
if(problems)
  list(JOIN problems "\n" text)
  message(FATAL_ERROR "${text}")
endif()
file(TOUCH "${STAMP}")
