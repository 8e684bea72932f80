#pragma once
// One reader per format, each turning an open package into HTML parts and a metadata title
// (OfficeRawDocument, see ingest/office_abi.h). Each throws OfficeError saying what is wrong with
// the package; the zip's and the XML parser's caps apply throughout.
#include "ingest/office/zip_archive.h"

namespace strata::ingest::office {

// Markup Compatibility (ECMA-376 part 3): Word and PowerPoint both wrap newer markup in
// mc:AlternateContent with a legacy mc:Fallback copy.
inline constexpr std::string_view k_mc_ns = "http://schemas.openxmlformats.org/markup-compatibility/2006";

// Word (ECMA-376 WordprocessingML, transitional or strict): the main document's paragraphs, in
// order. Headings from paragraph styles ("heading 1"…"heading 9", "Title", or an outline level,
// also through a style's basedOn chain), list items from numbering, tables as tables; text of
// text boxes once (not their legacy fallback copies). Footnotes and endnotes (footnotes.xml,
// endnotes.xml) as PendingNotes places them, marked "[1]", "[2]", … in order of reference;
// pictures' alternative text (wp:docPr title and descr) as image_text. Deleted and moved-away
// revisions, field codes, headers, footers, comments and table-of-contents paragraphs are left
// out.
OfficeRawDocument read_docx(ZipArchive& zip);

// OpenDocument text (ODF 1.x): content.xml's body. text:h headings at their outline level, lists,
// tables; text:note (footnotes and endnotes alike) as PendingNotes places them, marked with the
// note's own citation; a frame's or shape's svg:title and svg:desc as image_text. Tracked
// changes, annotations and generated indexes (tables of contents) are left out. Title:
// meta.xml's dc:title.
OfficeRawDocument read_odt(ZipArchive& zip);

// PowerPoint (PresentationML): one part per slide in presentation order. The title placeholder
// becomes a heading, body placeholders list items, other shapes and tables paragraphs and
// tables, then the slide's speaker notes; slide numbers, dates, headers and footers are left out.
OfficeRawDocument read_pptx(ZipArchive& zip);

// EPUB 2 and 3: the package document named by META-INF/container.xml; its spine's XHTML
// documents in reading order, each as a part (self-closed non-void elements such as <title/>
// rewritten, so an HTML parser reads them as XML meant). Title: the package's first dc:title.
// A spine item that is missing from the zip is left out; a book whose chapters are encrypted
// (DRM) is refused.
OfficeRawDocument read_epub(ZipArchive& zip);

}  // namespace strata::ingest::office
