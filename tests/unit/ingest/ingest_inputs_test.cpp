// ingest::Inputs, the first half of a run without its pipeline: what the inputs hand on, in
// order, and what they keep out. A store file in a walked folder is never read as a document (a
// store on a server has no file, so nothing is kept out), '-' is read once and named, and a
// JSONL line that is not a record fails alone. A crawl (web_crawl.h) over a fake site: canonical
// sources, duplicates by content, loaders by content type, links kept for a 304, what --prune may
// remove, and a dry run's list.
#include "ingest/run_inputs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "ingest/web_crawl.h"
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

// ---- Crawls ------------------------------------------------------------------------------------
namespace crawls {

web::FetchResponse page(const std::string& body, const std::string& type = "text/html", const std::string& etag = {}) {
  web::FetchResponse r;
  r.status = 200;
  r.content_type = type;
  r.body = body;
  r.etag = etag;
  return r;
}

struct FakeSite {
  std::map<std::string, web::FetchResponse> pages;
  std::vector<web::FetchRequest> requests;
  web::FetchFn fetch() {
    return [this](const web::FetchRequest& request) {
      requests.push_back(request);
      auto it = pages.find(request.url);
      web::FetchResponse r;
      if (it == pages.end()) {
        r.status = 404;
      } else {
        r = it->second;
        if (!r.etag.empty() && request.if_none_match == r.etag) {
          r.status = 304;
          r.body.clear();
        }
      }
      if (r.url.empty()) r.url = request.url;
      return r;
    };
  }
};

struct RecordingSink : JobSink {
  std::vector<Job> jobs;
  std::vector<std::string> failed, skipped, unchanged_sources;
  std::map<std::string, store::StoredDocument> store;
  void submit(Job job, Named) override { jobs.push_back(std::move(job)); }
  void fail(const std::string& source, const std::string& reason, std::uint64_t) override { failed.push_back(source + ": " + reason); }
  void skip(const std::string& source, const std::string& kind, const std::string&) override { skipped.push_back(kind + " " + source); }
  std::optional<store::StoredDocument> stored(const std::string& source) override {
    const auto it = store.find(source);
    if (it == store.end()) return std::nullopt;
    return it->second;
  }
  void unchanged(const std::string& source, std::uint64_t) override { unchanged_sources.push_back(source); }
  std::vector<std::string> sources() const {
    std::vector<std::string> out;
    for (const Job& j : jobs) out.push_back(j.source);
    return out;
  }
};

web::CrawlClock no_wait() {
  return {[] { return web::CrawlTime{}; }, [](std::chrono::milliseconds) {}};
}

const std::string k_base = "http://docs.test/guide/";

class WebCrawlTest : public ::testing::Test {
 protected:
  WebCrawlTest() {
    options.concurrency = 1;  // the fake site is one thread's
    options.request_delay = std::chrono::milliseconds(0);
    in.options = &options;
  }
  CrawlResult run(const std::string& start = k_base) { return crawl_into(start, in, site.fetch(), sink, no_wait()); }

