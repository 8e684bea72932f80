#pragma once
// A chunk of a stored document, as retrieval hands it on: the one value that travels from the
// store's records (search_store.h, chunk_refs) through search hits (search/searcher.h) to the
// numbered sources of an answer (llm/context_pack.h). A later stage that adds data wraps it
// (a hit adds its score and snippet, a source its number and merged chunk ids) and never copies
// its fields one by one. A value type with no dependencies, so every layer may hold one.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace strata::store {

struct ChunkRef {
  // The chunk. For a source merged from several chunks (llm::Source), its best-ranked one.
  std::int64_t chunk_id = 0;
  std::int64_t document_id = 0;
  std::string source;  // documents.source: what a user recognises (a relative path or a name)
  std::string title;   // documents.title; "" when it has none
  // Where in the document the chunk sits: its heading path (markdown), outermost first, joined
  // by " › ", without a first heading that repeats the title; "" when it has none.
  std::string section;
  std::size_t byte_start = 0, byte_end = 0;         // in the document's loaded text, half-open
  std::size_t line_start = 0, line_end = 0;         // 1-based, inclusive; 0 = unknown
  std::optional<std::size_t> page_start, page_end;  // PDFs, 1-based inclusive; both or neither
  std::string text;                                 // the document's bytes [byte_start, byte_end)
};

}  // namespace strata::store
