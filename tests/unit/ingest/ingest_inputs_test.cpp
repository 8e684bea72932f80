// ingest::Inputs, the first half of a run without its pipeline: what the inputs hand on, in
// order, and what they keep out. A store file in a walked folder is never read as a document (a
// store on a server has no file, so nothing is kept out), '-' is read once and named, and a
// JSONL line that is not a record fails alone.
#include "ingest/run_inputs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

using strata::testing::TempDir;
using strata::testing::write_file;

// Records what the inputs hand on.
struct JobRecorder : JobSink {
  std::vector<std::string> submitted, named, failed, skipped;
  void submit(Job job, Named n) override {
    if (n == Named::yes) named.push_back(job.source);
    submitted.push_back(job.source);
  }
  void fail(const std::string& source, const std::string& reason, std::uint64_t) override {
    failed.push_back(source + ": " + reason);
  }
  void skip(const std::string& source, const std::string& kind, const std::string&) override {
    skipped.push_back(source + " " + kind);
  }
  void unchanged(const std::string& source, std::uint64_t) override { submitted.push_back(source + " (unchanged)"); }
};

TEST(IngestInputs, TheStoresOwnFilesAreNotReadAndAStoreOnAServerKeepsNothingOut) {
  TempDir dir;
  write_file((dir.path() / "a.md").string(), "# A\n");
  write_file((dir.path() / "store.db").string(), "not a document");
  write_file((dir.path() / "store.db-wal").string(), "not a document");
  write_file((dir.path() / "store.dbx").string(), "a document named like the store");
  IngestRequest r;
  r.paths = {dir.path().string()};
  SourceIds ids(dir.path());
  JobRecorder with_file;
  Inputs(r, ids, (dir.path() / "store.db").string()).read(with_file);
  std::sort(with_file.submitted.begin(), with_file.submitted.end());
  EXPECT_EQ(with_file.submitted, (std::vector<std::string>{"a.md", "store.dbx"}));
  JobRecorder on_server;
  Inputs(r, ids, std::nullopt).read(on_server);
  EXPECT_EQ(on_server.submitted.size(), 4U);
  EXPECT_TRUE(on_server.named.empty());  // found in a folder, not named
}

TEST(IngestInputs, StandardInputIsReadFirstAndNamedAndEmptyIsRefused) {
  TempDir dir;
  std::istringstream in("hello\n");
  IngestRequest r;
  r.paths = {"-"};
  r.stdin_id = "note.txt";
  r.stdin_stream = &in;
  SourceIds ids(dir.path());
  Inputs inputs(r, ids, std::nullopt);
  inputs.read_stdin_document();
  JobRecorder sink;
  inputs.read(sink);
  EXPECT_EQ(sink.submitted, (std::vector<std::string>{"note.txt"}));
  EXPECT_EQ(sink.named, (std::vector<std::string>{"note.txt"}));
  std::istringstream empty;
  r.stdin_stream = &empty;
  Inputs none(r, ids, std::nullopt);
  try {
    none.read_stdin_document();
    FAIL() << "an empty standard input was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    EXPECT_EQ(std::string(e.what()), "standard input ('-') is empty: nothing to ingest");
  }
}

TEST(IngestInputs, AJsonlLineThatIsNoRecordFailsAlone) {
  TempDir dir;
  std::istringstream in("{\"id\": \"a\", \"text\": \"one\"}\nnot json\n{\"id\": \"b\", \"text\": \"two\"}\n");
  IngestRequest r;
  r.jsonl = true;
  r.stdin_stream = &in;
  SourceIds ids(dir.path());
  JobRecorder sink;
  Inputs(r, ids, std::nullopt).read(sink);
  EXPECT_EQ(sink.submitted, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(sink.failed.size(), 1U);
  EXPECT_EQ(sink.failed[0].rfind("standard input:2", 0), 0U) << sink.failed[0];
}

}  // namespace
}  // namespace strata::ingest
