// Picking a loader: extension, whole file name, content sniffing, --loader; skipping binaries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/loader.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

using namespace std::string_literals;

std::string loader_for(std::string_view name, std::string_view bytes = "some text\n") {
  const LoadResult r = load_document(bytes, name);
  return r.document ? std::string(to_string(r.document->loader)) : "skipped: " + r.skipped_reason;
}

std::string skip_reason(std::string_view bytes, std::string_view name = "file.dat") {
  const LoadResult r = load_document(bytes, name);
  return r.document ? "loaded as " + std::string(to_string(r.document->loader)) : r.skipped_reason;
}

TEST(LoaderDetect, ExtensionPicksTheLoader) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"README.md", "markdown"},       {"notes.markdown", "markdown"}, {"page.mdx", "markdown"},
      {"a.mkd", "markdown"},           {"index.html", "html"},         {"index.htm", "html"},
      {"page.xhtml", "html"},          {"main.cpp", "code"},           {"lib.rs", "code"},
      {"app.py", "code"},              {"query.sql", "code"},          {"style.scss", "code"},
      {"build.cmake", "code"},         {"notes.txt", "text"},          {"guide.rst", "text"},
      {"book.adoc", "text"},           {"data.csv", "text"},           {"config.yaml", "text"},
      {"app.log", "text"},             {"Makefile", "code"},           {"GNUmakefile", "code"},
      {"Dockerfile", "code"},          {"CMakeLists.txt", "code"},     {"src/CMakeLists.txt", "code"},
      {"NOTES.MD", "markdown"},        {"Main.CPP", "code"},           {"makefile", "code"},
      {"docs/v1.2/README", "text"},    {"C:\\docs\\a.md", "markdown"}, {"unknown.xyz", "text"},
      {".gitignore", "text"},          {"doc-17", "text"},
  };
  for (const auto& [name, loader] : cases) EXPECT_EQ(loader_for(name), loader) << name;
}

TEST(LoaderDetect, ExtensionWinsOverContent) {
  EXPECT_EQ(loader_for("page.txt", "<!doctype html><p>x</p>"), "text");
  EXPECT_EQ(loader_for("notes.md", "<html><body>x</body></html>"), "markdown");
}

TEST(LoaderDetect, ContentDecidesWithoutAKnownExtension) {
  EXPECT_EQ(loader_for("doc-1", "<!DOCTYPE html><title>t</title><p>x</p>"), "html");
  EXPECT_EQ(loader_for("saved.page", "\xEF\xBB\xBF  \n<HTML lang=en><p>x</p>"), "html");
  EXPECT_EQ(loader_for("README", "# Title\n"), "text");
}

