// sentence boundaries, the sentence strategy, and the paragraph strategy.
#include "chunk/engine.h"
#include "chunk_check.h"

namespace strata::chunk::testing {
namespace {

using V = std::vector<std::string>;

V sentences(std::string_view in) {
  detail::Boundaries bounds(in);
  detail::Splitter s(bounds, detail::Level{detail::LevelKind::sentence, {}}, 0, in.size());
  V out;
  detail::Span p;
  while (s.next(p)) out.emplace_back(in.substr(p.start, p.end - p.start));
  return out;
}

V run(Strategy s, std::string_view in, std::size_t size, std::size_t overlap = 0) {
  auto o = options(s, size, overlap);
  o.count_tokens = false;
  const auto chunks = chunk_text(in, o);
  check_guarantees(in, o, chunks, false);
  return texts(in, chunks);
}

TEST(ChunkSentence, Boundaries) {
  EXPECT_EQ(sentences("Dr. Smith arrived at 3.14 p.m. today. He said \"Hi!\" Then left... and "
                      "came back. E.g. this is one? Yes!"),
            (V{"Dr. Smith arrived at 3.14 p.m. today.", "He said \"Hi!\"",
               "Then left... and came back.", "E.g. this is one?", "Yes!"}));
  EXPECT_EQ(sentences("(It works.) Next one."), (V{"(It works.)", "Next one."}));
  EXPECT_EQ(sentences("Apples, pears, etc. The end."), (V{"Apples, pears, etc.", "The end."}));
  EXPECT_EQ(sentences("Apples, pears, etc. and more."), (V{"Apples, pears, etc. and more."}));
  EXPECT_EQ(sentences("Mr. Brown met J. Smith i.e. his friend."),
            (V{"Mr. Brown met J. Smith i.e. his friend."}));
  EXPECT_EQ(sentences("Really?! Yes."), (V{"Really?!", "Yes."}));
  EXPECT_EQ(sentences("Wait\xE2\x80\xA6 What?"), (V{"Wait\xE2\x80\xA6", "What?"}));
  EXPECT_EQ(sentences("日本語です。次の文。"), (V{"日本語です。", "次の文。"}));
  EXPECT_EQ(sentences("Version 2.0 is out.  It is fast."), (V{"Version 2.0 is out.", "It is fast."}));
  EXPECT_EQ(sentences("A heading\n\nA paragraph"), (V{"A heading", "A paragraph"}));
  EXPECT_EQ(sentences("one line\nsame sentence."), (V{"one line\nsame sentence."}));
}

TEST(ChunkSentence, PacksSentencesWithWholeSentenceOverlap) {
  const std::string in = "One. Two. Three. Four.";
  EXPECT_EQ(run(Strategy::sentence, in, 10), (V{"One. Two.", "Three.", "Four."}));
  EXPECT_EQ(run(Strategy::sentence, in, 12), (V{"One. Two.", "Three. Four."}));
  EXPECT_EQ(run(Strategy::sentence, in, 12, 5), (V{"One. Two.", "Two. Three.", "Four."}));
}

TEST(ChunkSentence, ALongSentenceFallsBackToWords) {
  EXPECT_EQ(run(Strategy::sentence, "Short. A much longer sentence here.", 12),
            (V{"Short.", "A much", "longer", "sentence", "here."}));
}

TEST(ChunkParagraph, PacksParagraphs) {
  const std::string in = "First para.\nstill first.\n\n  \n\nSecond para.";
  EXPECT_EQ(run(Strategy::paragraph, in, 100), (V{in}));
  EXPECT_EQ(run(Strategy::paragraph, in, 25), (V{"First para.\nstill first.", "Second para."}));
}

TEST(ChunkParagraph, FallsBackToSentencesThenWords) {
  EXPECT_EQ(run(Strategy::paragraph, "One. Two two. Three three three.\n\nEnd.", 15),
            (V{"One. Two two.", "Three three", "three.", "End."}));
}

}  // namespace
}  // namespace strata::chunk::testing
