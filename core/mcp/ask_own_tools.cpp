#include "mcp/ask_own_tools.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/utf8.h"
#include "service/document_range.h"
#include "service/documents.h"
#include "service/profile.h"
#include "service/search.h"
#include "mcp/tools.h"
#include "store/catalog.h"

namespace strata::mcp {
namespace {

using nlohmann::json;

// A passage's text in a search result here: a chunk is seldom longer; read_document gives more.
// Twice the MCP tool's (service::k_passage_bytes): these go into the answer's numbered sources.
constexpr std::size_t k_passage_bytes = 4000;
// read_document's largest read here (the MCP tool allows 200000): every read stays in the
// conversation for the following requests, and the model's window is shared with the sources.
constexpr std::size_t k_read_bytes = 32000;

llm::ToolSpec spec_of(std::string_view name) {
  const Tool* tool = find_tool(name);
  return {std::string(tool->name), std::string(tool->description), tool->input_schema().dump()};
}

// The number of the source holding exactly this passage, adding it when new.
std::size_t number_of(llm::ContextPack& pack, const llm::Source& passage) {
  for (const llm::Source& s : pack.sources) {
    const bool same_chunk = passage.chunk.chunk_id != 0 &&
                            std::find(s.chunk_ids.begin(), s.chunk_ids.end(), passage.chunk.chunk_id) != s.chunk_ids.end();
    const bool same_lines = s.chunk.source == passage.chunk.source && s.chunk.line_start == passage.chunk.line_start &&
                            s.chunk.line_end == passage.chunk.line_end && s.chunk.text == passage.chunk.text;
    if (same_chunk || same_lines) return s.number;
  }
  llm::Source& added = pack.sources.emplace_back(passage);
  added.number = pack.sources.size();
  return added.number;
}

std::string numbers_text(const std::vector<std::size_t>& numbers) {
  std::string out;
  for (const std::size_t n : numbers) out += (out.empty() ? "[" : " [") + std::to_string(n) + "]";
  return out;
}

// `numbers` without repeats, in their first order: several hits of one call often fall in one
// source (chunks of a document the prompt holds as one merged passage).
std::vector<std::size_t> once_each(const std::vector<std::size_t>& numbers) {
  std::vector<std::size_t> out;
  for (const std::size_t n : numbers) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

class OwnTools {
 public:
  // The prompt's sources are sent with the question: a call that brings one of them again
  // refers to it by its number.
  OwnTools(store::Store& store, const ask::AskRequest& request, llm::ContextPack& pack)
      : store_(store), request_(request), pack_(pack), sent_(pack.sources.size() + 1, true) {
    sent_[0] = false;
  }

  ask::ToolOutcome search(const json& arguments) {
    search::SearchRequest base;
    base.embed = request_.embed;
    base.vector_weight = request_.vector_weight;
    base.title_cap = request_.title_cap;
    search::SearchRequest r = service::search_request(arguments, base, request_.collection);
    // A model's tool call is answered in time, as an agent's (service/profile.h), and within the
    // bounds the door put on the answer itself.
    search::apply_bounds(r, service::profile(service::Door::agent).search);
    search::apply_bounds(r, request_.retrieval_bounds);
    // The door's session's search (service::answer sets it): the caller's reach, the door's
    // breakers and its searcher. A door that gave none has no search to offer the model.
    if (!request_.search) throw Error(ExitCode::unavailable, "the answer's tools have no search (the door gave none)");
    const search::SearchResult found = request_.search(r);
    if (found.hits.empty()) {
      return {found.no_document_passes_filters ? "No document of collection '" + r.collection + "' passes the filters."
                                               : "No results for this query in collection '" + r.collection + "'.",
              false, "no results"};
    }
    std::vector<std::size_t> numbers;
    for (const search::SearchHit& h : found.hits) {
      llm::Source passage;
      passage.chunk = h.chunk;
      if (passage.chunk.text.size() > k_passage_bytes) {
        passage.chunk.text.resize(utf8_boundary_before(passage.chunk.text, k_passage_bytes));
      }
      passage.chunk_ids = {h.chunk.chunk_id};
      passage.score = h.score;
      numbers.push_back(number_of(pack_, passage));
    }
    numbers = once_each(numbers);
    const std::string list = numbers_text(numbers);
    const std::string note = found.query_not_embedded.empty()
                                 ? std::string()
                                 : "Note: keyword search only; the query could not be embedded: " + for_agent(found.query_not_embedded) + "\n\n";
    return {note + render(numbers) + "Cite these passages by their numbers, like the other sources.", false,
            std::to_string(found.hits.size()) + (found.hits.size() == 1 ? " result: " : " results: ") + list};
  }

  ask::ToolOutcome read(const json& arguments) {
    const service::ReadResult r = service::read_document(store_, service::read_request(arguments, request_.collection, k_read_bytes));
    llm::Source passage;
    passage.chunk.document_id = r.document_id;
    passage.chunk.source = r.source;
    passage.chunk.title = r.title;
    if (r.by == service::ReadResult::By::lines && r.lines.text.empty()) {
      return {r.source + " has no lines in that range (it has " + std::to_string(r.lines.document_lines) + ").", true,
              "no lines in that range"};
    }
    const bool by_lines = r.by == service::ReadResult::By::lines;
    passage.chunk.text = r.text();
    passage.chunk.line_start = static_cast<std::size_t>(by_lines ? r.lines.first_line : r.chunks.first_line);
    passage.chunk.line_end = static_cast<std::size_t>(by_lines ? r.lines.last_line : r.chunks.last_line);
    const std::string go_on = service::read_on_text(r);
    if (passage.chunk.text.empty()) return {r.source + ": nothing in that range.", true, "nothing in that range"};
    const std::size_t n = number_of(pack_, passage);
    std::string text = render({n});
    if (!go_on.empty()) text += "The passage was cut at max_bytes; read on with " + go_on + ".";
    return {std::move(text), false, "source [" + std::to_string(n) + "] " + llm::location_of(pack_.sources[n - 1])};
  }

 private:
  // The passages as the prompt shows sources, one fence for all of them; a passage the model
  // was already sent (in the prompt or by an earlier call of the same answer) is named by its
  // number instead, so a document is never sent twice however many hits fall in it.
  std::string render(const std::vector<std::size_t>& numbers) {
    sent_.resize(pack_.sources.size() + 1, false);
    std::string all;
    for (const std::size_t n : numbers) {
      if (!sent_[n]) all += pack_.sources[n - 1].chunk.text;
    }
    const std::string fence = llm::fence_for(all);
    std::string out;
    for (const std::size_t n : numbers) {
      const llm::Source& s = pack_.sources[n - 1];
      if (sent_[n]) {
        out += "[" + std::to_string(n) + "] " + llm::location_of(s) + ": already given above as source [" +
               std::to_string(n) + "], not repeated.\n\n";
      } else {
        out += llm::render_block(s, n, fence) + "\n\n";
        sent_[n] = true;
      }
    }
    return out;
  }

  store::Store& store_;
  const ask::AskRequest& request_;
  llm::ContextPack& pack_;
  std::vector<bool> sent_;  // by source number: the model has its text
};

}  // namespace

std::vector<ask::AgentTool> own_agent_tools(store::Store& store, const ask::AskRequest& request, llm::ContextPack& pack) {
  auto tools = std::make_shared<OwnTools>(store, request, pack);
  return {ask::AgentTool{spec_of("search"), /*asks_first=*/false, "strata", [tools](const json& a) { return tools->search(a); }},
          ask::AgentTool{spec_of("read_document"), /*asks_first=*/false, "strata", [tools](const json& a) { return tools->read(a); }}};
}

}  // namespace strata::mcp