// WHATWG MIME Sniffing's HTML patterns, past an XML declaration and comments: XHTML and the
// fragments converters write to standard output are HTML.
TEST(LoaderDetect, XhtmlAndHtmlFragmentsAreSniffedAsHtml) {
  EXPECT_EQ(loader_for("stdin", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>"),
            "html");
  EXPECT_EQ(loader_for("stdin", "<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                                "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><html><p>x</p></html>"),
            "html");
  EXPECT_EQ(loader_for("saved", "<!-- saved from url=(0022)http://example.com/ -->\r\n<html><p>x</p></html>"), "html");
  EXPECT_EQ(loader_for("stdin", "<h1 id=\"title\">Title</h1>\n<p>Text.</p>"), "html");
  EXPECT_EQ(loader_for("stdin", "<h2 id=\"usage\">Usage</h2>\n<ul>\n<li>one</li>\n</ul>"), "html");
  EXPECT_EQ(loader_for("stdin", "<section>\n<p>Text.</p></section>"), "html");
  EXPECT_EQ(loader_for("stdin", "<div>fragment</div>"), "html");
  EXPECT_EQ(loader_for("stdin", "<P>upper case</P>"), "html");
  EXPECT_EQ(loader_for("stdin", "<p\tclass=x>tab</p>"), "html");
  // Not HTML: other XML, a tag name that only starts like one, a comment before Markdown, text.
  EXPECT_EQ(loader_for("feed", "<?xml version=\"1.0\"?><rss><channel/></rss>"), "text");
  EXPECT_EQ(loader_for("doc-3", "<details>more</details>"), "text");
  EXPECT_EQ(loader_for("doc-4", "<abbr>x</abbr>"), "text");
  EXPECT_EQ(loader_for("README", "<!-- badges -->\n# Title\n"), "text");
  EXPECT_EQ(loader_for("notes", "<!-- never closed <html>"), "text");
  EXPECT_EQ(loader_for("notes", "a < b and <p> later"), "text");
  EXPECT_EQ(loader_for("notes", "<p"), "text");
}

TEST(LoaderDetect, ForcedLoaderOverridesNameAndContent) {
  const LoadResult r = load_document("# Title\n", "notes.txt", LoaderKind::markdown);
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->loader, LoaderKind::markdown);
  EXPECT_EQ(r.document->title, "Title");
  const LoadResult h = load_document("<p>a &amp; b</p>", "x.md", LoaderKind::html);
  ASSERT_TRUE(h.document);
  EXPECT_EQ(h.document->text, "a & b");
  const LoadResult c = load_document("text", "photo.png", LoaderKind::code);
  ASSERT_TRUE(c.document) << "a forced loader ignores the binary extension list";
  EXPECT_EQ(c.document->loader, LoaderKind::code);
}

// A forced loader is a LoaderKind: the name is parsed once, at the edge (ingest's request check
// makes an unknown one a usage error, IngestTest.BadChunkOptionsAreUsageErrorsBeforeAnythingIsWritten).
TEST(LoaderDetect, UnknownForcedLoaderIsNotParsed) {
  EXPECT_FALSE(parse_loader("word"));
  EXPECT_FALSE(parse_loader("converter")) << "an external converter's output is no --loader choice";
  EXPECT_EQ(parse_loader("markdown"), LoaderKind::markdown);
}

TEST(LoaderDetect, LoaderNames) {
  for (const char* name : {"text", "markdown", "html", "pdf", "code"}) {
    EXPECT_TRUE(is_loader_name(name)) << name;
  }
  EXPECT_FALSE(is_loader_name("Markdown"));
  EXPECT_FALSE(is_loader_name(""));
}

TEST(LoaderDetect, BinaryExtensionIsSkippedUnread) {
  EXPECT_EQ(skip_reason("plain text", "photo.PNG"), "binary file type (.png)");
  EXPECT_EQ(skip_reason("plain text", "lib/libfoo.so"), "binary file type (.so)");
  EXPECT_EQ(skip_reason("plain text", "cache.db"), "binary file type (.db)");
}

TEST(LoaderDetect, PngMagicIsSkippedWhateverTheName) {
  const std::string png = "\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR"s;
  EXPECT_EQ(skip_reason(png, "image.dat"), "binary file (PNG image)");
  EXPECT_EQ(skip_reason(png, "notes.txt"), "binary file (PNG image)");
  EXPECT_EQ(skip_reason(png, "logo"), "binary file (PNG image)");
}

TEST(LoaderDetect, MagicNumbersOfCommonBinaryFormats) {
  std::string tar(600, 'a');
  tar.replace(257, 5, "ustar");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\xFF\xD8\xFF\xE0 JFIF", "JPEG image"},
      {"GIF89a....", "GIF image"},
      {"PK\x03\x04 docx", "ZIP archive"},
      {"\x1F\x8B\x08 gzip", "gzip data"},
      {"\x7F" "ELF\x02\x01", "ELF binary"},
      {"\xCF\xFA\xED\xFE mach", "Mach-O binary"},
      {"\xCA\xFE\xBA\xBE class", "Java class file or Mach-O universal binary"},
      {"SQLite format 3\0 page"s, "SQLite database"},
      {"\0asm\x01\0\0\0"s, "WebAssembly module"},
      {"BZh91AY&SY data", "bzip2 data"},
      {"\xFD" "7zXZ\0 data"s, "xz data"},
      {"\x28\xB5\x2F\xFD zstd", "zstd data"},
      {"wOF2 font", "WOFF2 font"},
      {"ID3\x03 mp3", "MP3 audio"},
      {tar, "tar archive"},
  };
  for (const auto& [bytes, what] : cases) EXPECT_EQ(skip_reason(bytes), "binary file (" + what + ")") << what;
}

