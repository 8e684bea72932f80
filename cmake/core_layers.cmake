# Fails when a file of core/ includes a header of an area above its own. core's areas are layers,
# lowest first: an area includes its own headers and those of the areas below it, never one
# above (what two areas share goes down to the lower one). Each area is a folder of core/; a
# folder missing from the order fails too, so a new area takes its place here when it is made.
# Run by the build whenever a file of core/ changes (core/CMakeLists.txt), and tested by
# house.core_layers (tests/house/core_layers.sh):
#   cmake -DCORE_DIR=core -DSTAMP=out.stamp -DFILES="a.cpp;b.h" -P core_layers.cmake
set(layers
    common      # errors, text, UTF-8, the project root: product-free helpers
    net         # HTTP, secrets in URLs, which servers may receive them
    http        # an HTTP/1.1 server over a route table (Boost.Beast): knows nothing of the store
    web         # fetching web pages safely: addresses, redirects, limits; crawl scope and robots
    sqlite      # the SQLite connection migrate and the store share
    pq          # the PostgreSQL client (libpq) migrate and the store share
    migrate     # the migration engine and what a database URL is
    tokenizer
    chunk
    store       # the knowledge store, applied by migrate
    config      # strata.toml: values that name stores and databases
    embed
    search
    llm
    ingest
    ask
    auth        # API keys: who may call strata serve, as whom, how often
    service     # what users ask of the store, for every front door
    openai      # OpenAI's API shapes over the service operations, for an HTTP server
    mcp         # `strata mcp`, and the tools `ask --tools` shares with it
    serve)      # `strata serve`: the store's routes over http, on the service operations
list(JOIN layers " < " order)
set(problems "")
foreach(file IN LISTS FILES)
  if(file STREQUAL "")
    continue()
  endif()
  file(RELATIVE_PATH rel "${CORE_DIR}" "${file}")
  string(REGEX MATCH "^[a-z_]+/" area "${rel}")
  if(NOT area)
    continue()  # core/CMakeLists.txt and the like: no area
  endif()
  string(REGEX REPLACE "/$" "" area "${area}")
  list(FIND layers "${area}" rank)
  if(rank EQUAL -1)
    list(APPEND problems "core/${rel}: core/${area} has no place in core's layers: add it to the order in cmake/core_layers.cmake")
    continue()
  endif()
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"(([a-z_]+)/[^\"]*)\".*$" "\\1" header "${line}")
    string(REGEX REPLACE "/.*$" "" header_area "${header}")
    list(FIND layers "${header_area}" header_rank)
    if(header_rank GREATER rank)
      list(APPEND problems "core/${rel}: ${area} includes ${header}, of ${header_area}, an area above it")
    endif()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n" text)
  message(FATAL_ERROR "${text}\ncore's layers, lowest first: ${order}. What two areas share goes down to the lower one.")
endif()
file(TOUCH "${STAMP}")
