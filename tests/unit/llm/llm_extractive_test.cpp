#include "llm/extractive.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "llm/citations.h"

namespace strata::llm {
namespace {

Source source(std::size_t number, std::string text) {
  Source s;
  s.number = number;
  s.chunk.source = "doc" + std::to_string(number) + ".md";
  s.chunk.text = std::move(text);
  return s;
}

TEST(LlmExtractive, StemsAndDropsStopWords) {
  EXPECT_EQ(extractive_terms("How are the indexes indexed while indexing?"),
            (std::vector<std::string>{"index", "index", "index"}));
  EXPECT_EQ(extractive_terms("queries query running runs stored stores store quickly"),
            (std::vector<std::string>{"query", "query", "run", "run", "stor", "stor", "stor", "quick"}));
  EXPECT_EQ(extractive_terms("The C++ café, v2!"), (std::vector<std::string>{"c", "café", "v2"}));
}

TEST(LlmExtractive, PicksTheMatchingSentencesWithCitations) {
  const std::vector<Source> sources = {
      source(1, "Strata is a command-line tool. It stores chunks in SQLite with an FTS5 index. "
                "The logo is blue."),
      source(2, "Vector search is exact: every vector is scored. Dr. Smith wrote the vector index in 2024."),
  };
  const ExtractiveAnswer a = extractive_answer("Where are chunks stored?", sources);
  ASSERT_TRUE(a.matched);
  ASSERT_FALSE(a.sentences.empty());
  EXPECT_EQ(a.sentences[0].text, "It stores chunks in SQLite with an FTS5 index.");
  EXPECT_EQ(a.sentences[0].source, 1u);
  EXPECT_EQ(a.text.substr(0, 50), "It stores chunks in SQLite with an FTS5 index [1].");
  EXPECT_EQ(a.text.find("logo"), std::string::npos);

  const ExtractiveAnswer v = extractive_answer("How does the vector index work?", sources);
  ASSERT_TRUE(v.matched);
  // "Dr." does not end a sentence; the answer follows source order, then document order.
  ASSERT_EQ(v.sentences.size(), 3u);
  EXPECT_EQ(v.sentences[0].text, "It stores chunks in SQLite with an FTS5 index.");  // "index"
  EXPECT_EQ(v.sentences[1].text, "Vector search is exact: every vector is scored.");
  EXPECT_EQ(v.sentences[2].text, "Dr. Smith wrote the vector index in 2024.");
  EXPECT_GT(v.sentences[2].score, v.sentences[0].score);
  EXPECT_EQ(v.text,
            "It stores chunks in SQLite with an FTS5 index [1].\n\n"
            "Vector search is exact: every vector is scored [2]. Dr. Smith wrote the vector index in 2024 [2].");
  EXPECT_TRUE(check_citations(v.text, sources.size()).unknown.empty());
}

// A question about a default is led by the sentence that states the default of what it names:
// here the entry whose title names the setting, not another entry's default that mentions it,
// nor a sentence about defaults that gives no value.
TEST(LlmExtractive, ADefaultQuestionLeadsWithTheDefaultOfItsSubject) {
  const std::vector<Source> sources = {
      source(1, "autovacuum_mem (integer)\n\nSpecifies the maximum amount of memory for each autovacuum worker. "
                "It defaults to -1, indicating that the value of maintenance_work_mem should be used instead.\n\n"
                "maintenance_work_mem (integer)\n\nSpecifies the maximum amount of memory for maintenance operations. "
                "If this value is specified without units, it is taken as kilobytes. "
                "The default value is 64 megabytes (64MB)."),
      source(2, "You can give a role a non-default setting of maintenance_work_mem with ALTER ROLE."),
  };
  const ExtractiveAnswer a = extractive_answer("what is the default maintenance_work_mem", sources);
  ASSERT_TRUE(a.matched);
  ASSERT_FALSE(a.sentences.empty());
  EXPECT_EQ(a.sentences[0].text, "The default value is 64 megabytes (64MB).");
  EXPECT_EQ(a.text.substr(0, 45), "The default value is 64 megabytes (64MB) [1].");

  // The same passages asked something else keep the documents' order.
  const ExtractiveAnswer other = extractive_answer("how much memory does an autovacuum worker use", sources);
  ASSERT_FALSE(other.sentences.empty());
  EXPECT_EQ(other.sentences[0].text, "Specifies the maximum amount of memory for each autovacuum worker.");
}

// "which X for Y": the sentence that assigns X a value for Y leads, not one that assigns X a
// value for something else (replication slots; logical decoding) nor one that only mentions X.
TEST(LlmExtractive, AWhichQuestionLeadsWithTheValueAssignedForItsSubject) {
  const std::vector<Source> sources = {
      source(1, "wal_level determines how much information is written to the WAL. "
                "Also, wal_level must be set to replica or higher to allow replication slots to be used."),
      source(2, "The following example demonstrates controlling logical decoding using the SQL interface. "
                "Before you can use logical decoding, you must set wal_level to logical and max_replication_slots to at least 1."),
      source(3, "Logical replication requires several configuration options to be set.\n\n"
                "On the publisher side, wal_level must be set to logical, and max_replication_slots must be set to at "
                "least the number of subscriptions expected to connect."),
  };
  const ExtractiveAnswer a = extractive_answer("which wal_level for logical replication", sources);
  ASSERT_FALSE(a.sentences.empty());
  EXPECT_EQ(a.sentences[0].source, 3u);
  EXPECT_TRUE(a.sentences[0].text.starts_with("On the publisher side, wal_level must be set to logical")) << a.text;

  // The evidence ranks the passages the same way: an assignment for Y, then one for something
  // else, then a mention; another kind of question has no fit.
  const std::vector<ExtractiveEvidence> e = extractive_evidence("which wal_level for logical replication", sources);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_GT(e[2].fit, e[1].fit);
  EXPECT_GT(e[2], e[0]);
  EXPECT_GT(e[0].score, 0.0);
  for (const ExtractiveEvidence& x : extractive_evidence("how does logical replication work", sources)) EXPECT_EQ(x.fit, 0u);
}

// The name the question gives as written ("shared_buffers") in an entry's title outweighs a
// neighbour's sentence that names more of the question's words in passing; of two entries'
// defaults, the current one with a number leads, not a change note nor one that names another name.
TEST(LlmExtractive, ADefaultQuestionPrefersItsNamesEntryANumberAndTheCurrentValue) {
  const std::vector<Source> sources = {
      source(1, "wal_buffers (integer)\n\nThe default setting of -1 selects a size equal to 1/32nd of shared_buffers "
                "buffers size.\n\nshared_buffers (integer)\n\nSets the amount of memory for shared memory buffers. "
                "The default is typically 128 megabytes (128MB)."),
  };
  const ExtractiveAnswer a = extractive_answer("default shared_buffers size", sources);
  ASSERT_FALSE(a.sentences.empty());
  EXPECT_EQ(a.sentences[0].text, "The default is typically 128 megabytes (128MB).");

  const std::vector<Source> pickle = {
      source(1, "pickle.dump(obj, file, protocol=None)\n\nThe optional protocol argument is an integer. "
                "If not specified, the default is DEFAULT_PROTOCOL.\n\npickle.DEFAULT_PROTOCOL\n\n"
                "An integer, the default protocol version used for pickling. "
                "Changed in version 3.0: The default protocol is 3. "
                "Currently the default protocol is 4, first introduced in Python 3.4."),
  };
  const ExtractiveAnswer p = extractive_answer("what is the default pickle protocol", pickle);
  ASSERT_FALSE(p.sentences.empty());
  EXPECT_EQ(p.sentences[0].text, "Currently the default protocol is 4, first introduced in Python 3.4.");

  // "8000 by default" gives its number before the word.
  Source server = source(1, "The default port for the HTTP protocol (always 80).\n\n"
                            "The server listens to port 8000 by default.");
  server.chunk.title = "http.server — HTTP servers";
  const std::vector<Source> port = {server};
  const ExtractiveAnswer d = extractive_answer("what port does python -m http.server use by default", port);
  ASSERT_FALSE(d.sentences.empty());
  EXPECT_EQ(d.sentences[0].text, "The server listens to port 8000 by default.");
}

// A CamelCase name counts for its parts too: "TestClient" is about testing.
TEST(LlmExtractive, ACamelCaseNameMatchesItsParts) {
  EXPECT_EQ(extractive_terms("TestClient CORSMiddleware"),
            (std::vector<std::string>{"testclient", "test", "client", "corsmiddlewar", "cor", "middlewar"}));
  EXPECT_EQ(extractive_terms("HTTP DEFAULT_PROTOCOL"), (std::vector<std::string>{"http", "default", "protocol"}));
  const std::vector<Source> sources = {
      source(1, "The weather is fine today in the valley.\n\nCreate a TestClient by passing your application to it."),
  };
  const ExtractiveAnswer a = extractive_answer("how do I test my endpoints", sources);
  ASSERT_TRUE(a.matched);
  ASSERT_EQ(a.sentences.size(), 1u);
  EXPECT_EQ(a.sentences[0].text, "Create a TestClient by passing your application to it.");
}

// What leads an answer, by the kind of question: one passage, one question, the first sentence.
struct LeadCase {
  const char* why;
  const char* passage;
  const char* question;
  const char* lead;
};
constexpr LeadCase k_lead_cases[] = {
    {"'what does X do': X's entry, whose heading names it though its sentences do not; a bare word on a "
     "line of its own (roff's .B redo inside a sentence) is no heading",
     "## DRY RUN\n\nWith --dry-run, up, down and\nredo\nprint the SQL that would run for each migration redo would "
     "redo.\n\n## redo [options]\n\nRoll back the newest n applied migrations, then apply the same migrations again."
     "\n\n## create\n\nCreate the database.",
     "what does strata migrate redo do",
     "Roll back the newest n applied migrations, then apply the same migrations again."},
    {"'can I X': 'you can X', over an instruction with its code",
     "Then, declare your path operation functions with async def like:\n\n```Python\nasync def read():\n    return 1\n"
     "```\n\nNote: You can mix def and async def in your path operation functions as much as you need.",
     "can I mix def and async def path operation functions",
     "Note: You can mix def and async def in your path operation functions as much as you need."},
    {"command lines a man page shows without a prompt are code, never sentences",
     "strata ask --base-url http://localhost:11434/v1 --model llama3.2 'what does redo do?'\n"
     "strata ask -c 'and for the store?'\n\nThe redo command rolls back and applies again.",
     "redo store", "The redo command rolls back and applies again."},
};

TEST(LlmExtractive, TheKindOfQuestionChoosesTheLead) {
  for (const LeadCase& c : k_lead_cases) {
    const std::vector<Source> sources = {source(1, c.passage)};
    const ExtractiveAnswer a = extractive_answer(c.question, sources);
    ASSERT_FALSE(a.sentences.empty()) << c.why;
    EXPECT_EQ(a.sentences[0].text, c.lead) << c.why;
  }
}

// A title alone ("port (integer)") counts for a third of a sentence: it never leads an answer
// over the sentence under it.
TEST(LlmExtractive, AShortTitleDoesNotLead) {
  const std::vector<Source> sources = {
      source(1, "port (integer)\n\nThe TCP port number the server listens on; 5432 by default."),
  };
  const ExtractiveAnswer a = extractive_answer("which port number does the server listen on", sources);
  ASSERT_FALSE(a.sentences.empty());
  EXPECT_EQ(a.sentences[0].text, "The TCP port number the server listens on; 5432 by default.");
}

TEST(LlmExtractive, OrdersBySourceThenDocumentAndSeparatesSources) {
  const std::vector<Source> sources = {
      source(1, "Backups run nightly with a rotating backup key. Restores need the backup key."),
      source(2, "Backup files are encrypted with the backup key. The backup key lives in the vault."),
      source(3, "The weather is nice today. Lunch is served at noon. Parking is free on Sundays."),
  };
  ExtractiveOptions options;
  options.max_sentences = 4;
  const ExtractiveAnswer a = extractive_answer("backup key", sources, options);
  ASSERT_EQ(a.sentences.size(), 4u);
  EXPECT_EQ(a.sentences[0].source, 1u);
  EXPECT_EQ(a.sentences[1].source, 1u);
  EXPECT_LT(a.sentences[0].offset, a.sentences[1].offset);
  EXPECT_EQ(a.sentences[2].source, 2u);
  EXPECT_LT(a.sentences[2].offset, a.sentences[3].offset);
  EXPECT_NE(a.text.find("backup key [1].\n\nBackup files"), std::string::npos) << a.text;
}

// One term that every candidate shares says nothing: such sentences fall under the floor.
TEST(LlmExtractive, DropsSentencesFarBelowTheBest) {
  const std::vector<Source> sources = {
      source(1, "Backups run nightly at two. Restores need the backup key."),
      source(2, "Backup files are encrypted. The backup key lives in the vault."),
  };
  const ExtractiveAnswer a = extractive_answer("backup key", sources);
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.text, "Restores need the backup key [1].\n\nThe backup key lives in the vault [2].");
}

TEST(LlmExtractive, BudgetsLimitTheAnswer) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Sentence " + std::to_string(i) + " mentions the widget factory. ";
  const std::vector<Source> sources = {source(1, text)};
  ExtractiveOptions options;
  options.max_sentences = 3;
  EXPECT_EQ(extractive_answer("widget factory", sources, options).sentences.size(), 3u);
  options.max_sentences = 10;
  options.max_chars = 100;
  const ExtractiveAnswer a = extractive_answer("widget factory", sources, options);
  std::size_t chars = 0;
  for (const auto& s : a.sentences) chars += s.text.size();
  EXPECT_LE(chars, 100u);
  EXPECT_GE(a.sentences.size(), 1u);
}

