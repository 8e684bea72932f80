// The shared option bundles (cli/option_bundles.h) through the CLI's entry point: every bad value
// of a bundle's flag gets the same message and exit code in every command that has the bundle,
// and the edge values of each range are accepted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_run.h"
#include "commands.h"
#include "option_bundles.h"
#include "test_util.h"

namespace strata::cli {
namespace {

using testing::CliResult;
using testing::run_cli;

// A command line that parses but for the flag under test: the command and its required words.
struct Words {
  const char* name;
  std::vector<std::string> words;
};

const Words k_search{"search", {"search", "q"}};
const Words k_ask{"ask", {"ask", "q"}};
const Words k_chunk{"chunk", {"chunk"}};
const Words k_ingest{"ingest", {"ingest"}};
const Words k_embed{"embed", {"embed"}};

struct BadValue {
  std::string flag, value, message;
};

// The first line of stderr.
std::string error_line(const CliResult& r) { return r.err.substr(0, r.err.find('\n')); }

void expect_refused(const std::vector<Words>& commands, const std::vector<BadValue>& cases) {
  for (const Words& c : commands) {
    for (const BadValue& b : cases) {
      std::vector<std::string> args = c.words;
      args.insert(args.end(), {b.flag, b.value});
      SCOPED_TRACE(std::string("strata ") + c.name + " " + b.flag + " '" + b.value + "'");
      const CliResult r = run_cli(args);
      EXPECT_EQ(r.code, 2);
      EXPECT_EQ(error_line(r), "strata: error: " + b.message);
      if (b.flag != "--where") {  // it has a hint of its own
        EXPECT_NE(r.err.find("strata: hint: run 'strata " + std::string(c.name) + " --help' for usage"), std::string::npos)
            << r.err;
      }
      EXPECT_EQ(r.out, "");
    }
  }
}

std::vector<BadValue> whole_numbers(const std::string& flag, const std::string& wanted,
                                    const std::vector<std::string>& values) {
  std::vector<BadValue> out;
  for (const std::string& v : values) out.push_back({flag, v, flag + " must be " + wanted + " (got '" + v + "')"});
  return out;
}

TEST(CliOptionBundles, RetrievalKIsOneRangeInSearchAndAsk) {
  expect_refused({k_search, k_ask},
                 whole_numbers("-k", "a whole number from 1 to 1000", {"0", "1001", "20000", "x", "-1", "1.5", " 5", ""}));
}

TEST(CliOptionBundles, RetrievalModeAndWhere) {
  expect_refused({k_search, k_ask},
                 {{"--mode", "bogus", "--mode: bogus not in {keyword,vector,hybrid}"},
                  {"--where", "novalue", "--where 'novalue': expected KEY=VALUE, KEY^=PREFIX or KEY~GLOB"},
                  {"--where", "=x", "--where '=x': the key is empty; expected KEY=VALUE, KEY^=PREFIX or KEY~GLOB"},
                  {"--where", "^=x", "--where '^=x': the key is empty; expected KEY=VALUE, KEY^=PREFIX or KEY~GLOB"},
                  {"--where", "~*.md", "--where '~*.md': the key is empty; expected KEY=VALUE, KEY^=PREFIX or KEY~GLOB"},
                  {"--vector-weight", "1.5", "--vector-weight must be a number from 0 to 1 (got '1.5')"},
                  {"--vector-weight", "", "--vector-weight must be a number from 0 to 1 (got '')"}});
}

TEST(CliOptionBundles, ChunkingNumbersAreOneMessageInChunkAndIngest) {
  const std::vector<std::string> bad = {"x", "-1", "1.5", "+3", ""};
  expect_refused({k_chunk, k_ingest}, whole_numbers("--size", "a whole number of 1 or more", {"0", "x", "-1", "1.5", "+3", ""}));
  expect_refused({k_chunk, k_ingest}, whole_numbers("--overlap", "a whole number of 0 or more", bad));
  expect_refused({k_chunk, k_ingest}, whole_numbers("--min-size", "a whole number of 0 or more", bad));
}

TEST(CliOptionBundles, EndpointRangesAreTheSameInEmbedIngestAndAsk) {
  expect_refused({k_embed, k_ingest, k_ask},
                 whole_numbers("--max-retries", "a whole number from 0 to 100", {"101", "50000", "x", "-1", "2.5", ""}));
  std::vector<BadValue> timeouts;
  for (const std::string v : {"0", "-1", "x", "86401", "1e3", "nan", "inf", ""}) {
    timeouts.push_back({"--timeout", v, "--timeout must be a number of seconds above 0, at most 86400, or a duration such as 90s or 1m30s (got '" + v + "')"});
  }
  expect_refused({k_embed, k_ingest, k_ask}, timeouts);
}

// The numbers of one command are checked as the bundles' are: the same words for every kind of
// number, while the command line is parsed.
TEST(CliOptionBundles, EachCommandsOwnNumbersSpeakTheBundlesWords) {
  const std::vector<std::string> bad = {"0", "x", "-1", "1.5", ""};
  for (const char* flag : {"--max-tokens", "--context-tokens", "--conversation"}) {
    expect_refused({k_ask}, whole_numbers(flag, "a whole number of 1 or more", bad));
  }
  for (const char* flag : {"--dimensions", "--batch-size", "--batch-tokens", "--max-input-tokens"}) {
    expect_refused({k_embed}, whole_numbers(flag, "a whole number of 1 or more", bad));
  }
  expect_refused({k_embed}, whole_numbers("--concurrency", "a whole number from 1 to 64", {"0", "65", "x", ""}));
  std::vector<BadValue> temperatures;
  for (const std::string v : {"2.5", "-1", "x", "1e0", "nan", ""}) {
    temperatures.push_back({"--temperature", v, "--temperature must be a number from 0 to 2 (got '" + v + "')"});
  }
  expect_refused({k_ask}, temperatures);
  const Words logs{"logs", {"logs"}};
  expect_refused({logs}, whole_numbers("--limit", "a whole number of 0 or more", {"-1", "x", ""}));
  expect_refused({logs}, whole_numbers("--conversation", "a whole number of 1 or more", bad));
  for (const std::string v : {"0", "x", "-1"}) {
    const CliResult r = run_cli({"logs", "show", v});
    EXPECT_EQ(r.code, 2) << v;
    EXPECT_EQ(error_line(r), "strata: error: ID must be a whole number of 1 or more (got '" + v + "')");
  }
}

// chunk and ingest word a chunk setting that cannot be used the same way (chunk/setting_errors.h).
TEST(CliOptionBundles, ChunkSettingsThatCannotBeUsedAreOneMessageInChunkAndIngest) {
  const strata::testing::TempDir dir;
  const std::string text = dir / "a.txt";
  strata::testing::write_file(dir / "a.txt", "hello\n");
  for (const Words& c : {k_chunk, k_ingest}) {
    SCOPED_TRACE(c.name);
    const auto stderr_of = [&](std::vector<std::string> flags) {
      std::vector<std::string> args = c.words;
      args.insert(args.end(), flags.begin(), flags.end());
      if (c.words[0] == "ingest") args.insert(args.end(), {"--store", dir / "s.db"});
      args.push_back(text);
      const CliResult r = run_cli(args);
      EXPECT_EQ(r.code, 2) << r.err;
      EXPECT_EQ(r.out, "");
      return r.err;
    };
    EXPECT_EQ(stderr_of({"--size", "500", "--overlap", "600"}),
              "strata: error: --overlap (600) must be below --size (500)\n");
    EXPECT_EQ(stderr_of({"--size", "100", "--min-size", "200"}),
              "strata: error: --min-size (200) must be below --size (100)\n"
              "strata: hint: 0 turns the joining of small chunks off\n");
    EXPECT_EQ(stderr_of({"--unit", "lines"}),
              "strata: error: --unit: unknown unit 'lines'\nstrata: hint: use chars, bytes or tokens\n");
    EXPECT_EQ(stderr_of({"--tokenizer", "gpt2"}),
              "strata: error: --tokenizer: unknown tokenizer 'gpt2'\nstrata: hint: use cl100k_base or o200k_base\n");
  }
}

TEST(CliOptionBundles, OutputColorIsCheckedInEveryCommand) {
  for (const Command& c : commands()) {
    std::vector<std::string> args = {std::string(c.name), "--color", "purple"};
    if (c.name == "migrate") args.push_back("status");
    SCOPED_TRACE("strata " + std::string(c.name));
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(error_line(r), "strata: error: --color: purple not in {auto,always,never}");
  }
}

// The edge of each range is a value the command takes: the run goes on past the flags and stops
// at the missing store or input (exit 7 or 3), never at a usage error.
TEST(CliOptionBundles, TheEdgesOfEachRangeAreAccepted) {
  const std::string missing = "/dev/null/store.db";  // under a file: nothing can be created there
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"search", "q", "--store", missing, "-k", "1"},
           {"search", "q", "--store", missing, "-k", "1000", "--where", "team=legal", "--where", "a^=b", "--where", "c~*.md"},
           {"ask", "q", "--store", missing, "-k", "1000", "--max-retries", "100", "--timeout", "86400"},
           {"ask", "q", "--store", missing, "--max-retries", "0", "--timeout", "0.5"},
           {"embed", "--store", missing, "--max-retries", "100", "--timeout", "0.001"},
           {"chunk", "--size", "1", "--overlap", "0", "--min-size", "0", missing},
       }) {
    std::string line;
    for (const std::string& a : args) line += " " + a;
    SCOPED_TRACE("strata" + line);
    const CliResult r = run_cli(args);
    EXPECT_NE(r.code, 2) << r.err;
    EXPECT_NE(r.code, 0) << r.err;
  }
}

