// The local embedder: deterministic, normalised, lexical (shared words and word pieces make
// texts close), and independent of what the thread embedded before; its two models (v1 pinned
// bit for bit, v2 stemmed without stop words), the registry's entries and the settings that
// choose between them.
#include "embed/local_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "embed/model_registry.h"
#include "embed/settings.h"
#include "embed/vector.h"
#include "test_util.h"

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

// ---------------------------------------------------------------------------------------------
// Models: hash-ngram-v1 (pinned) and hash-ngram-v2 (stemmed, stop words dropped)

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

constexpr const char* k_pinned_ascii = "Roll back the newest migration with strata migrate down.";
constexpr const char* k_pinned_mixed =
    "Na\xc3\xafve caf\xc3\xa9 \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac stra\xc3\x9f"
    "e, connections connected CONNECTING x_y 42";

TEST(EmbedLocalModels, V1IsUnchangedBitForBit) {
  // Blob hashes of hash-ngram-v1 vectors as strata produced them before hash-ngram-v2 existed
  // (commit a163bd9): a collection recorded with v1 must keep getting these query vectors.
  const LocalEmbedder v1_384(384, LocalModel::hash_ngram_v1), v1_64(64, LocalModel::hash_ngram_v1);
  EXPECT_EQ(fnv1a(to_blob(v1_384.embed(k_pinned_ascii))), 0xe874d6a00d8b9d6aULL);
  EXPECT_EQ(fnv1a(to_blob(v1_384.embed(k_pinned_mixed))), 0x84b398492dc66649ULL);
  EXPECT_EQ(fnv1a(to_blob(v1_64.embed(k_pinned_ascii))), 0x0f0c5d149fe8e82dULL);
  EXPECT_EQ(fnv1a(to_blob(v1_64.embed(k_pinned_mixed))), 0x468f3bf0b5f94698ULL);
}

TEST(EmbedLocalModels, NamesAndDefault) {
  EXPECT_EQ(LocalEmbedder().model(), LocalModel::hash_ngram_v2);
  EXPECT_STREQ(k_local_model, "hash-ngram-v2");
  EXPECT_STREQ(local_model_name(LocalModel::hash_ngram_v1), "hash-ngram-v1");
  EXPECT_STREQ(local_model_name(LocalModel::hash_ngram_v2), "hash-ngram-v2");
  EXPECT_EQ(parse_local_model("hash-ngram-v1"), LocalModel::hash_ngram_v1);
  EXPECT_EQ(parse_local_model("hash-ngram-v2"), LocalModel::hash_ngram_v2);
  EXPECT_EQ(parse_local_model("hash-ngram-v3"), std::nullopt);
  EXPECT_EQ(parse_local_model("text-embedding-3-small"), std::nullopt);
}

TEST(EmbedLocalModels, V2IsDeterministicAndDiffersFromV1) {
  const LocalEmbedder v2;
  const Vector a = v2.embed(k_pinned_mixed);
  EXPECT_EQ(a, LocalEmbedder(384, LocalModel::hash_ngram_v2).embed(k_pinned_mixed));
  EXPECT_NEAR(norm(a), 1.0, 1e-5);
  EXPECT_NE(a, LocalEmbedder(384, LocalModel::hash_ngram_v1).embed(k_pinned_mixed));
  // The same on another thread (each thread has its own tokenizer and feature table).
  Vector other;
  std::thread([&] { other = v2.embed(k_pinned_mixed); }).join();
  EXPECT_EQ(other, a);
}

TEST(EmbedLocalModels, V2StemsWordsSoInflectionsShareEveryFeature) {
  const LocalEmbedder v2, v1(384, LocalModel::hash_ngram_v1);
  // Porter: connections, connected, connecting, connection -> "connect".
  const Vector c = v2.embed("connect");
  for (const char* w : {"connections", "connected", "connecting", "connection", "CONNECTS"}) {
    EXPECT_NEAR(dot(v2.embed(w), c), 1.0, 1e-5) << w;
    EXPECT_LT(dot(v1.embed(w), v1.embed("connect")), 0.9) << w;  // v1 only shares pieces
  }
  EXPECT_NEAR(dot(v2.embed("migrations rolled back"), v2.embed("migration rolling back")), 1.0, 1e-5);
  // Diacritics are removed, as in the keyword index.
  EXPECT_NEAR(dot(v2.embed("caf\xc3\xa9 na\xc3\xafve"), v2.embed("cafe naive")), 1.0, 1e-5);
}

