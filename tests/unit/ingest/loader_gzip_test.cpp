// Compressed documents (ingest/gzip.h): inflating gzip data under the caps, and the dispatcher
// reading NAME.gz as NAME.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "common/error.h"
#include "ingest/gzip.h"
#include "ingest/loader.h"
#include "zip_writer.h"

namespace strata::ingest {
namespace {

// `text` as one gzip member, as `gzip` writes it.
std::string gzip(const std::string& text) { return strata::testing::zlib_deflate(text, 16 + MAX_WBITS); }

std::string gunzip_error(const std::string& bytes, const GzipLimits& limits = {}) {
  try {
    gunzip(bytes, limits);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    return e.what();
  }
  return "inflated";
}

TEST(Gunzip, InflatesOneMemberAndConcatenatedMembers) {
  const std::string text = "# Title\n\nalpha beta gamma\n";
  EXPECT_EQ(gunzip(gzip(text)), text);
  EXPECT_EQ(gunzip(gzip("one\n") + gzip("two\n")), "one\ntwo\n");  // gzip a b > c
  EXPECT_EQ(gunzip(gzip("")), "");
  EXPECT_EQ(gunzip(gzip(text) + std::string(8, '\0')), text);  // padding after the member, as tar leaves
}

TEST(Gunzip, InflatesExactlyUpToTheCap) {
  GzipLimits limits;
  limits.max_bytes = 1000;
  EXPECT_EQ(gunzip(gzip(std::string(1000, 'x')), limits).size(), 1000U);
}

TEST(Gunzip, TruncatedDataIsNamed) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + " of the manual\n";
  const std::string whole = gzip(text);
  EXPECT_EQ(gunzip_error(whole.substr(0, whole.size() / 2)), "truncated gzip data (it ends inside its compressed stream)");
  EXPECT_EQ(gunzip_error(whole.substr(0, 10)), "truncated gzip data (it ends inside its compressed stream)");
  EXPECT_EQ(gunzip_error(whole.substr(0, whole.size() - 4)), "truncated gzip data (it ends inside its compressed stream)");
}

TEST(Gunzip, CorruptDataIsNamed) {
  std::string bad = gzip("alpha beta gamma delta epsilon zeta eta theta\n");
  bad[bad.size() - 6] ^= 0x55;  // the CRC-32 of the content
  EXPECT_EQ(gunzip_error(bad), "not readable gzip data: incorrect data check");
  std::string garbled = gzip("alpha beta gamma\n");
  for (std::size_t i = 10; i < garbled.size() - 8; ++i) garbled[i] = '\xFF';
  EXPECT_TRUE(gunzip_error(garbled).starts_with("not readable gzip data: ")) << gunzip_error(garbled);
}

TEST(Gunzip, BombStopsAtTheSizeCap) {
  GzipLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_ratio = 100000;  // only the size cap in play
  EXPECT_EQ(gunzip_error(gzip(std::string(4 << 20, '\0')), limits), "gzip data expands past 1 MiB (a gzip bomb?)");
}

TEST(Gunzip, BombStopsAtTheRatioCap) {
  // 8 MiB of zeros is about 8 KiB of gzip: over 200 times once past the 1 MiB floor.
  const std::string bomb = gzip(std::string(8 << 20, '\0'));
  const std::string error = gunzip_error(bomb);
  EXPECT_TRUE(error.starts_with("gzip data expands more than 200 times (")) << error;
  EXPECT_TRUE(error.ends_with("a gzip bomb?)")) << error;
  // Below the floor the ratio does not matter: 512 KiB of zeros is a 1 KiB file.
  EXPECT_EQ(gunzip(gzip(std::string(512 << 10, '\0'))).size(), 512U << 10);
}

TEST(Gunzip, NameWithoutGz) {
  EXPECT_EQ(without_gz("ls.1.gz"), "ls.1");
  EXPECT_EQ(without_gz("docs/NEWS.GZ"), "docs/NEWS");
  EXPECT_EQ(without_gz(".gz"), "");
  EXPECT_EQ(without_gz("notes.md"), "");
  EXPECT_TRUE(is_gzip(gzip("x")));
  EXPECT_FALSE(is_gzip("\x1F\x8B"));
}

TEST(LoaderGzip, ReadAsTheInnerType) {
  const LoadResult md = load_document(gzip("# Guide\n\nbody text\n"), "docs/guide.md.gz");
  ASSERT_TRUE(md.document);
  EXPECT_EQ(md.document->loader, LoaderKind::markdown);
  EXPECT_EQ(md.document->title, "Guide");
  EXPECT_EQ(md.document->text, "# Guide\n\nbody text\n");
  const LoadResult html = load_document(gzip("<html><body><h1>Page</h1><p>para</p></body></html>"), "a.html.gz");
  ASSERT_TRUE(html.document);
  EXPECT_EQ(html.document->loader, LoaderKind::html);
  const LoadResult news = load_document(gzip("version 2: fixes\n"), "changelog.Debian.gz");
  ASSERT_TRUE(news.document);
  EXPECT_EQ(news.document->loader, LoaderKind::text);
}

TEST(LoaderGzip, BinaryInnerNamesAndBinaryContentAreSkipped) {
  const LoadResult tar = load_document(gzip(std::string(4 << 20, '\0')), "backup.tar.gz");
  EXPECT_FALSE(tar.document);
  EXPECT_EQ(tar.skipped_reason, "binary file type (.tar.gz)");
  const LoadResult png = load_document(gzip("\x89PNG\r\n\x1A\n...."), "image.gz");
  EXPECT_FALSE(png.document);
  EXPECT_EQ(png.skipped_reason, "binary file (PNG image)");
  // A .gz that is not gzip data stays what it was: a binary file type.
  const LoadResult fake = load_document("plain text\n", "notes.txt.gz");
  EXPECT_FALSE(fake.document);
  EXPECT_EQ(fake.skipped_reason, "binary file type (.gz)");
}

TEST(LoaderGzip, BombIsAnErrorNotAHalfDocument) {
  EXPECT_THROW(load_document(gzip(std::string(8 << 20, '\0')), "big.txt.gz"), Error);
}

}  // namespace
}  // namespace strata::ingest