TEST(CliOptionBundles, ChosenColorIsTheLastColorBeforeDoubleDash) {
  EXPECT_EQ(chosen_color({}), ColorMode::automatic);
  EXPECT_EQ(chosen_color({"--color", "never", "chunk"}), ColorMode::never);
  EXPECT_EQ(chosen_color({"--color=never", "chunk", "--color", "always"}), ColorMode::always);
  EXPECT_EQ(chosen_color({"chunk", "--color=always"}), ColorMode::always);
  EXPECT_EQ(chosen_color({"search", "--", "--color", "always"}), ColorMode::automatic);
  EXPECT_EQ(chosen_color({"chunk", "--color"}), ColorMode::automatic);
  EXPECT_EQ(chosen_color({"chunk", "--color", "auto"}), ColorMode::automatic);
}

TEST(CliCommandTable, HelpListsEveryCommandWithItsSummary) {
  const CliResult r = run_cli({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const Command& c : commands()) {
    EXPECT_NE(r.out.find("  " + std::string(c.name) + " "), std::string::npos) << c.name;
    EXPECT_NE(r.out.find(std::string(c.summary)), std::string::npos) << c.name;
  }
}

TEST(CliCommandTable, EachCommandsHelpComesFromItsSetup) {
  for (const Command& c : commands()) {
    const CliResult r = run_cli({std::string(c.name), "--help"});
    SCOPED_TRACE(std::string(c.name));
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("Usage: strata " + std::string(c.name)), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--color"), std::string::npos);
  }
}

}  // namespace
}  // namespace strata::cli
