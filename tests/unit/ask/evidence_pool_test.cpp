#include "ask/evidence_pool.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::ask {
namespace {

search::SearchHit pool_hit(std::int64_t id, std::string text, std::int64_t document = 0, std::size_t start = 0) {
  search::SearchHit h;
  h.chunk.chunk_id = id;
  h.chunk.document_id = document == 0 ? id : document;
  h.chunk.byte_start = start;
  h.chunk.byte_end = start + text.size();
  h.chunk.text = std::move(text);
  return h;
}

std::vector<std::int64_t> ids_of(const std::vector<search::SearchHit>& hits) {
  std::vector<std::int64_t> ids;
  for (const search::SearchHit& h : hits) ids.push_back(h.chunk.chunk_id);
  return ids;
}

// Retrieval ranked the transaction rules above the section that shows how to roll back: the
// deeper passage whose best sentence clearly beats every sentence of the first k is packed
// first, with the chunk holding the examples its last sentence introduces.
TEST(AskEvidencePool, ADeeperPassageThatClearlyAnswersBetterIsPackedFirst) {
  const std::string intro = "Roll back the newest migration, or roll back every migration newer than a version:";
  const std::vector<search::SearchHit> pool = {
      pool_hit(1, "A migration runs inside a transaction of its own, and a failed one stays pending."),
      pool_hit(2, "The history table records each migration with its checksum."),
      pool_hit(3, "Migrations are applied in version order."),
      pool_hit(4, intro, 40, 100),
      pool_hit(5, "$ strata migrate down\n$ strata migrate down --to 20240101000000", 40, 100 + intro.size() + 2),
  };
  EXPECT_EQ(ids_of(by_evidence("how do I roll back a migration", pool, 3)), (std::vector<std::int64_t>{4, 5, 1, 2, 3}));
  // Within the first k, retrieval's order stands.
  EXPECT_EQ(ids_of(by_evidence("how do I roll back a migration", pool, 5)), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

// Over rendered man pages every chunk of strata-migrate(1) shares its title's words, and redo's
// short entry ("Roll back ..., then apply the same migrations again") ranks first: the deeper
// passage that introduces code and says the question's action in its own verb fits a how
// question, and is packed first with its examples though its sentence scores no better. One
// that introduces code without the action does not fit.
TEST(AskEvidencePool, AHowQuestionPacksTheSentenceThatIntroducesTheCommandForItsAction) {
  const std::string intro = "Roll back the newest migration, or everything newer than a version listed by status:";
  const std::vector<search::SearchHit> pool = {
      pool_hit(1, "Roll back the newest n applied migrations, then apply the same migrations again."),
      pool_hit(2, "Apply every pending migration in version order, as in this example:", 30, 0),
      pool_hit(3, "$ strata migrate up", 30, 200),
      pool_hit(4, intro, 40, 100),
      pool_hit(5, "$ strata migrate down\n$ strata migrate down --to 20240101000000", 40, 100 + intro.size() + 2),
  };
  EXPECT_EQ(ids_of(by_evidence("how do I roll back a migration", pool, 2)), (std::vector<std::int64_t>{4, 5, 1, 2}));
  // Asked as keywords, the question has no action: no fit, and the scores are about even.
  EXPECT_EQ(ids_of(by_evidence("roll back migration", pool, 2)), (std::vector<std::int64_t>{1, 2}));
}

TEST(AskEvidencePool, ADeeperPassageThatScoresAboutAsWellDoesNotMove) {
  const std::vector<search::SearchHit> pool = {
      pool_hit(1, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block."),
      pool_hit(2, "Other text about tables."),
      pool_hit(3, "CREATE TABLESPACE cannot run inside a transaction block."),
  };
  EXPECT_EQ(ids_of(by_evidence("can CREATE INDEX CONCURRENTLY run inside a transaction block", pool, 2)),
            (std::vector<std::int64_t>{1, 2}));
  llm::ExtractiveEvidence packed;
  packed.score = 4.0;
  llm::ExtractiveEvidence close = packed, clear = packed, fits = packed;
  close.score = 4.0 * k_evidence_margin;
  clear.score = 4.0 * k_evidence_margin + 0.01;
  fits.fit = 1;
  fits.score = 1.0;
  EXPECT_FALSE(evidence_beats(close, packed));
  EXPECT_TRUE(evidence_beats(clear, packed));
  EXPECT_TRUE(evidence_beats(fits, packed));  // a better fit to the question's kind, whatever the score
}

}  // namespace
}  // namespace strata::ask