  FakeSite site;
  RecordingSink sink;
  web::CrawlOptions options;
  CrawlInputs in;
};

TEST_F(WebCrawlTest, PagesBecomeJobsUnderTheirCanonicalUrlsOnceByContent) {
  site.pages[k_base] = page("<a href=\"a.html#top\">a</a> <a href=\"b.html\">b</a> <a href=\"notes.md\">n</a> <a href=\"x.bin\">x</a>");
  site.pages[k_base + "a.html"] = page("<html><head><link rel=\"canonical\" href=\"/guide/a\"></head><body>A</body></html>");
  site.pages[k_base + "b.html"] = site.pages[k_base + "a.html"];  // the same bytes
  site.pages[k_base + "notes.md"] = page("# Notes", "text/plain");
  site.pages[k_base + "x.bin"] = page("\x01\x02", "application/octet-stream");
  const CrawlResult result = run();
  EXPECT_EQ(sink.sources(), (std::vector<std::string>{k_base, k_base + "a", k_base + "notes.md"}));
  ASSERT_EQ(sink.jobs.size(), 3U);
  EXPECT_EQ(sink.jobs[1].forced_loader, LoaderKind::html);
  EXPECT_EQ(sink.jobs[2].forced_loader, LoaderKind::markdown) << "text/plain at a .md path";
  EXPECT_EQ(sink.skipped, (std::vector<std::string>{"duplicate " + k_base + "b.html"}));
  ASSERT_EQ(sink.failed.size(), 1U);
  EXPECT_NE(sink.failed[0].find("x.bin: content type application/octet-stream: no loader reads it"), std::string::npos) << sink.failed[0];
  EXPECT_TRUE(result.complete);
  EXPECT_TRUE(result.alive.contains(k_base + "a"));
  EXPECT_TRUE(result.alive.contains(k_base + "b.html")) << "a duplicate is still on the site";
  EXPECT_TRUE(result.alive.contains(k_base + "x.bin")) << "a page that failed on doubt is kept";
  EXPECT_FALSE(result.alive.contains(k_base + "missing"));
}

// A crawl cut short and resumed from its state (a server's crawl job after a restart): the
// content its pages held goes with the state, so a page met again under another URL is still
// stored once; a resumed crawl saw part of the site, so it is not complete (nothing is pruned).
TEST_F(WebCrawlTest, AResumedCrawlStoresContentMetBeforeTheCutOnce) {
  site.pages[k_base] = page("<a href=\"a.html\">a</a> <a href=\"b.html\">b</a>");
  site.pages[k_base + "a.html"] = page("<p>The same page twice.</p>");
  site.pages[k_base + "b.html"] = site.pages[k_base + "a.html"];
  options.state_every = std::chrono::milliseconds(0);
  std::optional<web::CrawlState> state;
  options.on_state = [&state](web::CrawlState s) { state = std::move(s); };
  options.stop = [this] { return sink.jobs.size() >= 2; };
  run();
  ASSERT_TRUE(state);
  EXPECT_EQ(state->pending, (std::vector<std::pair<std::string, int>>{{k_base + "b.html", 1}}));
  EXPECT_EQ(state->contents.size(), 2U) << "the start page's and a.html's";

  RecordingSink after;
  options.stop = nullptr;
  options.resume = state;
  const CrawlResult result = crawl_into(k_base, in, site.fetch(), after, no_wait());
  EXPECT_TRUE(after.jobs.empty());
  EXPECT_EQ(after.skipped, (std::vector<std::string>{"duplicate " + k_base + "b.html"}));
  EXPECT_FALSE(result.complete);
  ASSERT_FALSE(result.notes.empty());
  EXPECT_NE(result.notes.back().find("went on from the state it saved"), std::string::npos) << result.notes.back();
}

TEST_F(WebCrawlTest, LinksAreKeptInTheMetadataAndFollowedAfterA304) {
  site.pages[k_base] = page("<a href=\"a.html\">a</a> <a href=\"https://other.test/\">o</a>", "text/html", "\"v1\"");
  site.pages[k_base + "a.html"] = page("A", "text/html", "\"a1\"");
  run();
  ASSERT_EQ(sink.jobs.size(), 2U);
  EXPECT_EQ(recorded_links(sink.jobs[0].metadata_json), (std::vector<std::string>{k_base + "a.html"}))
      << "same-origin links only: " << sink.jobs[0].metadata_json;
  // A stored page's metadata nested far deeper than any page's is read as none (a store's rows
  // are data; parsed whole, its copies would recurse once a level and overflow the stack).
  EXPECT_TRUE(recorded_links("{\"links\": " + std::string(200000, '[') + std::string(200000, ']') + "}").empty());
  // The next run: both stored with their validators.
  for (const Job& j : sink.jobs) {
    store::StoredDocument d;
    d.source = j.source;
    d.metadata_json = j.metadata_json;
    d.size_bytes = static_cast<std::int64_t>(j.size);
    sink.store[j.source] = d;
  }
  sink.jobs.clear();
  site.requests.clear();
  const CrawlResult again = run();
  EXPECT_TRUE(sink.jobs.empty());
  EXPECT_EQ(sink.unchanged_sources, (std::vector<std::string>{k_base, k_base + "a.html"})) << "a.html found through the kept links";
  ASSERT_GE(site.requests.size(), 2U);
  EXPECT_EQ(site.requests.back().if_none_match, "\"a1\"");
  EXPECT_TRUE(again.alive.contains(k_base + "a.html"));
}

TEST_F(WebCrawlTest, GonePagesAreNotAliveAndALimitMakesTheCrawlIncomplete) {
  site.pages[k_base] = page("<a href=\"gone.html\">g</a> <a href=\"b.html\">b</a>");
  site.pages[k_base + "b.html"] = page("B");
  CrawlResult result = run();
  EXPECT_TRUE(result.complete);
  EXPECT_FALSE(result.alive.contains(k_base + "gone.html")) << "a 404 says it is gone";
  EXPECT_EQ(sink.failed, (std::vector<std::string>{k_base + "gone.html: HTTP 404"}));
  options.max_pages = 1;
  result = run();
  EXPECT_FALSE(result.complete) << "--max-pages stopped it: --prune must remove nothing";
}

TEST_F(WebCrawlTest, ADryRunListsThePagesAndSubmitsNothing) {
  site.pages[k_base] = page("<a href=\"a.html\">a</a>");
  site.pages[k_base + "a.html"] = page("A");
  in.dry_run = true;
  const CrawlResult result = run();
  EXPECT_TRUE(sink.jobs.empty());
  EXPECT_EQ(result.would_fetch, (std::vector<std::string>{k_base, k_base + "a.html"}));
}

TEST_F(WebCrawlTest, AStartUrlTheFetcherRefusesThrowsBeforeAnyRequest) {
  EXPECT_THROW(run("http://user:secret@docs.test/guide/"), Error);
  EXPECT_THROW(run("ftp://docs.test/guide/"), Error);
  EXPECT_TRUE(site.requests.empty());
}

TEST_F(WebCrawlTest, ARefusedSiteIsTheStartUrlsFailureNotAQuietEmptyRun) {
  const web::FetchFn refuse = [](const web::FetchRequest&) -> web::FetchResponse {
    throw Error(ExitCode::usage, "refused: 127.0.0.1 is a loopback address");
  };
  crawl_into(k_base, in, refuse, sink, no_wait());
  EXPECT_TRUE(sink.jobs.empty());
  EXPECT_EQ(sink.failed, (std::vector<std::string>{
                             k_base + ": refused: 127.0.0.1 is a loopback address (robots.txt could not be read, so nothing was crawled)"}));
}

}  // namespace crawls

}  // namespace
}  // namespace strata::ingest
