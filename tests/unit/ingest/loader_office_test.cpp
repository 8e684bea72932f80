// docx, odt, pptx, epub: structure kept as markdown-like text, metadata titles, routing by name
// and by content, and the packages we refuse (zip bombs, broken zips, entity bombs, deep XML).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "ingest/chunk_settings.h"
#include "ingest/html_loader.h"
#include "ingest/loader.h"
#include "ingest/office_loader.h"
#include "test_util.h"
#include "zip_writer.h"

namespace strata::ingest {
namespace {

using strata::testing::deflate_zeros;
using strata::testing::error_of;
using strata::testing::make_zip;
using strata::testing::ZipEntry;

const std::string k_w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const std::string k_rels_ns = "http://schemas.openxmlformats.org/package/2006/relationships";
const std::string k_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

std::string rels(const std::vector<std::pair<std::string, std::string>>& typed_targets) {
  std::string out = "<Relationships xmlns=\"" + k_rels_ns + "\">";
  int id = 1;
  for (const auto& [type, target] : typed_targets) {
    out += "<Relationship Id=\"rId" + std::to_string(id++) + "\" Type=\"" + type + "\" Target=\"" + target + "\"/>";
  }
  return out + "</Relationships>";
}

std::string core(const std::string& title) {
  return "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>" + title + "</dc:title></cp:coreProperties>";
}

std::string paragraph(const std::string& text, const std::string& style = "", bool numbered = false) {
  std::string ppr;
  if (!style.empty() || numbered) {
    ppr = "<w:pPr>" + (style.empty() ? "" : "<w:pStyle w:val=\"" + style + "\"/>") +
          (numbered ? "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>" : "") + "</w:pPr>";
  }
  return "<w:p>" + ppr + "<w:r><w:t xml:space=\"preserve\">" + text + "</w:t></w:r></w:p>";
}

std::string document(const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"" + k_w + "\"><w:body>" + body +
         "</w:body></w:document>";
}

// A Word package: [Content_Types].xml, the package relationships, the main document, its styles
// and the core properties, as Word lays them out.
std::string docx(const std::string& document_xml, const std::string& styles_xml = "", const std::string& title = "",
                 bool deflate = true, const std::vector<ZipEntry>& extra = {}) {
  std::vector<ZipEntry> entries = {
      {"[Content_Types].xml",
       "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override "
       "PartName=\"/word/document.xml\" ContentType=\"application/"
       "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
       deflate},
      {"_rels/.rels",
       rels({{k_type + "officeDocument", "word/document.xml"},
             {"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
              "docProps/core.xml"}}),
       deflate},
      {"word/document.xml", document_xml, deflate},
  };
  if (!styles_xml.empty()) {
    entries.push_back({"word/_rels/document.xml.rels", rels({{k_type + "styles", "styles.xml"}}), deflate});
    entries.push_back({"word/styles.xml", styles_xml, deflate});
  }
  if (!title.empty()) entries.push_back({"docProps/core.xml", core(title), deflate});
  entries.insert(entries.end(), extra.begin(), extra.end());
  return make_zip(entries);
}

std::string style(const std::string& id, const std::string& name, const std::string& extra = "") {
  return "<w:style w:type=\"paragraph\" w:styleId=\"" + id + "\"><w:name w:val=\"" + name + "\"/>" + extra + "</w:style>";
}

std::string styles(const std::string& inner) { return "<w:styles xmlns:w=\"" + k_w + "\">" + inner + "</w:styles>"; }

LoadedDocument load(const std::string& bytes, const std::string& name) {
  LoadResult r = load_document(bytes, name);
  EXPECT_TRUE(r.document.has_value()) << r.skipped_reason;
  return r.document ? *r.document : LoadedDocument{};
}

// What the HTML loader makes of `html`: a package must read exactly as its HTML equivalent, so
// these tests say what structure is kept, not how the HTML loader spaces it.
std::string as_html(const std::string& html) { return load_html(html).text; }

std::string failure(OfficeFormat format, const std::string& bytes, const OfficeLimits& limits = {}) {
  const Error e = error_of([&] { load_office(format, bytes, limits); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  return e.what();
}

// ---- docx ---------------------------------------------------------------------------------

TEST(OfficeDocx, HeadingsListsAndTablesBecomeMarkdownLikeText) {
  const std::string body = paragraph("Sample heading", "Heading1") + paragraph("First paragraph.") +
                           paragraph("Second section", "Heading2") + paragraph("alpha item", "", true) +
                           paragraph("bravo item", "", true) + "<w:tbl><w:tr><w:tc>" + paragraph("charlie") +
                           "</w:tc><w:tc>" + paragraph("delta") + "</w:tc></w:tr></w:tbl>";
  const std::string s = styles(style("Heading1", "heading 1") + style("Heading2", "heading 2"));
  const LoadedDocument d = load(docx(document(body), s, "The title"), "report.docx");
  EXPECT_EQ(d.loader, LoaderKind::docx);
  EXPECT_EQ(d.encoding, "docx");
  EXPECT_EQ(d.title, "The title");
  EXPECT_EQ(d.text, as_html("<h1>Sample heading</h1><p>First paragraph.</p><h2>Second section</h2><ul><li>alpha "
                            "item</li><li>bravo item</li></ul><table><tr><td>charlie</td><td>delta</td></tr></table>"));
  EXPECT_TRUE(d.text.starts_with("# Sample heading\n")) << d.text;
  EXPECT_NE(d.text.find("\n## Second section\n"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("charlie | delta"), std::string::npos) << d.text;
}

TEST(OfficeDocx, HeadingStylesAreFoundByNameAndOutlineLevelNotById) {
  // A German Word names its style ids after the UI ("berschrift1"); the name stays "heading 1".
  // A custom style inherits the outline level of the style it is based on.
  const std::string s = styles(style("berschrift1", "heading 1") +
                               style("Chapter", "Chapter", "<w:basedOn w:val=\"berschrift1\"/>") +
                               style("Lvl", "Level", "<w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr>") +
                               style("Sub", "Subtitle", "<w:basedOn w:val=\"Title\"/>") + style("Title", "Title") +
                               style("TOC1", "toc 1"));
  const std::string body = paragraph("Contents entry", "TOC1") + paragraph("Einleitung", "berschrift1") +
                           paragraph("Custom", "Chapter") + paragraph("Deep", "Lvl") + paragraph("Not a title", "Sub");
  const LoadedDocument d = load(docx(document(body), s), "de.docx");
  EXPECT_EQ(d.text, "# Einleitung\n\nCustom\n\n### Deep\n\nNot a title");
  EXPECT_EQ(d.title, "Einleitung");  // no core properties: the first heading
}

TEST(OfficeDocx, WithoutStylesWordsOwnIdsStillMakeHeadings) {
  const LoadedDocument d = load(docx(document(paragraph("Top", "Heading1") + paragraph("Body"))), "plain.docx");
  EXPECT_EQ(d.text, "# Top\n\nBody");
}

TEST(OfficeDocx, RevisionsFieldCodesAndFallbackCopiesAreLeftOut) {
  const std::string body =
      "<w:p><w:r><w:t>kept </w:t></w:r><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>"
      "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>text</w:t></w:r></w:p>"
      "<w:p><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
      "<mc:Choice Requires=\"wps\"><w:r><w:txbxContent>" + paragraph("In a text box") +
      "</w:txbxContent></w:r></mc:Choice><mc:Fallback><w:r><w:txbxContent>" + paragraph("In a text box") +
      "</w:txbxContent></w:r></mc:Fallback></mc:AlternateContent><w:r><w:t>after the box</w:t></w:r></w:p>";
  const LoadedDocument d = load(docx(document(body)), "r.docx");
  EXPECT_EQ(d.text, "kept text\n\nIn a text box\n\nafter the box");
}

TEST(OfficeDocx, MarkupInTextIsTextAndLineBreaksStay) {
  const std::string body = "<w:p><w:r><w:t>a &lt;b&gt; &amp; c</w:t><w:br/><w:t>next line</w:t></w:r></w:p>";
  EXPECT_EQ(load(docx(document(body)), "m.docx").text, "a <b> & c\nnext line");
}

TEST(OfficeDocx, StoredAndDeflatedPackagesReadTheSame) {
  const std::string doc = document(paragraph("Same text"));
  EXPECT_EQ(load(docx(doc, "", "", false), "a.docx").text, load(docx(doc, "", "", true), "a.docx").text);
}

TEST(OfficeDocx, AnEmptyDocumentIsEmptyText) {
  const LoadedDocument d = load(docx(document("")), "empty.docx");
  EXPECT_EQ(d.text, "");
  EXPECT_EQ(d.loader, LoaderKind::docx);
}

TEST(OfficeDocx, FootnotesEndnotesAndImageDescriptionsAreText) {
  const std::string run = "<w:r><w:t xml:space=\"preserve\">";
  const std::string wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
  const std::string body =
      "<w:p>" + run + "Migrations run in order</w:t></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r>" + run +
      ".</w:t></w:r></w:p>" + paragraph("Next paragraph.") +
      "<w:tbl><w:tr><w:tc><w:p>" + run + "cell</w:t></w:r><w:r><w:footnoteReference w:id=\"3\"/></w:r></w:p></w:tc>"
      "</w:tr></w:tbl>" +
      "<w:p>" + run + "See the appendix</w:t></w:r><w:r><w:endnoteReference w:id=\"1\"/></w:r></w:p>"
      "<w:p><w:r><w:drawing><wp:inline xmlns:wp=\"" + wp + "\"><wp:docPr id=\"1\" name=\"Picture 1\" "
      "title=\"Schema diagram\" descr=\"Tables users and orders joined by user_id\"/></wp:inline></w:drawing></w:r></w:p>";
  const std::string footnotes =
      "<w:footnotes xmlns:w=\"" + k_w + "\"><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/>"
      "</w:r></w:p></w:footnote><w:footnote w:id=\"2\"><w:p><w:r><w:footnoteRef/></w:r>" + run +
      " The quokka rule applies.</w:t></w:r></w:p></w:footnote><w:footnote w:id=\"3\"><w:p>" + run +
      "Note in a table.</w:t></w:r></w:p></w:footnote></w:footnotes>";
  const std::string endnotes = "<w:endnotes xmlns:w=\"" + k_w + "\"><w:endnote w:id=\"1\"><w:p>" + run +
                               "Endnote about wombats.</w:t></w:r></w:p></w:endnote></w:endnotes>";
  const LoadedDocument d = load(docx(document(body), "", "", true,
                                     {{"word/footnotes.xml", footnotes, true}, {"word/endnotes.xml", endnotes, true}}),
                                "notes.docx");
  EXPECT_EQ(d.text, as_html("<p>Migrations run in order[1].</p><p>[1] The quokka rule applies.</p>"
                            "<p>Next paragraph.</p><table><tr><td>cell[2]</td></tr></table><p>[2] Note in a table.</p>"
                            "<p>See the appendix[3]</p><p>[3] Endnote about wombats.</p>"
                            "<p>[image: Schema diagram. Tables users and orders joined by user_id]</p>"));
}

// ---- odt ----------------------------------------------------------------------------------

const std::string k_odf_ns =
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"";

std::string odt(const std::string& body, const std::string& title = "", const std::string& automatic_styles = "") {
  std::vector<ZipEntry> entries = {
      {"mimetype", "application/vnd.oasis.opendocument.text"},
      {"content.xml", "<office:document-content " + k_odf_ns + "><office:automatic-styles>" + automatic_styles +
                          "</office:automatic-styles><office:body><office:text>" + body +
                          "</office:text></office:body></office:document-content>",
       true},
  };
  if (!title.empty()) {
    entries.push_back({"meta.xml",
                       "<office:document-meta " + k_odf_ns + "><office:meta><dc:title>" + title +
                           "</dc:title></office:meta></office:document-meta>",
                       true});
  }
  return make_zip(entries);
}

TEST(OfficeOdt, HeadingsListsTablesAndSpacesAndNotesAfterTheirParagraph) {
  const std::string body =
      "<text:h text:outline-level=\"1\">Sample heading</text:h>"
      "<text:p>First<text:s/>paragraph<text:note><text:note-citation>1</text:note-citation><text:note-body>"
      "<text:p>A footnote.</text:p></text:note-body></text:note>.</text:p>"
      "<text:table-of-content><text:index-body><text:p>Sample heading 1</text:p></text:index-body></text:table-of-content>"
      "<text:h text:outline-level=\"2\">Second section</text:h>"
      "<text:list><text:list-item><text:p>alpha item</text:p></text:list-item>"
      "<text:list-item><text:p>bravo item</text:p></text:list-item></text:list>"
      "<table:table><table:table-row><table:table-cell><text:p>charlie</text:p></table:table-cell>"
      "<table:table-cell><text:p>delta</text:p></table:table-cell></table:table-row></table:table>";
  const LoadedDocument d = load(odt(body, "Odt title"), "notes.odt");
  EXPECT_EQ(d.loader, LoaderKind::odt);
  EXPECT_EQ(d.title, "Odt title");
  EXPECT_EQ(d.text, as_html("<h1>Sample heading</h1><p>First paragraph[1].</p><p>[1] A footnote.</p><h2>Second section</h2><ul><li>alpha "
                            "item</li><li>bravo item</li></ul><table><tr><td>charlie</td><td>delta</td></tr></table>"));
}

TEST(OfficeOdt, EndnotesNotesInTablesAndImageDescriptionsAreText) {
  const std::string note = "<text:note text:id=\"en1\" text:note-class=\"endnote\"><text:note-citation>i"
                           "</text:note-citation><text:note-body><text:p>The <text:span>wombat</text:span> endnote."
                           "</text:p><text:p>Second paragraph.</text:p></text:note-body></text:note>";
  const std::string body =
      "<text:p>Body" + note + " text.</text:p>"
      "<table:table><table:table-row><table:table-cell><text:p>cell<text:note text:note-class=\"footnote\">"
      "<text:note-citation>2</text:note-citation><text:note-body><text:p>In a cell.</text:p></text:note-body>"
      "</text:note></text:p></table:table-cell></table:table-row></table:table>"
      "<text:p><draw:frame draw:name=\"Image1\"><draw:image/><svg:title>Schema diagram</svg:title>"
      "<svg:desc>Tables users and orders</svg:desc></draw:frame></text:p>"
      "<draw:frame><draw:image/><svg:desc>A page-anchored picture</svg:desc></draw:frame>";
  const LoadedDocument d = load(odt(body), "notes.odt");
  EXPECT_EQ(d.text, as_html("<p>Body[i] text.</p><p>[i] The wombat endnote. Second paragraph.</p>"
                            "<table><tr><td>cell[2]</td></tr></table><p>[2] In a cell.</p>"
                            "<p>[image: Schema diagram. Tables users and orders]</p><p>[image: A page-anchored picture]</p>"));
}

TEST(OfficeOdt, TitleStyledParagraphIsAHeadingThroughItsAutomaticStyle) {
  const LoadedDocument d = load(odt("<text:p text:style-name=\"P1\">The Book</text:p><text:p>Body</text:p>", "",
                                    "<style:style style:name=\"P1\" style:family=\"paragraph\" "
                                    "style:parent-style-name=\"Title\"/>"),
                                "t.odt");
  EXPECT_EQ(d.text, "# The Book\n\nBody");
  EXPECT_EQ(d.title, "The Book");
}

// ---- pptx ---------------------------------------------------------------------------------

const std::string k_p_ns =
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
    "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"";

std::string shape(const std::vector<std::string>& paragraphs, const std::string& placeholder) {
  std::string out = "<p:sp><p:nvSpPr><p:nvPr>" +
                    (placeholder.empty() ? "" : "<p:ph type=\"" + placeholder + "\"/>") + "</p:nvPr></p:nvSpPr><p:txBody>";
  for (const std::string& p : paragraphs) out += "<a:p><a:r><a:t>" + p + "</a:t></a:r></a:p>";
  return out + "</p:txBody></p:sp>";
}

std::string slide(const std::string& shapes, const std::string& root = "sld") {
  return "<p:" + root + " " + k_p_ns + "><p:cSld><p:spTree>" + shapes + "</p:spTree></p:cSld></p:" + root + ">";
}

std::string pptx() {
  return make_zip({
      {"[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
      {"_rels/.rels", rels({{k_type + "officeDocument", "ppt/presentation.xml"}})},
      // The second slide comes first in the presentation.
      {"ppt/presentation.xml", "<p:presentation " + k_p_ns +
                                   "><p:sldIdLst><p:sldId id=\"257\" r:id=\"rId2\"/><p:sldId id=\"256\" r:id=\"rId1\"/>"
                                   "</p:sldIdLst></p:presentation>",
       true},
      {"ppt/_rels/presentation.xml.rels",
       rels({{k_type + "slide", "slides/slide1.xml"}, {k_type + "slide", "slides/slide2.xml"}})},
      {"ppt/slides/slide1.xml",
       slide(shape({"Later slide"}, "title") + shape({"bravo"}, "body") + shape({"7"}, "sldNum")), true},
      {"ppt/slides/slide2.xml",
       slide(shape({"First slide", "second line"}, "title") + shape({"alpha one", "alpha two"}, "body") +
             shape({"free text"}, "")),
       true},
      {"ppt/slides/_rels/slide2.xml.rels", rels({{k_type + "notesSlide", "../notesSlides/notesSlide1.xml"}})},
      {"ppt/notesSlides/notesSlide1.xml", slide(shape({"1"}, "sldNum") + shape({"Speaker words."}, "body"), "notes")},
  });
}

TEST(OfficePptx, SlidesInPresentationOrderEachAPageWithItsNotes) {
  const LoadedDocument d = load(pptx(), "deck.pptx");
  EXPECT_EQ(d.loader, LoaderKind::pptx);
  const std::string first = as_html("<h1>First slide<br>second line</h1><ul><li>alpha one</li><li>alpha two</li></ul>"
                                    "<p>free text</p><p>Speaker words.</p>");
  const std::string second = as_html("<h1>Later slide</h1><ul><li>bravo</li></ul>");
  EXPECT_EQ(d.text, first + "\n\n" + second);
  ASSERT_EQ(d.page_starts.size(), 2U);
  EXPECT_EQ(d.page_starts[0], 0U);
  EXPECT_EQ(d.text.substr(d.page_starts[1]), second);
  EXPECT_EQ(page_of(d.page_starts, d.text.find("bravo")), 2U);
  EXPECT_EQ(d.text.find("7"), std::string::npos) << "the slide number is not text";
  EXPECT_EQ(d.title, load_html("<h1>First slide<br>second line</h1>").title);
}

// ---- epub ---------------------------------------------------------------------------------

std::string chapter(const std::string& head, const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
         "<head>" + head + "</head><body>" + body + "</body></html>";
}

std::string epub(const std::string& spine, const std::vector<ZipEntry>& extra = {}) {
  std::vector<ZipEntry> entries = {
      {"mimetype", "application/epub+zip"},
      {"META-INF/container.xml",
       "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" version=\"1.0\"><rootfiles><rootfile "
       "full-path=\"OPS/book.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>",
       true},
      {"OPS/book.opf",
       "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\"><metadata "
       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>A Book</dc:title></metadata><manifest>"
       "<item id=\"a\" href=\"text/one%20a.xhtml\" media-type=\"application/xhtml+xml\"/>"
       "<item id=\"b\" href=\"text/two.xhtml\" media-type=\"application/xhtml+xml\"/>"
       "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/></manifest><spine>" + spine + "</spine></package>",
       true},
      {"OPS/text/one a.xhtml", chapter("<title/>", "<h1>Chapter one</h1><p>alpha</p>"), true},
      {"OPS/text/two.xhtml", chapter("<title>Two</title>", "<h2>Chapter two</h2><p>bravo<br/>charlie</p>"), true},
      {"OPS/style.css", "p { color: red }"},
  };
  entries.insert(entries.end(), extra.begin(), extra.end());
  return make_zip(entries);
}

TEST(OfficeEpub, ChaptersInSpineOrderThroughTheHtmlLoader) {
  const LoadedDocument d = load(epub("<itemref idref=\"b\"/><itemref idref=\"css\"/><itemref idref=\"a\"/>"), "book.epub");
  EXPECT_EQ(d.loader, LoaderKind::epub);
  EXPECT_EQ(d.title, "A Book");
  // <title/> in XHTML is an empty element, not a start tag swallowing the chapter.
  EXPECT_EQ(d.text, as_html("<h2>Chapter two</h2><p>bravo<br>charlie</p>") + "\n\n" +
                        as_html("<h1>Chapter one</h1><p>alpha</p>"));
  EXPECT_TRUE(d.page_starts.empty());
}

TEST(OfficeEpub, EncryptedChaptersAreRefusedAsDrm) {
  const std::string encryption =
      "<encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
      "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData><enc:CipherData>"
      "<enc:CipherReference URI=\"OPS/text/two.xhtml\"/></enc:CipherData></enc:EncryptedData></encryption>";
  EXPECT_EQ(failure(OfficeFormat::epub, epub("<itemref idref=\"b\"/>", {{"META-INF/encryption.xml", encryption}})),
            "not a readable .epub: OPS/text/two.xhtml is encrypted (DRM-protected e-books are not supported)");
}

TEST(OfficeEpub, ASpineWithoutDocumentsIsRefused) {
  EXPECT_EQ(failure(OfficeFormat::epub, epub("<itemref idref=\"css\"/>")),
            "not a readable .epub: OPS/book.opf: the spine lists no readable XHTML document");
}

// ---- routing ------------------------------------------------------------------------------

TEST(OfficeRouting, ContentSniffingFindsPackagesWithoutTheirExtension) {
  EXPECT_EQ(load(docx(document(paragraph("x"))), "upload").loader, LoaderKind::docx);
  EXPECT_EQ(load(odt("<text:p>x</text:p>"), "upload").loader, LoaderKind::odt);
  EXPECT_EQ(load(pptx(), "upload").loader, LoaderKind::pptx);
  EXPECT_EQ(load(epub("<itemref idref=\"a\"/>"), "upload").loader, LoaderKind::epub);
  EXPECT_EQ(load(docx(document(paragraph("x"))), "Report.DOCX").loader, LoaderKind::docx);
  EXPECT_EQ(load(docx(document(paragraph("x"))), "template.dotx").loader, LoaderKind::docx);
}

TEST(OfficeRouting, AZipThatIsNoPackageStaysSkipped) {
  const LoadResult r = load_document(make_zip({{"readme.txt", "hello"}}), "archive.data");
  EXPECT_FALSE(r.document.has_value());
  EXPECT_EQ(r.skipped_reason, "binary file (ZIP archive)");
  const LoadResult spreadsheet =
      load_document(make_zip({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}}), "sheet");
  EXPECT_FALSE(spreadsheet.document.has_value());
}

TEST(OfficeRouting, ForcedLoaderNamesAndMarkdownChunking) {
  for (const char* name : {"docx", "odt", "pptx", "epub"}) {
    EXPECT_TRUE(is_loader_name(name)) << name;
    EXPECT_EQ(options_for(ChunkSettings{}, *parse_loader(name)).strategy, chunk::Strategy::markdown) << name;
  }
  EXPECT_EQ(options_for(ChunkSettings{}, LoaderKind::converter).strategy, chunk::Strategy::markdown);
  EXPECT_EQ(options_for(ChunkSettings{}, LoaderKind::pdf).strategy, chunk::Strategy::recursive);
  EXPECT_EQ(load_document(docx(document(paragraph("forced"))), "data.bin", LoaderKind::docx).document->text, "forced");
}

// ---- refused packages ---------------------------------------------------------------------

TEST(OfficeRefused, NotAZipTruncatedAndOldOfficeFiles) {
  EXPECT_EQ(failure(OfficeFormat::docx, "plain text, not a zip"), "not a readable .docx: not a zip archive");
  EXPECT_EQ(failure(OfficeFormat::pptx, ""), "not a readable .pptx: empty file");
  const std::string whole = docx(document(paragraph("x")));
  EXPECT_EQ(failure(OfficeFormat::docx, whole.substr(0, whole.size() / 2)),
            "not a readable .docx: damaged zip archive: no central directory (truncated?)");
  EXPECT_EQ(failure(OfficeFormat::docx, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0')),
            "not a readable .docx: an OLE2 file, not a zip archive (a password-protected or pre-2007 Office "
            "document; not supported)");
}

TEST(OfficeRefused, MissingMainPart) {
  EXPECT_EQ(failure(OfficeFormat::docx, make_zip({{"_rels/.rels", rels({})}})),
            "not a readable .docx: missing word/document.xml");
  EXPECT_EQ(failure(OfficeFormat::odt, make_zip({{"mimetype", "application/vnd.oasis.opendocument.text"}})),
            "not a readable .odt: missing content.xml");
}

TEST(OfficeRefused, DamagedEntryCrcAndEncryptedEntry) {
  std::vector<ZipEntry> bad_crc = {{"word/document.xml", document(paragraph("x")), true}};
  bad_crc[0].claimed_crc = 0x12345678;
  EXPECT_EQ(failure(OfficeFormat::docx, make_zip(bad_crc)), "not a readable .docx: word/document.xml: CRC error");
  std::vector<ZipEntry> locked = {{"word/document.xml", document(paragraph("x"))}};
  locked[0].encrypted = true;
  const std::string why = failure(OfficeFormat::docx, make_zip(locked));
  EXPECT_NE(why.find("word/document.xml is encrypted"), std::string::npos) << why;
}

TEST(OfficeRefused, ZipBombStoppedByTheHeaderClaim) {
  // 64 MiB and a bit of zeros from about 400 KB, honestly declared: refused before inflating.
  const std::size_t runs = (std::size_t{64} << 20) / 258 + 1;
  ZipEntry bomb{"word/document.xml", ""};
  bomb.raw = deflate_zeros(runs);
  bomb.claimed_size = static_cast<std::uint32_t>(1 + 258 * runs);
  EXPECT_EQ(failure(OfficeFormat::docx, make_zip({bomb})),
            "not a readable .docx: word/document.xml is larger than 64 MiB uncompressed (zip bomb?)");
}

TEST(OfficeRefused, ZipBombWhoseHeaderLiesIsStoppedByTheBytesRead) {
  ZipEntry bomb{"word/document.xml", ""};
  bomb.raw = deflate_zeros(5000);  // 1.2 MB of zeros
  bomb.claimed_size = 100;
  OfficeLimits limits;
  limits.max_entry_bytes = 1 << 20;
  const std::string why = failure(OfficeFormat::docx, make_zip({bomb}), limits);
  EXPECT_EQ(why, "not a readable .docx: word/document.xml is larger than 1 MiB uncompressed (zip bomb?)");
}

ZipEntry compressed(const std::string& name, const std::string& data) {
  ZipEntry e{name, data};
  e.raw = strata::testing::zlib_deflate(data, -15);
  return e;
}

TEST(OfficeRefused, AnArchiveThatInflatesPastTheRatioIsABomb) {
  // 9 MiB of one letter deflates to a few KiB: under the absolute caps, past 200 times its size.
  const std::string why =
      failure(OfficeFormat::docx, make_zip({compressed("word/document.xml", document(paragraph(std::string(9 << 20, 'a'))))}));
  EXPECT_TRUE(why.starts_with("not a readable .docx: zip archive expands more than 200 times (")) << why;
  EXPECT_TRUE(why.ends_with(") at word/document.xml (zip bomb?)")) << why;
  // Below the 8 MiB floor any ratio passes: a small document of repeated lines is no bomb.
  EXPECT_NO_THROW(load_office(OfficeFormat::docx,
                              make_zip({compressed("word/document.xml", document(paragraph(std::string(4 << 20, 'a'))))}),
                              {}));
}

TEST(OfficeRefused, TotalAndEntryCountCaps) {
  OfficeLimits limits;
  limits.max_total_bytes = 1 << 20;
  const std::string big(600 * 1024, 'x');
  const std::string s = styles("<!--" + big + "-->");
  const std::string doc = document("<!--" + big + "-->" + paragraph("x"));
  EXPECT_EQ(failure(OfficeFormat::docx, docx(doc, s), limits),
            "not a readable .docx: more than 1 MiB uncompressed in all (zip bomb?) at word/styles.xml");
  OfficeLimits few;
  few.max_entries = 3;
  EXPECT_EQ(failure(OfficeFormat::docx, docx(document(paragraph("x")), styles(""), "t"), few),
            "not a readable .docx: zip archive of 6 entries (more than 3)");
}

TEST(OfficeRefused, XmlEntityBombAndExternalEntity) {
  std::string bomb = "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\">";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string("<!ENTITY ") + c + " \"" + std::string(10, ' ') + "\">";
  }
  bomb += "]><w:document xmlns:w=\"" + k_w + "\"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>";
  EXPECT_EQ(failure(OfficeFormat::docx, docx(bomb)),
            "not a readable .docx: word/document.xml: declares XML entities (not allowed: entity expansion)");
  const std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                          "<w:document xmlns:w=\"" + k_w + "\"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>";
  EXPECT_EQ(failure(OfficeFormat::docx, docx(xxe)),
            "not a readable .docx: word/document.xml: declares XML entities (not allowed: entity expansion)");
}

TEST(OfficeRefused, ExternalDtdIsNeverLoaded) {
  // Were the DTD on disk read, &secret; would be its text; unread, the entity is undefined.
  testing::TempDir dir;
  testing::write_file(dir / "evil.dtd", "<!ENTITY secret \"SECRET-FROM-DISK\">");
  const std::string xml = "<?xml version=\"1.0\"?><!DOCTYPE w:document SYSTEM \"file://" + (dir / "evil.dtd") +
                          "\"><w:document xmlns:w=\"" + k_w +
                          "\"><w:body><w:p><w:r><w:t>before &secret; after</w:t></w:r></w:p></w:body></w:document>";
  EXPECT_EQ(failure(OfficeFormat::docx, docx(xml)),
            "not a readable .docx: word/document.xml: not well-formed XML (line 1: Entity 'secret' not defined)");
}

TEST(OfficeRefused, NotWellFormedAndDeeplyNested) {
  const std::string why = failure(OfficeFormat::docx, docx("<w:document xmlns:w=\"" + k_w + "\"><w:body>"));
  EXPECT_TRUE(why.starts_with("not a readable .docx: word/document.xml: not well-formed XML (line 1: ")) << why;
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<w:sdt>";
  EXPECT_EQ(failure(OfficeFormat::docx, docx(document(deep))),
            "not a readable .docx: word/document.xml: elements nested deeper than 256 levels");
}

}  // namespace
}  // namespace strata::ingest
