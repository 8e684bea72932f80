// The local embedder: deterministic, normalised, lexical (shared words and word pieces make
// texts close), and independent of what the thread embedded before.
#include "embed/local_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>

#include "embed/vector.h"

namespace strata::embed {
namespace {

double dot(const Vector& a, const Vector& b) { return std::inner_product(a.begin(), a.end(), b.begin(), 0.0); }
double norm(const Vector& v) { return std::sqrt(dot(v, v)); }

TEST(EmbedLocal, SameTextSameVectorUnitLength) {
  const LocalEmbedder e;
  const Vector a = e.embed("Roll back the newest migration with strata migrate down.");
  const Vector b = e.embed("Roll back the newest migration with strata migrate down.");
  ASSERT_EQ(a.size(), k_local_default_dimensions);
  EXPECT_EQ(a, b);
  EXPECT_NEAR(norm(a), 1.0, 1e-5);
}

TEST(EmbedLocal, EmptyOrWordlessTextIsTheZeroVector) {
  const LocalEmbedder e(64);
  for (const char* t : {"", "   \n\t", "!!! --- ...", "\xe2\x80\x9c\xe2\x80\x9d"}) {
    const Vector v = e.embed(t);
    ASSERT_EQ(v.size(), 64u);
    EXPECT_EQ(norm(v), 0.0) << t;
  }
}

TEST(EmbedLocal, DimensionsAreHonoured) {
  for (const std::size_t d : {16u, 100u, 384u, 1536u}) {
    const Vector v = LocalEmbedder(d).embed("some text to embed");
    EXPECT_EQ(v.size(), d);
    EXPECT_NEAR(norm(v), 1.0, 1e-5);
  }
}

TEST(EmbedLocal, CaseAndPunctuationDoNotMatter) {
  const LocalEmbedder e;
  EXPECT_NEAR(dot(e.embed("Hello, World!"), e.embed("hello world")), 1.0, 1e-5);
  // Curly quotes and dashes separate words like ASCII punctuation does.
  EXPECT_NEAR(dot(e.embed("\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x94 text"), e.embed("quoted text")), 1.0, 1e-5);
  // Non-ASCII letters are lower-cased too.
  EXPECT_NEAR(dot(e.embed("\xc3\x89T\xc3\x89"), e.embed("\xc3\xa9t\xc3\xa9")), 1.0, 1e-5);
}

TEST(EmbedLocal, SharedWordsAndPiecesMakeTextsClose) {
  const LocalEmbedder e;
  const Vector q = e.embed("how do I roll back a database migration");
  const Vector related = e.embed("To roll back the last migration, run strata migrate down.");
  const Vector unrelated = e.embed("The quick brown fox jumps over the lazy dog near the river bank.");
  EXPECT_GT(dot(q, related), dot(q, unrelated) + 0.1);
  // Word pieces: an inflected form is closer than an unrelated word.
  EXPECT_GT(dot(e.embed("migrations"), e.embed("migration")), dot(e.embed("migrations"), e.embed("elephant")) + 0.3);
}

TEST(EmbedLocal, TermFrequencyIsSublinear) {
  const LocalEmbedder e;
  // "alpha" ten times must not drown "beta": the cosine with "beta" stays clearly positive.
  std::string text = "beta";
  for (int i = 0; i < 10; ++i) text += " alpha";
  EXPECT_GT(dot(e.embed(text), e.embed("beta")), 0.15);
}

TEST(EmbedLocal, VectorDoesNotDependOnWhatTheThreadEmbeddedBefore) {
  // The feature table is reused per thread and grows for large texts: a small text embedded
  // after a huge one must get the same vector as on a fresh thread.
  const LocalEmbedder e;
  const Vector before = e.embed("a short text about SQLite");
  std::string huge;
  for (int i = 0; i < 40000; ++i) huge += "word" + std::to_string(i) + " ";
  (void)e.embed(huge);
  EXPECT_EQ(e.embed("a short text about SQLite"), before);
}

TEST(EmbedLocal, InvalidUtf8DoesNotCrashAndIsDeterministic) {
  const LocalEmbedder e;
  const std::string bad = "ok \xff\xfe broken \xe2\x82 end";
  EXPECT_EQ(e.embed(bad), e.embed(bad));
}

TEST(EmbedVector, BlobIsLittleEndianFloat32) {
  const Vector v = {1.0f, -2.5f, 0.0f};
  const std::string blob = to_blob(v);
  ASSERT_EQ(blob.size(), 12u);
  // 1.0f = 0x3F800000, stored low byte first.
  EXPECT_EQ(static_cast<unsigned char>(blob[0]), 0x00);
  EXPECT_EQ(static_cast<unsigned char>(blob[3]), 0x3F);
  EXPECT_EQ(from_blob(blob), v);
}

}  // namespace
}  // namespace strata::embed