TEST(LlmExtractive, SkipsNearDuplicates) {
  const std::vector<Source> sources = {
      source(1, "The cache expires after ten minutes."),
      source(2, "The cache expires after ten minutes!"),
      source(3, "Cache entries are keyed by the request."),
      source(4, "The weather is nice today. Lunch is served at noon. Parking is free on Sundays."),
  };
  const ExtractiveAnswer a = extractive_answer("cache expires", sources);
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.sentences[0].source, 1u);
  EXPECT_EQ(a.sentences[1].source, 3u);
}

TEST(LlmExtractive, ListsAndHeadingsAreSplitAndCleaned) {
  const std::vector<Source> sources = {source(1,
                                              "# Install strata\n"
                                              "- Download the release archive for Linux\n"
                                              "- Unpack the archive into /usr/local\n"
                                              "1. Run strata init in your project\n")};
  const ExtractiveAnswer a = extractive_answer("unpack the archive", sources);
  ASSERT_TRUE(a.matched);
  ASSERT_EQ(a.sentences.size(), 2u);  // the heading is too short to be a candidate
  EXPECT_EQ(a.sentences[0].text, "Download the release archive for Linux");
  EXPECT_EQ(a.sentences[1].text, "Unpack the archive into /usr/local");
  EXPECT_GT(a.sentences[1].score, a.sentences[0].score);
  EXPECT_EQ(a.text, "Download the release archive for Linux [1] Unpack the archive into /usr/local [1]");
}

