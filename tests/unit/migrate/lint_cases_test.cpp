// Other linters' own cases (tests/data/lint-cases/*.jsonl, one file per source, each case with
// its repository, commit and path): strata's verdict on each is the peer's, or, where strata
// disagrees, the one the case states with its reason (strata-migrate(1), "Where strata
// disagrees"). bench/lint_cases.py scores the same files (recall and specificity per source).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "migrate/check/sql_lint.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

DriverKind case_engine(const std::string& name) {
  if (name == "mysql") return DriverKind::mysql;
  if (name == "sqlite") return DriverKind::sqlite;
  return DriverKind::postgres;
}

// "flag" when a warning or error of the case's codes is found in the case's own SQL (the setup
// runs first, as an earlier migration), else "ok".
// `server`: the MySQL or MariaDB judged for (a case's "servers" names each with its verdict).
std::string peer_verdict(const json& c, const std::string& server = {}) {
  SqlLintOptions o;
  o.dialect = case_engine(c.value("engine", "postgres"));
  o.server_version = server;
  std::vector<SqlText> texts;
  if (c.contains("setup")) texts.push_back({"setup.sql", c["setup"].get<std::string>()});
  // A migration tool that runs each file in a transaction: a dbmate section is one.
  texts.push_back({"case.sql", (c.value("in_transaction", false) ? "-- migrate:up\n" : "") + c["sql"].get<std::string>()});
  const std::vector<std::string> codes = c["codes"].get<std::vector<std::string>>();
  for (const Finding& f : lint_sql(texts, o).findings) {
    if (f.file == "case.sql" && f.severity != Severity::info &&
        std::find(codes.begin(), codes.end(), f.code) != codes.end()) {
      return "flag";
    }
  }
  return "ok";
}

TEST(LintCases, EveryPeerCaseGetsItsVerdict) {
  const fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests" / "data" / "lint-cases";
  std::size_t cases = 0, files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".jsonl") continue;
    ++files;
    std::ifstream in(e.path());
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      const json c = json::parse(line);
      ASSERT_TRUE(c.contains("source") && c["source"].contains("repo") && c["source"].contains("commit") &&
                  c["source"].contains("path"))
          << e.path().filename() << ":" << n << " names no source";
      const std::string want = c.value("strata", c["expect"].get<std::string>());
      if (c.contains("strata")) {
        EXPECT_FALSE(c.value("why", "").empty()) << e.path().filename() << ":" << n << ": a disagreement needs its reason";
      }
      EXPECT_EQ(peer_verdict(c), want) << e.path().filename() << ":" << n << " " << c.value("id", "") << "\n" << c["sql"];
      // MySQL's cases say what each server does: the verdict follows the server judged for.
      if (c.contains("servers") && !c.contains("strata")) {
        for (const auto& [server, verdict] : c["servers"].items()) {
          EXPECT_EQ(peer_verdict(c, server), verdict.get<std::string>())
              << e.path().filename() << ":" << n << " " << c.value("id", "") << " on " << server;
        }
      }
      ++cases;
    }
  }
  EXPECT_GE(files, 2U);
  EXPECT_GE(cases, 50U);
}

}  // namespace
}  // namespace strata::migrate
