#pragma once
// The store's documents as every door asks for them: read part of a document (lines or chunks),
// list the collections, list a collection's documents a page at a time. For each, the request's
// fields with their defaults and limits, the rules that check them, and the result's shape.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "service/description.h"
#include "service/document_range.h"
#include "service/profile.h"
#include "service/search.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/store.h"

namespace strata::service {

// --- read a document --------------------------------------------------------------------------

// A read's default and largest size: enough for a few chunks of a manual, small enough for a
// model's context. A door may cap it lower (ask's read tool: every read stays in the conversation).
inline constexpr std::int64_t k_read_default_bytes = 16000;
inline constexpr std::int64_t k_read_max_bytes = 200000;

inline constexpr Field k_read_request_fields[] = {
    {.name = "source",
     .type = Type::string,
     .help = "The document's source, as search results and list_documents give it",
     .required = true},
    {.name = "collection", .type = Type::string, .help = k_collection_help},
    {.name = "start_line", .type = Type::integer, .help = "First line to return (1-based; default 1)", .minimum = 1},
    {.name = "end_line", .type = Type::integer, .help = "Last line to return (inclusive; default: the end)", .minimum = 1},
    {.name = "first_chunk",
     .type = Type::integer,
     .help = "Instead of lines: the first chunk to return (0-based)",
     .minimum = 0},
    {.name = "last_chunk", .type = Type::integer, .help = "Last chunk to return (inclusive)", .minimum = 0},
    {.name = "max_bytes",
     .type = Type::integer,
     .help = "Largest text to return (default 16000); a longer range is cut at a line and says where to go on",
     .minimum = 1,
     .maximum = k_read_max_bytes},
};
inline constexpr Description k_read_request{k_read_request_fields};

inline constexpr Field k_read_next_fields[] = {
    {.name = "start_line", .type = Type::integer},
    {.name = "first_chunk", .type = Type::integer},
};
inline constexpr Field k_read_result_fields[] = {
    {.name = "collection", .type = Type::string, .required = true},
    {.name = "source", .type = Type::string, .required = true},
    {.name = "title", .type = Type::string, .required = true},
    {.name = "first_line", .type = Type::integer},
    {.name = "last_line", .type = Type::integer},
    {.name = "lines", .type = Type::integer},
    {.name = "first_chunk", .type = Type::integer},
    {.name = "last_chunk", .type = Type::integer},
    {.name = "chunks", .type = Type::integer},
    {.name = "citation", .type = Type::string, .nullable = true},
    {.name = "truncated", .type = Type::boolean, .required = true},
    {.name = "next",
     .type = Type::object,
     .help = "The arguments that read on after a cut range (start_line or first_chunk); null when nothing was cut",
     .required = true,
     .nullable = true,
     .fields = k_read_next_fields},
    {.name = "text", .type = Type::string, .required = true},
};
inline constexpr Description k_read_result{k_read_result_fields};

// A read request, checked: lines or chunks, never both; a range's end not before its start;
// max_bytes at most the caller's cap.
struct ReadRequest {
  std::string source, collection;
  std::optional<std::int64_t> start_line, end_line, first_chunk, last_chunk;
  std::size_t max_bytes = 0;
};
// From JSON arguments; a call that names no collection reads `collection`; max_bytes defaults
// to k_read_default_bytes and is at most `max_bytes` (the door's cap). Throws Error(usage).
ReadRequest read_request(const nlohmann::json& arguments, const std::string& collection, std::size_t max_bytes);

// What a read returned: lines (DocumentPart) or chunks (ChunkPart), as the request asked.
struct ReadResult {
  std::int64_t document_id = 0;
  std::string collection, source, title;
  enum class By { lines, chunks };
  By by = By::lines;
  DocumentPart lines;  // by lines
  ChunkPart chunks;    // by chunks
  // Where a cut read goes on, as its argument ("first_chunk" or "start_line") and value;
  // nullopt when nothing was cut.
  struct ReadOn {
    const char* argument;
    std::int64_t value;
  };
  std::optional<ReadOn> next;
  const std::string& text() const { return by == By::lines ? lines.text : chunks.text; }
};
// "first_chunk 7", "start_line 42": how a caller reads on; "" when nothing was cut.
std::string read_on_text(const ReadResult& read);
// The document `request` names, read. Throws Error(unavailable) for no such document.
ReadResult read_document(store::Store& store, const ReadRequest& request);
// `read` as k_read_result describes it.
nlohmann::json to_json(const ReadResult& read);

// --- list collections -------------------------------------------------------------------------

// A collection and a document as every door shows them (`strata collections --json`, the MCP
// tools, /api/v1): one shape. A caller elsewhere (Door::http) gets null where a caller on this
// machine sees a file's path or the embedding server's URL: neither is the business of a caller
// on another machine.
inline constexpr Field k_embedding_fields[] = {
    {.name = "provider", .type = Type::string, .required = true},
    {.name = "model", .type = Type::string, .required = true},
    {.name = "dimensions", .type = Type::integer, .required = true, .nullable = true},
    {.name = "server", .type = Type::string, .help = "The embedding server's URL, passwords masked (null for a remote caller)",
     .required = true, .nullable = true},
    {.name = "query_prefix", .type = Type::string},
    {.name = "document_prefix", .type = Type::string},
};
inline constexpr Field k_collection_fields[] = {
    {.name = "name", .type = Type::string, .required = true},
    {.name = "documents", .type = Type::integer, .required = true},
    {.name = "chunks", .type = Type::integer, .required = true},
    {.name = "embedded", .type = Type::integer, .help = "Chunks with a vector", .required = true},
    {.name = "embedding_model", .type = Type::string, .help = "The embedding's provider and model, as one text"},
    {.name = "embedding", .type = Type::object, .required = true, .nullable = true, .fields = k_embedding_fields},
    {.name = "bytes", .type = Type::integer, .help = "The documents' sizes in all", .required = true},
    {.name = "chunking", .type = Type::object, .help = "How its documents were chunked", .required = true, .nullable = true},
    {.name = "created_at", .type = Type::string, .required = true},
    {.name = "last_ingested_at", .type = Type::string, .required = true, .nullable = true},
};
inline constexpr Field k_collections_result_fields[] = {
    {.name = "collections", .type = Type::array, .required = true, .fields = k_collection_fields, .items = Type::object},
};
inline constexpr Description k_collections_result{k_collections_result_fields};
// The store's collections, by name. Throws Error(unavailable) for the store's failures.
std::vector<store::CollectionInfo> collections(store::Store& store);
// A JSON text the store keeps (a chunking, a document's metadata, a chunk's headings) as JSON,
// within json_limits' bounds; null when it is not JSON.
nlohmann::json stored_json(const std::string& text);
// A collection as k_collection_fields describe it, for a caller at `door`.
nlohmann::json collection_json(const store::CollectionInfo& collection, Door door);
// `collections` as k_collections_result describes it.
nlohmann::json to_json(const std::vector<store::CollectionInfo>& collections, Door door);
// A request with no fields (list_collections, the migration reports).
inline constexpr Description k_no_arguments{};

// --- list documents ---------------------------------------------------------------------------

inline constexpr std::int64_t k_list_default = 50;
inline constexpr std::int64_t k_list_max = 500;
// A page holds at most about this much of sources, titles, paths and metadata: documents with
// long ones make shorter pages (next_offset goes on), not a reply past the doors' caps.
inline constexpr std::size_t k_list_page_bytes = std::size_t{2} << 20;

inline constexpr Field k_documents_request_fields[] = {
    {.name = "collection", .type = Type::string, .help = k_collection_help},
    {.name = "filter",
     .type = Type::string,
     .help = "Only documents whose source or title contains this text (case-insensitive)"},
    {.name = "offset", .type = Type::integer, .help = "Documents to skip, for paging (default 0)", .minimum = 0},
    {.name = "limit", .type = Type::integer, .help = "At most this many (default 50)", .minimum = 1, .maximum = k_list_max},
};
inline constexpr Description k_documents_request{k_documents_request_fields};

inline constexpr Field k_document_fields[] = {
    {.name = "source", .type = Type::string, .required = true},
    {.name = "path", .type = Type::string, .help = "The file it was read from (null for a remote caller, and for text sent as such)",
     .required = true, .nullable = true},
    {.name = "title", .type = Type::string, .required = true},
    {.name = "loader", .type = Type::string, .required = true},
    {.name = "encoding", .type = Type::string, .required = true},
    {.name = "bytes", .type = Type::integer, .required = true},
    {.name = "chars", .type = Type::integer, .required = true},
    {.name = "chunks", .type = Type::integer, .required = true},
    {.name = "pages", .type = Type::integer, .required = true, .nullable = true},
    {.name = "sha256", .type = Type::string, .required = true},
    {.name = "mtime", .type = Type::string, .required = true, .nullable = true},
    {.name = "ingested_at", .type = Type::string, .required = true},
    {.name = "metadata", .type = Type::object, .required = true, .nullable = true},
};
inline constexpr Field k_documents_result_fields[] = {
    {.name = "collection", .type = Type::string, .required = true},
    {.name = "total", .type = Type::integer, .required = true},
    {.name = "offset", .type = Type::integer, .required = true},
    {.name = "documents", .type = Type::array, .required = true, .fields = k_document_fields, .items = Type::object},
    {.name = "next_offset", .type = Type::integer, .required = true, .nullable = true},
};
inline constexpr Description k_documents_result{k_documents_result_fields};

struct DocumentsRequest {
  std::string collection;
  std::string filter;  // lower-case; "" lists all
  std::int64_t offset = 0;
  std::int64_t limit = k_list_default;
};
// From JSON arguments; a call that names no collection lists `collection`. Throws Error(usage).
DocumentsRequest documents_request(const nlohmann::json& arguments, const std::string& collection);

struct DocumentsPage {
  std::string collection;
  std::int64_t total = 0;  // documents that pass the filter
  std::int64_t offset = 0;
  std::vector<store::DocumentSummary> documents;
  std::optional<std::int64_t> next_offset;  // where the next page starts; nullopt: this was the last
};
// One page of the collection's documents (at most `limit`, and at most about k_list_page_bytes of
// sources and titles). Throws Error(unavailable) for no such collection.
DocumentsPage list_documents(store::Store& store, const DocumentsRequest& request);
// A document as k_document_fields describe it, for a caller at `door`.
nlohmann::json document_json(const store::DocumentSummary& document, Door door);
// `page` as k_documents_result describes it.
nlohmann::json to_json(const DocumentsPage& page, Door door);

}  // namespace strata::service