TEST(LlmExtractive, HardWrappedLinesReadAsOneSentence) {
  // A paragraph and list items wrapped over several lines: a single line break is a space.
  const std::vector<Source> sources = {source(1,
                                              "The snapshot of the vector index is written\n"
                                              "beside the store after the first query.\n\n"
                                              "- Restore the archive into a fresh directory\n"
                                              "  before you open the store again\n"
                                              "- Check the vault key\n"
                                              "1. Rotate the backup key every month\n"
                                              "   and record the rotation in the log\n")};
  ExtractiveOptions options;
  options.max_sentences = 10;
  const ExtractiveAnswer a = extractive_answer("snapshot restore archive rotate backup key vault", sources, options);
  std::vector<std::string> texts;
  for (const ExtractedSentence& s : a.sentences) texts.push_back(s.text);
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "The snapshot of the vector index is written beside the store after the first query.",
                       "Restore the archive into a fresh directory before you open the store again",
                       "Check the vault key",
                       "Rotate the backup key every month and record the rotation in the log",
                   }));
  // Offsets point at each sentence's start in the source text.
  ASSERT_EQ(a.sentences.size(), 4u);
  EXPECT_EQ(sources[0].chunk.text.substr(a.sentences[1].offset, 9), "- Restore");
  // "1." before a capital ends a sentence for the shared sentence rules; the item starts after it.
  EXPECT_EQ(sources[0].chunk.text.substr(a.sentences[3].offset, 6), "Rotate");
}