TEST(LoaderDetect, WindowsExecutableNeedsItsPeHeader) {
  std::string pe(0x80, '\0');
  pe.replace(0, 2, "MZ");
  pe[0x3C] = 0x40;
  pe.replace(0x40, 4, "PE\0\0"s);
  EXPECT_EQ(skip_reason(pe), "binary file (Windows executable (PE))");
  EXPECT_EQ(loader_for("names.txt", "MZ is where the list starts, and this line is long enough to have "
                                    "a byte at offset 0x3C and beyond.\n"),
            "text");
}

TEST(LoaderDetect, NulByteInTheFirst8KiBIsBinary) {
  EXPECT_EQ(skip_reason("abc\0def"s, "notes.txt"), "binary file (NUL byte at offset 3)");
  std::string late(8 * 1024, 'a');
  late += "\0tail"s;
  EXPECT_EQ(loader_for("notes.txt", late), "text") << "NUL after the first 8 KiB";
}

TEST(LoaderDetect, BinaryContentIsSkippedEvenWhenForced) {
  const LoadResult r = load_document("\x89PNG\r\n\x1A\n\0\0"s, "x", LoaderKind::text);
  EXPECT_FALSE(r.document);
  EXPECT_EQ(r.skipped_reason, "binary file (PNG image)");
}

TEST(LoaderDetect, SkippedResultHasNoDocumentAndLoadedHasNoReason) {
  const LoadResult skipped = load_document("\0"s, "a");
  EXPECT_FALSE(skipped.document);
  EXPECT_FALSE(skipped.skipped_reason.empty());
  const LoadResult loaded = load_document("", "empty.txt");
  ASSERT_TRUE(loaded.document);
  EXPECT_EQ(loaded.document->text, "");
  EXPECT_TRUE(loaded.skipped_reason.empty());
}

TEST(LoaderDetect, CodeAndTextAreLoadedAsIs) {
  const std::string source = "int main() {\r\n  return 0;  // é\r\n}\r\n";
  const LoadResult r = load_document(source, "main.c");
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->text, source);
  EXPECT_EQ(r.document->loader, LoaderKind::code);
  EXPECT_EQ(r.document->title, "");
  EXPECT_TRUE(r.document->page_starts.empty());
}

TEST(LoaderDetect, PageOfEdgeCases) {
  EXPECT_EQ(page_of({}, 0), 0u);
  EXPECT_EQ(page_of({}, 99), 0u);
  EXPECT_EQ(page_of({0}, 0), 1u);
  EXPECT_EQ(page_of({0}, 1'000'000), 1u);
  const std::vector<std::size_t> starts = {0, 10, 20};
  EXPECT_EQ(page_of(starts, 0), 1u);
  EXPECT_EQ(page_of(starts, 9), 1u);
  EXPECT_EQ(page_of(starts, 10), 2u);
  EXPECT_EQ(page_of(starts, 19), 2u);
  EXPECT_EQ(page_of(starts, 20), 3u);
  EXPECT_EQ(page_of(starts, 5000), 3u) << "past the end: the last page";
  EXPECT_EQ(page_of({0, 5, 5, 9}, 5), 3u) << "an empty page holds no byte";
  EXPECT_EQ(page_of({0, 5, 5, 9}, 4), 1u);
}

}  // namespace
}  // namespace strata::ingest
