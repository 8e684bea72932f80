#pragma once
// Ingesting one document as every door asks it (an HTTP body, a tool): its source id, its text,
// and optionally a title and metadata, into a collection. It goes through the same run as
// `strata ingest --jsonl` (one record): the same checks, chunking and replacement rules, so a
// document given by a door and the same one given as a JSONL line are stored alike.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ingest/ingest.h"
#include "service/description.h"

namespace strata::service {

inline constexpr Field k_ingest_request_fields[] = {
    {.name = "source",
     .type = Type::string,
     .help = "The document's id in the collection; a document already stored under it is replaced",
     .required = true},
    {.name = "text", .type = Type::string, .help = "The document's text (Markdown when the source ends in .md)", .required = true},
    {.name = "collection", .type = Type::string, .help = k_collection_help},
    {.name = "title", .type = Type::string, .help = "Its title (default: found in the text)"},
    {.name = "metadata",
     .type = Type::object,
     .help = "Its metadata, a JSON object whose top-level keys search's where filters name"},
};
inline constexpr Description k_ingest_request{k_ingest_request_fields};

inline constexpr std::string_view k_ingest_actions[] = {"new", "changed", "unchanged", "skipped", "failed"};
inline constexpr Field k_ingest_result_fields[] = {
    {.name = "collection", .type = Type::string, .required = true},
    {.name = "source", .type = Type::string, .required = true},
    {.name = "action", .type = Type::string, .required = true, .choices = k_ingest_actions},
    {.name = "detail", .type = Type::string, .help = "changed: what changed; failed: why"},
    {.name = "chunks", .type = Type::integer, .required = true},
};
inline constexpr Description k_ingest_result{k_ingest_result_fields};

struct IngestDocumentRequest {
  std::string collection;
  std::string source;
  std::string text;
  std::string title;                 // "" : found in the text
  std::string metadata_json = "{}";  // a JSON object
};
// From JSON arguments; a call that names no collection writes to `collection`. Throws
// Error(usage) naming a bad argument.
IngestDocumentRequest ingest_document_request(const nlohmann::json& arguments, const std::string& collection);

struct IngestDocumentResult {
  std::string collection, source;
  ingest::Action action = ingest::Action::failed;
  std::string detail;
  std::int64_t chunks = 0;
};
// Stores the document through an ingest run of one JSONL record. `base` holds what the door owns
// (the store, its options, chunk settings from configuration, threads); its inputs are replaced.
// Throws as ingest::ingest does (Error(usage) for bad options, Error(unavailable) for the store);
// a document that cannot be stored is a result with action failed.
IngestDocumentResult ingest_document(const IngestDocumentRequest& request, ingest::IngestRequest base);
// `result` as k_ingest_result describes it.
nlohmann::json to_json(const IngestDocumentResult& result);

}  // namespace strata::service
