#include "search/rrf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace strata::search {
namespace {

std::vector<RankedHit> list_of(std::initializer_list<std::int64_t> ids) {
  std::vector<RankedHit> list;
  double score = 100.0;
  for (std::int64_t id : ids) list.push_back({id, score--});
  return list;
}

std::vector<std::int64_t> ids_of(const std::vector<FusedHit>& hits) {
  std::vector<std::int64_t> ids;
  for (const FusedHit& h : hits) ids.push_back(h.id);
  return ids;
}

TEST(SearchRrf, OneListKeepsItsOrder) {
  const std::vector<std::vector<RankedHit>> lists = {list_of({7, 3, 9})};
  const std::vector<FusedHit> hits = fuse_rrf(lists, 10);
  EXPECT_EQ(ids_of(hits), (std::vector<std::int64_t>{7, 3, 9}));
  EXPECT_DOUBLE_EQ(hits[0].score, 1.0 / 61);
  EXPECT_DOUBLE_EQ(hits[2].score, 1.0 / 63);
  ASSERT_EQ(hits[1].lists.size(), 1u);
  EXPECT_EQ(hits[1].lists[0]->rank, 2u);
  EXPECT_DOUBLE_EQ(hits[1].lists[0]->score, 99.0);
}

TEST(SearchRrf, SumsReciprocalRanksAndExplainsEachList) {
  // keyword: 1 2 3 4; vector: 3 5 1
  const std::vector<std::vector<RankedHit>> lists = {list_of({1, 2, 3, 4}), list_of({3, 5, 1})};
  const std::vector<FusedHit> hits = fuse_rrf(lists, 10);
  // 1: 1/61 + 1/63; 3: 1/63 + 1/61 (equal; 1 holds rank 1 in the first list); 2: 1/62;
  // 5: 1/62 (tie with 2, both best rank 2; 2 is in the earlier list); 4: 1/64.
  EXPECT_EQ(ids_of(hits), (std::vector<std::int64_t>{1, 3, 2, 5, 4}));
  EXPECT_DOUBLE_EQ(hits[0].score, 1.0 / 61 + 1.0 / 63);
  EXPECT_EQ(hits[0].lists[0]->rank, 1u);
  EXPECT_EQ(hits[0].lists[1]->rank, 3u);
  EXPECT_EQ(hits[2].id, 2);
  EXPECT_TRUE(hits[2].lists[0].has_value());
  EXPECT_FALSE(hits[2].lists[1].has_value());
  EXPECT_EQ(hits[3].lists[1]->rank, 2u);
  EXPECT_DOUBLE_EQ(hits[3].lists[1]->score, 99.0);
}

TEST(SearchRrf, LimitKeepsTheBest) {
  const std::vector<std::vector<RankedHit>> lists = {list_of({1, 2, 3, 4}), list_of({4, 3})};
  EXPECT_EQ(ids_of(fuse_rrf(lists, 2)), (std::vector<std::int64_t>{4, 3}));
  EXPECT_TRUE(fuse_rrf(lists, 0).empty());
}

TEST(SearchRrf, WeightsScaleEachListsShare) {
  // keyword: 1 2 3; vector: 3 2 1. Equal weights: 1 and 3 tie at 1/61 + 1/63, 2 has 2/62.
  const std::vector<std::vector<RankedHit>> lists = {list_of({1, 2, 3}), list_of({3, 2, 1})};
  const std::vector<double> vector_light = {1.0, 0.2};
  const std::vector<FusedHit> hits = fuse_rrf(lists, 10, kRrfK, vector_light);
  // 1: 1/61 + 0.2/63; 2: 1/62 + 0.2/62; 3: 1/63 + 0.2/61: the first list's order wins.
  EXPECT_EQ(ids_of(hits), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(hits[0].score, 1.0 / 61 + 0.2 / 63);
  EXPECT_DOUBLE_EQ(hits[2].score, 1.0 / 63 + 0.2 / 61);
  // Explain still reports the light list's positions.
  EXPECT_EQ(hits[2].lists[1]->rank, 1u);
  // A heavier second list turns the order round.
  const std::vector<double> keyword_light = {0.2, 1.0};
  EXPECT_EQ(ids_of(fuse_rrf(lists, 10, kRrfK, keyword_light)), (std::vector<std::int64_t>{3, 2, 1}));
}

TEST(SearchRrf, UnitWeightsAreBitwisePlainRrf) {
  const std::vector<std::vector<RankedHit>> lists = {list_of({1, 2, 3, 4}), list_of({3, 5, 1}), list_of({5, 9})};
  const std::vector<double> ones = {1.0, 1.0, 1.0};
  const std::vector<FusedHit> plain = fuse_rrf(lists, 10);
  const std::vector<FusedHit> weighted = fuse_rrf(lists, 10, kRrfK, ones);
  ASSERT_EQ(ids_of(weighted), ids_of(plain));
  for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(weighted[i].score, plain[i].score);
}

TEST(SearchRrf, ZeroWeightListAddsNothingButIsExplained) {
  const std::vector<std::vector<RankedHit>> lists = {list_of({1, 2}), list_of({2, 7})};
  const std::vector<double> weights = {1.0, 0.0};
  const std::vector<FusedHit> hits = fuse_rrf(lists, 10, kRrfK, weights);
  EXPECT_EQ(ids_of(hits), (std::vector<std::int64_t>{1, 2, 7}));
  EXPECT_DOUBLE_EQ(hits[1].score, 1.0 / 62);
  EXPECT_EQ(hits[2].score, 0.0);
  EXPECT_EQ(hits[1].lists[1]->rank, 1u);
}

TEST(SearchRrf, RepeatedIdCountsOnceAtItsBestRank) {
  const std::vector<std::vector<RankedHit>> lists = {list_of({5, 6, 5, 5})};
  const std::vector<FusedHit> hits = fuse_rrf(lists, 10);
  EXPECT_EQ(ids_of(hits), (std::vector<std::int64_t>{5, 6}));
  EXPECT_DOUBLE_EQ(hits[0].score, 1.0 / 61);
}

TEST(SearchRrf, EmptyInputs) {
  EXPECT_TRUE(fuse_rrf({}, 10).empty());
  const std::vector<std::vector<RankedHit>> lists = {{}, list_of({2}), {}};
  const std::vector<FusedHit> hits = fuse_rrf(lists, 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].lists.size(), 3u);
  EXPECT_TRUE(hits[0].lists[1].has_value());
}

TEST(SearchRrf, TiesBreakByBestRankThenListOrder) {
  // Equal fused scores: the id holding the better rank, in the earlier list, comes first.
  const std::vector<std::vector<RankedHit>> lists = {list_of({9, 4}), list_of({4, 9})};
  EXPECT_EQ(ids_of(fuse_rrf(lists, 10)), (std::vector<std::int64_t>{9, 4}));  // 9 has rank 1 in list 0
  const std::vector<std::vector<RankedHit>> solo = {list_of({9}), list_of({4})};
  EXPECT_EQ(ids_of(fuse_rrf(solo, 10)), (std::vector<std::int64_t>{9, 4}));  // list order
  const std::vector<std::vector<RankedHit>> same = {list_of({9}), list_of({9})};
  EXPECT_EQ(ids_of(fuse_rrf(same, 10)), (std::vector<std::int64_t>{9}));
}

TEST(SearchRrf, PropertiesOnRandomLists) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::uniform_int_distribution<int> nlists(1, 4), len(0, 30), id(0, 40);
    std::vector<std::vector<RankedHit>> lists(static_cast<std::size_t>(nlists(rng)));
    for (auto& list : lists) {
      const int n = len(rng);
      for (int i = 0; i < n; ++i) list.push_back({id(rng), 1.0 / (i + 1)});
    }
    const std::vector<FusedHit> all = fuse_rrf(lists, 1000);
    // Every distinct id appears once, with the reference score.
    std::map<std::int64_t, double> expected;
    for (const auto& list : lists) {
      std::map<std::int64_t, bool> seen;
      for (std::size_t r = 0; r < list.size(); ++r) {
        if (seen[list[r].id]) continue;
        seen[list[r].id] = true;
        expected[list[r].id] += 1.0 / (60.0 + static_cast<double>(r + 1));
      }
    }
    ASSERT_EQ(all.size(), expected.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_NEAR(all[i].score, expected[all[i].id], 1e-15);
      if (i > 0) {
        EXPECT_GE(all[i - 1].score, all[i].score);
      }
    }
    // A shorter limit returns a prefix of the full ranking; the same input, the same output.
    const std::size_t limit = all.size() / 2;
    const std::vector<FusedHit> some = fuse_rrf(lists, limit);
    ASSERT_EQ(some.size(), limit);
    for (std::size_t i = 0; i < limit; ++i) EXPECT_EQ(some[i].id, all[i].id);
    EXPECT_EQ(ids_of(fuse_rrf(lists, 1000)), ids_of(all));
  }
}

}  // namespace
}  // namespace strata::search
