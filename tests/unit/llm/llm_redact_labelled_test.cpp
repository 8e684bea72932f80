// `ask --redact` measured on a labelled set (tests/fixtures/redact_labelled.tsv): true findings
// in real-looking text, and ordinary prose and code that looks like them. Precision and recall
// are printed per kind and overall (BENCHMARKS.md "ask", redaction), and held above floors just
// under the figures measured, so a rule change that costs either shows up here.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "llm/redact.h"

namespace strata::llm {
namespace {

struct Labelled {
  std::string label, span, text;
};

std::vector<Labelled> load() {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/tests/fixtures/redact_labelled.tsv");
  std::vector<Labelled> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t a = line.find('\t');
    const std::size_t b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    rows.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  return rows;
}

std::string kind_name(RedactionKind k) {
  const std::string p = placeholder(k);
  return p.substr(1, p.size() - 2);
}

struct Counts {
  int tp = 0, fn = 0, fp = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
};

TEST(LlmRedactLabelled, PrecisionAndRecallOnTheLabelledSet) {
  const std::vector<Labelled> rows = load();
  ASSERT_GE(rows.size(), 90u) << "the labelled set is missing or short";
  std::map<std::string, Counts> by_kind;
  Counts all;
  for (const Labelled& r : rows) {
    const RedactedText out = redact(r.text);
    bool found = false;
    const std::size_t span_at = r.span == "-" ? std::string::npos : r.text.find(r.span);
    if (r.label != "none") {
      ASSERT_NE(span_at, std::string::npos) << "span not in its text: " << r.text;
    }
    for (const Redaction& x : out.redactions) {
      const bool overlaps = span_at != std::string::npos && x.offset < span_at + r.span.size() && span_at < x.offset + x.length;
      if (overlaps && kind_name(x.kind) == r.label && !found) {
        found = true;
        continue;
      }
      // Anything else replaced is a false positive, counted against the kind it was taken for.
      ++by_kind[kind_name(x.kind)].fp;
      ++all.fp;
      std::printf("false positive (%s): %s\n", kind_name(x.kind).c_str(), r.text.substr(x.offset, x.length).c_str());
    }
    if (r.label == "none") continue;
    if (found) {
      ++by_kind[r.label].tp;
      ++all.tp;
    } else {
      ++by_kind[r.label].fn;
      ++all.fn;
      std::printf("missed (%s): %s\n", r.label.c_str(), r.span.c_str());
    }
  }
  std::printf("%-6s %4s %4s %4s %9s %6s\n", "kind", "tp", "fn", "fp", "precision", "recall");
  for (const auto& [kind, c] : by_kind) {
    std::printf("%-6s %4d %4d %4d %9.3f %6.3f\n", kind.c_str(), c.tp, c.fn, c.fp, c.precision(), c.recall());
  }
  std::printf("%-6s %4d %4d %4d %9.3f %6.3f\n", "all", all.tp, all.fn, all.fp, all.precision(), all.recall());
  EXPECT_GE(all.precision(), 0.95);
  EXPECT_GE(all.recall(), 0.98);
}

}  // namespace
}  // namespace strata::llm