TEST(EmbedLocalModels, V2DropsStopWords) {
  const LocalEmbedder v2, v1(384, LocalModel::hash_ngram_v1);
  EXPECT_NEAR(dot(v2.embed("the structure of the atom"), v2.embed("structure atom")), 1.0, 1e-5);
  EXPECT_NEAR(dot(v2.embed("This was what they would have been"), v2.embed("")), 0.0, 1e-9);
  EXPECT_EQ(norm(v2.embed("of the and which was")), 0.0);
  // Texts that share only function words are unrelated in v2, not in v1.
  const char* a = "the theory of the electron in which it is";
  const char* b = "the cost of the bridge in which it is";
  EXPECT_GT(dot(v1.embed(a), v1.embed(b)), 0.3);
  EXPECT_LT(dot(v2.embed(a), v2.embed(b)), dot(v1.embed(a), v1.embed(b)) - 0.2);
}

TEST(EmbedLocalModels, V2ThreadsEmbedConcurrentlyWithTheSameResults) {
  const LocalEmbedder v2(128);
  std::vector<std::string> texts;
  for (int i = 0; i < 64; ++i) texts.push_back("text " + std::to_string(i) + " about connected migrations and stemming");
  std::vector<Vector> serial;
  for (const std::string& t : texts) serial.push_back(v2.embed(t));
  std::vector<std::vector<Vector>> parallel(4);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < parallel.size(); ++k) {
    threads.emplace_back([&, k] {
      for (const std::string& t : texts) parallel[k].push_back(v2.embed(t));
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::vector<Vector>& p : parallel) EXPECT_EQ(p, serial);
}

TEST(EmbedModelRegistry, LocalModelsAreKnown) {
  for (const char* name : {"hash-ngram-v1", "hash-ngram-v2"}) {
    SCOPED_TRACE(name);
    const std::optional<ModelInfo> m = find_model(name);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->known);
    EXPECT_TRUE(m->local);
    EXPECT_EQ(m->dimensions, k_local_default_dimensions);
    EXPECT_EQ(m->limits.max_batch_inputs, 64u);
  }
  ASSERT_GE(known_models().size(), 2u);
  EXPECT_EQ(known_models()[0].name, "hash-ngram-v2");  // the default first
  EXPECT_EQ(known_models()[1].name, "hash-ngram-v1");
  const std::optional<ModelInfo> openai = find_model("text-embedding-3-small");
  ASSERT_TRUE(openai);
  EXPECT_FALSE(openai->local);
  EXPECT_FALSE(find_model("hash-ngram-v3"));
}

TEST(EmbedLocalSettings, NewCollectionsGetV2AndRecordedModelsAreKept) {
  using store::EmbeddingModel;
  EXPECT_EQ(choose_model(EmbedSettings{}, std::nullopt).model, "hash-ngram-v2");
  const EmbeddingModel v1{"local", "hash-ngram-v1", 384};
  const ModelChoice kept = choose_model(EmbedSettings{}, v1);
  EXPECT_EQ(kept.provider, "local");
  EXPECT_EQ(kept.model, "hash-ngram-v1");
  ResolvedEmbedder r = resolve_embedder(EmbedSettings{}, v1);
  EXPECT_EQ(r.provider->model(), "hash-ngram-v1");
  EXPECT_EQ(r.dimensions, 384u);
  const std::string_view in[] = {k_pinned_ascii};
  EXPECT_EQ(r.provider->embed(in, nullptr).vectors.at(0), LocalEmbedder(384, LocalModel::hash_ngram_v1).embed(k_pinned_ascii));
  // A v1 collection of another size keeps its size.
  EXPECT_EQ(resolve_embedder(EmbedSettings{}, EmbeddingModel{"local", "hash-ngram-v1", 64}).dimensions, 64u);

  EmbedSettings pick;
  pick.model = "hash-ngram-v1";
  const ModelChoice chosen = choose_model(pick, std::nullopt);
  EXPECT_EQ(chosen.provider, "local");  // a local model's name selects the local provider
  EXPECT_EQ(chosen.model, "hash-ngram-v1");
  EXPECT_EQ(resolve_embedder(pick, std::nullopt).provider->model(), "hash-ngram-v1");
  EXPECT_EQ(resolve_embedder(EmbedSettings{}, std::nullopt).provider->model(), "hash-ngram-v2");

  EmbedSettings wrong;
  wrong.provider = "local";
  wrong.model = "nomic-embed-text";
  const Error e = testing::error_of([&] { resolve_embedder(wrong, std::nullopt); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("hash-ngram-v2"), std::string::npos);
  EmbedSettings served;
  served.provider = "openai";
  served.model = "hash-ngram-v2";
  EXPECT_EQ(testing::error_of([&] { resolve_embedder(served, std::nullopt); }).code(), ExitCode::usage);
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
