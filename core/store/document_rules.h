#pragma once
// What a document writer does the same on every backend (backend.h, WriterBackend): which
// put() replaces and which it keeps, and how a document's rows are formed from its record. The
// backends write the rows; the decisions are here, once.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/document_writer.h"

namespace strata::store {

// What put() does with `doc`, given what the store holds under its source (`old`) and the id of
// the writer's chunk configuration: `added` (nothing stored), `unchanged` (the same bytes read
// by the same reader and version, chunked by the same configuration (or no chunks either way),
// the same metadata and title: nothing is touched), `metadata_only` (only the metadata or the
// title differ: the document row alone is updated), else `changed` (the row written and the
// chunks replaced). `force` (--rechunk) replaces the chunks even when the content is the same.
PutResult put_decision(const std::optional<StoredDocument>& old, const DocumentRecord& doc,
                       std::optional<std::int64_t> config_id, bool force);

// A chunk's text: doc.text[start_byte, end_byte).
std::string_view chunk_text(const DocumentRecord& doc, const ChunkRecord& chunk);

// Of a document's title, what the keyword index holds with each chunk (its first
// k_indexed_title_chars characters; the CJK terms of the title are this prefix's).
std::string_view indexed_title(std::string_view title);

// A chunk's section (ChunkRef::section) from its stored heading path (chunks.headings, a JSON
// array of strings) and its document's title: "" for an empty, missing or malformed path.
std::string section_of(std::string_view headings_json, std::string_view title);

// The sources a folder holds, as a range of the (collection, source) index: `folder` itself,
// and from `first` ("folder/") up to `end` ("folder0": '0' is the character after '/'). For
// files_under() and (with an absolute root, on paths) documents_named_apart().
struct SourceRange {
  std::string first;
  std::string end;
};
SourceRange below(const std::string& folder);

}  // namespace strata::store
