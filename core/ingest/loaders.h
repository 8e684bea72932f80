#pragma once
// The loader table: one row per loader (k_loaders in loaders.cpp), the only place that knows a
// loader's name, extensions, content sniff, load function, version and whether its text has
// markdown structure. Everything else holds a LoaderKind and asks the row; the name is read and
// written only at the edges (--loader, the store's documents.loader, JSON).
//
// What each loader makes of a file is in its own header (text_loader.h, markdown_loader.h,
// html_loader.h, pdf_loader.h, office_loader.h); the "converter" row reads an external
// converter's output (external_converter.h) and is not a --loader choice.
//
// A new loader is its file (a pair: foo_loader.h declares the load function and any sniff,
// foo_loader.cpp defines them and includes document.h, not loader.h), one LoaderKind value
// (document.h, before converter) and its row in k_loaders at the same place. The dispatcher,
// --loader's choices and messages, chunking and the store's version check read the row, and the
// completion scripts and strata-ingest(1)'s OPTIONS are generated from --loader's choices.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/document.h"

namespace strata::ingest {

struct Loader {
  LoaderKind kind;
  std::string_view name;                         // --loader NAME, documents.loader, JSON
  std::span<const std::string_view> extensions;  // lower case, without the dot; each in one row only
  std::span<const std::string_view> file_names;  // whole file names that pick it (lower case): Makefile
  // Content detection for a name that says nothing (no or an unknown extension); nullptr: never
  // picked by content. Rows are asked in table order; no match is text.
  bool (*sniff)(std::string_view bytes);
  // Never nullptr. Throws strata::Error(invalid_input) for a document it cannot read; the
  // dispatcher sets the result's `loader`.
  LoadedDocument (*load)(std::string_view bytes, const LoadProgress& progress);
  // The version of what this loader makes of a file, stored with each document
  // (documents.loader_version). It goes up when a release changes the text a loader produces
  // for the same bytes (html 2: page chrome dropped and lines cited in the source file; pdf 2:
  // running headers and footers dropped; docx 2 and odt 2: footnotes, endnotes and image
  // descriptions read), so that `strata ingest` reads an unchanged file again
  // when its document was made by an older version.
  std::int64_t version;
  // Text with headings as "# " lines, so that the "auto" chunking strategy picks the markdown one.
  bool markdown_structure;
  // Binary by nature (pdf, the zip packages): read without the dispatcher's binary-content test.
  bool binary;
  // Accepted by --loader (IngestRequest::loader); "converter" is not.
  bool selectable;
};

// Every row, in table order: the order of loader_names() and of content sniffing.
std::span<const Loader> loaders();

// The row of `kind`.
const Loader& loader(LoaderKind kind);

// The loader's name: "markdown" for LoaderKind::markdown.
std::string_view to_string(LoaderKind kind);

// The row whose name is `name`, any row ("converter" too): for a name read back from the store.
// nullptr for a name this release does not know.
const Loader* find_loader(std::string_view name);

// The kind --loader NAME names: selectable rows only, compared exactly ("Markdown" is not one).
std::optional<LoaderKind> parse_loader(std::string_view name);

// True for the names parse_loader accepts, so the CLI can reject a bad --loader before reading
// any file.
bool is_loader_name(std::string_view name);

// The names parse_loader accepts, in table order: --loader's choices.
std::vector<std::string> loader_choices();

// "text, markdown, html, pdf, code, docx, odt, pptx or epub": for messages.
std::string loader_names();

}  // namespace strata::ingest
