// ask --tools' own read_document (mcp/ask_own_tools.h): a read cut at max_bytes tells the model how
// to read on, and following that advice reaches every passage of the document, also in an HTML
// page whose chunks cite the file's lines (several chunks on one line).
#include "mcp/ask_own_tools.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "ingest/ingest.h"
#include "store/catalog.h"
#include "test_util.h"

namespace strata::mcp {
namespace {

using nlohmann::json;

// A DocBook-shaped page: each section (heading and three paragraphs) on one line of the file,
// longer than a chunk, so several chunks cite the same line.
std::string one_line_sections_page() {
  std::string html = "<!DOCTYPE html>\n<html><head><title>Widgets</title></head>\n<body>\n";
  for (int s = 1; s <= 4; ++s) {
    html += "<div class=\"sect2\"><h3>Widget part " + std::to_string(s) + "</h3>";
    for (int p = 1; p <= 3; ++p) {
      html += "<p>Paragraph " + std::to_string(p) + " of part " + std::to_string(s) +
              " explains how the widget turns its gears, part" + std::to_string(s) + "word" + std::to_string(p) +
              " included, and why the gears never slip.</p>";
    }
    html += "</div>\n";
  }
  return html + "</body></html>\n";
}

TEST(AskOwnTools, FollowingACutReadsAdviceReachesEveryPassageOfAnHtmlPage) {
  testing::TempDir tmp;
  testing::write_file(tmp / "docs/widgets.html", one_line_sections_page());
  ingest::IngestRequest r;
  r.paths = {tmp / "docs/widgets.html"};
  r.store_path = tmp / "store.db";
  r.chunk.size = 200;
  r.threads = 1;
  ingest::IngestObserver quiet;  // reports nothing
  ingest::ingest(r, quiet);

  store::Store st = store::Store::open_existing(tmp / "store.db");
  const std::vector<std::string> sources = store::document_sources(st, "default");
  ASSERT_EQ(sources.size(), 1U);
  ask::AskRequest request;
  llm::ContextPack pack;
  const std::vector<ask::AgentTool> tools = own_agent_tools(st, request, pack);
  ASSERT_EQ(tools[1].spec.name, "read_document");

  // Read from the first line with room for about one chunk at a time, as the model would.
  json arguments = {{"source", sources[0]}, {"start_line", 1}, {"max_bytes", 260}};
  std::string everything;
  const std::regex advice("read on with (first_chunk|start_line) ([0-9]+)\\.");
  int reads = 0;
  for (; reads < 60; ++reads) {
    const ask::ToolOutcome read = tools[1].run(arguments);
    ASSERT_FALSE(read.is_error) << arguments.dump() << "\n" << read.text;
    everything += read.text;
    std::smatch m;
    if (!std::regex_search(read.text, m, advice)) break;
    arguments = {{"source", sources[0]}, {m[1].str(), std::stoll(m[2].str())}, {"max_bytes", 260}};
  }
  EXPECT_GT(reads, 2) << "the page was meant to take several reads";
  for (int s = 1; s <= 4; ++s) {
    for (int p = 1; p <= 3; ++p) {
      const std::string word = "part" + std::to_string(s) + "word" + std::to_string(p);
      EXPECT_NE(everything.find(word), std::string::npos) << word << " never read:\n" << everything;
    }
  }
}

}  // namespace
}  // namespace strata::mcp