TEST(LlmExtractive, HeadingsAndNextListItemsStillCut) {
  // A heading is one line even without a blank line after it; a line starting a list item,
  // a quote or a heading starts a new candidate even inside a sentence.
  const std::vector<Source> sources = {source(1,
                                              "## Backup key rotation schedule\n"
                                              "The backup key changes monthly\n"
                                              "> A backup key needs the vault\n"
                                              "* Each backup key lands in audit logs\n"
                                              "# Old backup key files expire yearly\n")};
  ExtractiveOptions options;
  options.max_sentences = 10;
  const ExtractiveAnswer a = extractive_answer("backup key", sources, options);
  std::vector<std::string> texts;
  for (const ExtractedSentence& s : a.sentences) texts.push_back(s.text);
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "Backup key rotation schedule",
                       "The backup key changes monthly",
                       "A backup key needs the vault",
                       "Each backup key lands in audit logs",
                       "Old backup key files expire yearly",
                   }));
}

TEST(LlmExtractive, NoMatchFallsBackToTheTopSource) {
  const std::vector<Source> sources = {source(1, "Alpha is the first letter. Beta comes second. Gamma third."),
                                       source(2, "Unrelated words only here.")};
  const ExtractiveAnswer a = extractive_answer("zebra xylophone", sources);
  EXPECT_FALSE(a.matched);
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.text, "Alpha is the first letter [1]. Beta comes second [1].");
  EXPECT_TRUE(extractive_answer("anything", {}).text.empty());
  EXPECT_FALSE(extractive_answer("the of and", sources).matched);  // stop words only
}

