#pragma once
// Office documents and e-books: .docx, .odt, .pptx and .epub (the loaders of those names: by
// extension, and zip files whose content says they are one). The strata-office module
// (office_abi.h) unpacks the package into HTML; the HTML loader renders that as markdown-like
// text, so headings are "# " lines the markdown chunking strategy sees, as for HTML files.
#include <optional>
#include <string_view>

#include "ingest/document.h"
#include "ingest/office_abi.h"

namespace strata::ingest {

// "docx", "odt", "pptx" or "epub": the package's extension, for messages and `encoding`.
std::string_view name_of(OfficeFormat format);

// The format whose package `bytes` is, from the content alone: an ODF or EPUB "mimetype" first
// entry, or an OOXML package's main part name (word/document.xml, ppt/presentation.xml) among
// the zip's entry names. nullopt for any other zip and for anything that is not a zip.
std::optional<OfficeFormat> sniff_office_format(std::string_view bytes);

// Text, title and (pptx: one page per slide) page starts of one package. Title: the package's
// metadata title (docProps/core.xml, meta.xml, the OPF's dc:title), else the title the HTML
// loader finds in the first part that has one (its first heading; an EPUB chapter's <title>).
// An empty document is read as empty text. Encoding: name_of(format).
//
// Throws strata::Error(ExitCode::invalid_input) "not a readable .<format>: <why>", where why is
// one line: an empty file; not a zip archive (an OLE2 file is named as a password-protected or
// pre-2007 Office file); a damaged archive or entry; an entry or the whole past `limits` (zip
// bomb?); an encrypted entry; XML that is not well-formed, declares entities or nests deeper than
// 256 elements; a required part that is missing. Throws Error(ExitCode::unavailable) when the
// module cannot be loaded.
LoadedDocument load_office(OfficeFormat format, std::string_view bytes, const OfficeLimits& limits = {});

// The rows of the loader table (loaders.h): load_office with the default limits, and the sniff
// that picks `Format`.
template <OfficeFormat Format>
LoadedDocument load_office_as(std::string_view bytes, const LoadProgress& /*progress*/) {
  return load_office(Format, bytes);
}
template <OfficeFormat Format>
bool looks_like_office(std::string_view bytes) {
  return sniff_office_format(bytes) == Format;
}

}  // namespace strata::ingest