TEST(LlmExtractive, HigherRankedSourceWinsATie) {
  const std::vector<Source> sources = {source(1, "Ports default to eight thousand here."),
                                       source(2, "Ports default to eight thousand here.")};
  ExtractiveOptions options;
  options.max_sentences = 1;
  const ExtractiveAnswer a = extractive_answer("default ports", sources, options);
  ASSERT_EQ(a.sentences.size(), 1u);
  EXPECT_EQ(a.sentences[0].source, 1u);
}

TEST(LlmExtractive, CodeIsNotACandidate) {
  const std::vector<Source> sources = {source(1, "int main() { return cache->get(key) ?: -1; }\n\nThe cache returns -1 on a miss.")};
  const ExtractiveAnswer a = extractive_answer("cache get miss", sources);
  ASSERT_EQ(a.sentences.size(), 1u);
  EXPECT_EQ(a.sentences[0].text, "The cache returns -1 on a miss.");
}

TEST(LlmExtractive, InlineMarkupIsDropped) {
  const std::vector<Source> sources = {source(
      1, "From `typing`, import **`List`** (with a *capital* `L`) as the [typing docs](https://docs.python.org/typing) "
         "and <b>the guide</b> say, {!> ../docs_src/x.py!} then keep `a * b`, __init__ and user_agent as _written_.")};
  const ExtractiveAnswer a = extractive_answer("import List from typing", sources);
  ASSERT_EQ(a.sentences.size(), 1u);
  EXPECT_EQ(a.sentences[0].text,
            "From typing, import List (with a capital L) as the typing docs and the guide say, then keep a * b, "
            "__init__ and user_agent as written.");
}

TEST(LlmExtractive, ASentenceEndingInAColonKeepsTheCodeItIntroduces) {
  const std::vector<Source> sources = {source(
      1, "To disable the conversion of underscores, set the parameter convert_underscores to False:\n\n"
         "//// tab | Python 3.10+\n\n"
         "```Python hl_lines=\"10\"\n"
         "def read(user_agent: str = Header(convert_underscores=False)):\n"
         "    return user_agent\n"
         "```\n\n"
         "////\n\n"
         "The conversion of underscores is on by default for every header.")};
  const ExtractiveAnswer a = extractive_answer("disable the conversion of underscores in headers", sources);
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.sentences[0].code,
            "```Python hl_lines=\"10\"\ndef read(user_agent: str = Header(convert_underscores=False)):\n    return user_agent\n```");
  EXPECT_EQ(a.text,
            "To disable the conversion of underscores, set the parameter convert_underscores to False [1]:\n\n"
            "```Python hl_lines=\"10\"\ndef read(user_agent: str = Header(convert_underscores=False)):\n    return user_agent\n```\n\n"
            "The conversion of underscores is on by default for every header [1].");
  EXPECT_TRUE(a.sentences[1].code.empty());
}

TEST(LlmExtractive, NoCodeForAnIncludeOnlyBlockOrOneTooLong) {
  std::string long_code = "```\n";
  for (int i = 0; i < 50; ++i) long_code += "x = " + std::to_string(i) + "\n";
  long_code += "```\n";
  const std::vector<Source> sources = {
      source(1, "Declare the header parameters in the function like this:\n\n```Python\n{!> ../../docs_src/header.py!}\n```\n"),
      source(2, "The header parameters of a long function are declared in full below:\n\n" + long_code)};
  const ExtractiveAnswer a = extractive_answer("declare header parameters function", sources);
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_TRUE(a.sentences[0].code.empty());
  EXPECT_TRUE(a.sentences[1].code.empty());
  EXPECT_EQ(a.text.find("```"), std::string::npos);
}

// A man page shows shell examples as indented "$ " lines, without fences: they are code, never a
// candidate, and a sentence ending in ':' keeps the ones it introduces.
TEST(LlmExtractive, ShellExamplesAreCodeAndKeptByTheSentenceThatIntroducesThem) {
  const std::vector<Source> sources = {source(
      1, "       Roll back the newest migration or every applied one:\n\n"
         "              $ strata migrate down\n"
         "              $ strata migrate down --all\n\n"
         "       Apply them again:\n\n"
         "              $ strata migrate up the rolled back migration again\n")};
  const ExtractiveAnswer a = extractive_answer("roll back a migration", sources);
  ASSERT_EQ(a.sentences.size(), 1u);
  EXPECT_EQ(a.sentences[0].text, "Roll back the newest migration or every applied one:");
  EXPECT_EQ(a.sentences[0].code, "```\n$ strata migrate down\n$ strata migrate down --all\n```");
  EXPECT_EQ(a.text,
            "Roll back the newest migration or every applied one [1]:\n\n```\n$ strata migrate down\n"
            "$ strata migrate down --all\n```");
}

// A sentence holding the whole question word for word quotes it (an example of asking it); the
// sentence that answers it in its own words wins, and the quote falls under the floor.
TEST(LlmExtractive, ASentenceQuotingTheQuestionIsWeakEvidence) {
  const std::vector<Source> sources = {
      source(1, "Try asking strata how do I roll back a migration and read the sources it cites."),
      source(2, "The down command rolls back the newest applied migration, one migration by default.")};
  const ExtractiveAnswer a = extractive_answer("how do I roll back a migration", sources);
  ASSERT_EQ(a.sentences.size(), 1u);
  EXPECT_EQ(a.sentences[0].source, 2u);
  // A sentence is a quote only when it holds the whole question from its question word on; a
  // question of keywords quotes nothing.
  const std::vector<Source> answers = {source(1, "To roll back a migration, run the down command of migrate.")};
  const std::vector<Source> quotes = {source(1, "Ask how do I roll back a migration, run the down command of migrate.")};
  const double answer = extractive_answer("how do I roll back a migration", answers).sentences.at(0).score;
  const double quote = extractive_answer("how do I roll back a migration", quotes).sentences.at(0).score;
  EXPECT_LT(quote, 0.2 * answer);
  // A question word whose stem is no stop word ("does" -> "doe") still opens a question.
  const std::vector<Source> asked = {source(1, "Ask does rollback run the down section, and the sources answer.")};
  const std::vector<Source> answered = {source(1, "Yes: rollback does run the down section, newest first.")};
  EXPECT_LT(extractive_answer("does rollback run the down section", asked).sentences.at(0).score,
            0.2 * extractive_answer("does rollback run the down section", answered).sentences.at(0).score);
  EXPECT_GT(extractive_answer("roll back a migration", quotes).sentences.at(0).score,
            0.5 * extractive_answer("roll back a migration", answers).sentences.at(0).score);
}

// The sentence that introduces a command leads the answer (when it scores at least half the
// best); one far below the best does not, and without one the documents' order stays.
TEST(LlmExtractive, AnInstructionWithItsCommandLeads) {
  const std::vector<Source> sources = {
      source(1, "Without options one migration is rolled back. Every applied migration can be rolled back with --all."),
      source(2, "Roll back the newest migration:\n\n    $ strata migrate down\n")};
  const ExtractiveAnswer a = extractive_answer("how do I roll back a migration", sources);
  ASSERT_EQ(a.sentences.size(), 3u);
  EXPECT_EQ(a.sentences[0].source, 2u);
  EXPECT_TRUE(a.text.starts_with("Roll back the newest migration [2]:\n\n```\n$ strata migrate down\n```\n\nWithout options"))
      << a.text;
  EXPECT_EQ(a.sentences[1].text, "Without options one migration is rolled back.");
  EXPECT_EQ(a.sentences[2].source, 1u);
  const std::vector<Source> weak = {
      source(1, "Roll back a migration: every applied migration is rolled back with its down section, newest first."),
      source(2, "See the newest release notes:\n\n    $ strata --version\n")};
  const ExtractiveAnswer b = extractive_answer("roll back a migration newest", weak);
  ASSERT_FALSE(b.sentences.empty());
  EXPECT_EQ(b.sentences[0].source, 1u);
}

// "how do I X": the instruction that says X in its own verb, with its code, leads, over a sentence
// that introduces other code and repeats the question's words more (the instruction rule alone
// would lead with that one, the higher score).
TEST(LlmExtractive, AHowQuestionLeadsWithTheInstructionForItsAction) {
  const std::vector<Source> sources = {
      source(1, "A virtual environment is created on top of an existing virtual environment or installation, and the "
                "virtual environment lists its environment variables:\n\n    $ env\n"),
      source(2, "To create a virtual environment, run the venv module with the directory path:\n\n    $ python3 -m venv tutorial-env\n")};
  const ExtractiveAnswer a = extractive_answer("how do I create a virtual environment", sources);
  ASSERT_FALSE(a.sentences.empty());
  EXPECT_EQ(a.sentences[0].source, 2u) << a.text;
  EXPECT_EQ(a.sentences[0].code, "```\n$ python3 -m venv tutorial-env\n```");
}

}  // namespace
}  // namespace strata::llm
