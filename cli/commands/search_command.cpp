#include "search_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/public.h"
#include "embed_output.h"
#include "flag_values.h"
#include "json_text.h"
#include "llm/public.h"
#include "option_bundles.h"
#include "output.h"
#include "search/public.h"
#include "service/public.h"
#include "store/public.h"
#include "store_options.h"

namespace strata::cli {
namespace {

namespace se = strata::search;

struct SearchCliOptions {
  StoreOptions store;
  std::vector<std::string> words;  // QUERY, possibly unquoted: the words are joined with spaces
  RetrievalFlags retrieval;
  std::optional<std::string> base_url;
  std::optional<std::string> api_key_env;  // unset: OPENAI_API_KEY, which may then be unset too
  bool explain = false;
  std::optional<std::string> similar;  // --similar DOC_OR_CHUNK, instead of QUERY
  OutputOptions out;  // out.color: the run's (RunContext)
};

se::SearchRequest request_of(const SearchCliOptions& o) {
  se::SearchRequest r;
  for (const std::string& w : o.words) {
    if (!r.query.empty()) r.query += ' ';
    r.query += w;
  }
  r.collection = o.store.collection;
  apply_retrieval(o.retrieval, r.k, r.mode, r.where);
  const RetrievalFlags& f = o.retrieval;
  r.vector_weight = chosen_vector_weight(f.vector_weight);
  r.title_cap = chosen_title_cap(f.title_cap);
  apply_embed_server(o.base_url, o.api_key_env, r.embed);
  r.rerank = chosen_rerank(f.rerank, f.rerank_url, f.rerank_model, f.rerank_api_key_env);
  r.similar = o.similar;
  return r;
}

std::string fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Scores of different modes have different ranges: BM25 is unbounded, cosine in [-1, 1], RRF
// about 0.03 at best. Four significant-enough decimals for the last two.
std::string score_text(double score, se::Mode mode) { return fixed(score, mode == se::Mode::keyword ? 2 : 4); }

std::string location(const store::ChunkRef& c) {
  std::string out = c.source + ":" + std::to_string(c.line_start);
  if (c.line_end != c.line_start) out += "-" + std::to_string(c.line_end);
  if (c.page_start) {
    out += " p." + std::to_string(*c.page_start);
    if (c.page_end && *c.page_end != *c.page_start) out += "-" + std::to_string(*c.page_end);
  }
  return out;
}

std::string position_text(const std::optional<se::ListPosition>& p, bool keyword) {
  if (!p) return "-";
  return "#" + std::to_string(p->rank) + " " + fixed(p->score, keyword ? 2 : 4);
}

// The reranker's score and the rank the hit had before it: "0.9312 (was #4)".
std::string rerank_text(const se::SearchHit& h) {
  if (!h.rerank_score) return "-";
  return fixed(*h.rerank_score, 4) + " (was #" + std::to_string(h.fused_rank) + ")";
}

// One line per hit for pipes: rank, score, location, snippet, tab-separated (none of them holds
// a tab: snippets have none, and the location is sanitised).
void print_lines(const se::SearchResult& r, bool explain) {
  std::size_t rank = 0;
  for (const se::SearchHit& h : r.hits) {
    std::string line = std::to_string(++rank) + '\t' + score_text(h.score, r.mode) + '\t' + location(h.chunk);
    if (explain) line += "\tkeyword " + position_text(h.keyword, true) + "\tvector " + position_text(h.vector, false);
    if (explain && r.reranked) line += "\trerank " + rerank_text(h);
    line += '\t' + h.snippet;
    std::cout << line << '\n';
  }
}

void print_table(const se::SearchResult& r, bool explain, bool color) {
  std::vector<std::string> header = {"#", "SCORE", "SOURCE"};
  if (explain) header.insert(header.end(), {"KEYWORD", "VECTOR"});
  if (explain && r.reranked) header.push_back("RERANK");
  header.push_back("SNIPPET");
  Table table(header);
  std::size_t rank = 0;
  for (const se::SearchHit& h : r.hits) {
    std::vector<std::string> row = {std::to_string(++rank), score_text(h.score, r.mode), location(h.chunk)};
    std::vector<Tone> tones = {Tone::dim, Tone::plain, Tone::bold};
    if (explain) {
      row.insert(row.end(), {position_text(h.keyword, true), position_text(h.vector, false)});
      tones.insert(tones.end(), {Tone::dim, Tone::dim});
    }
    if (explain && r.reranked) {
      row.push_back(rerank_text(h));
      tones.push_back(Tone::dim);
    }
    row.push_back(h.snippet);
    tones.push_back(Tone::plain);
    table.add(std::move(row), std::move(tones));
  }
  // Only called for a terminal: each hit one line that fits it, the snippet cut with "…".
  table.print(std::cout, color, terminal_columns(STDOUT_FILENO));
}

std::string summary(const se::SearchResult& r) {
  const se::SearchTimings& t = r.timings;
  std::string out = std::string(se::to_string(r.mode)) + " search: " + std::to_string(r.hits.size()) +
                    (r.hits.size() == 1 ? " hit" : " hits") + " in " + fixed(t.total_ms, 1) + " ms";
  std::string parts;
  const auto part = [&](const char* name, double ms) {
    if (ms <= 0) return;
    parts += std::string(parts.empty() ? "" : ", ") + name + " " + fixed(ms, 1);
  };
  part("keyword", t.keyword_ms);
  part("load", t.load_ms);
  part("embed", t.embed_ms);
  part("vector", t.vector_ms);
  part("rerank", t.rerank_ms);
  if (!parts.empty()) out += " (" + parts + ")";
  if (r.reranked) out += " · reranked";
  if (r.model && r.mode != se::Mode::keyword) out += " · " + r.model->provider + " " + r.model->model;
  if (r.mode == se::Mode::hybrid) out += " · vector weight " + fixed(r.vector_weight, 2);
  if (r.mode != se::Mode::vector && r.title_cap > 0) out += " · title cap " + std::to_string(r.title_cap);
  return out;
}

// One warning line when vector search cannot see part of the collection (before the hits, so
// that it is read first; --json's lines are hits only, so it goes to stderr there too).
void warn_missing_vectors(const se::SearchResult& r, const std::string& collection, ColorMode color) {
  if (r.without_vector <= 0 || r.chunks <= 0) return;
  const std::string fix = "strata embed --collection " + collection;
  if (r.mode == se::Mode::keyword) {
    print_warning("collection '" + collection + "' has an embedding model (" + r.model->provider + " " + r.model->model +
                      ") but none of its " + std::to_string(r.chunks) + " chunks has a vector, so this was a keyword search: " + fix,
                  color);
    return;
  }
  const double share = 100.0 * static_cast<double>(r.without_vector) / static_cast<double>(r.chunks);
  const int digits = share < 1 ? 2 : share > 99 ? 1 : 0;  // neither 0% nor 100% unless it is
  print_warning(std::to_string(r.without_vector) + " of " + std::to_string(r.chunks) + " chunks of collection '" + collection +
                    "' (" + fixed(share, digits) + "%) have no vector, so " +
                    (r.mode == se::Mode::vector ? "vector search cannot find them" : "hybrid search finds them by keyword only") +
                    ": " + fix,
                color);
}

// "--where team=legal --where source^=docs/", sanitised: the values are the user's, but they
// may have been pasted from anywhere.
std::string where_text(const std::vector<std::string>& where) {
  std::string out;
  for (const std::string& w : where) out += (out.empty() ? "--where " : " --where ") + llm::sanitize_for_terminal(w);
  return out;
}

int run_search(const SearchCliOptions& o) {
  se::SearchRequest request = request_of(o);
  // The terminal's session (service/session.h): its store, searcher and limits, as every door's.
  se::SearchResult r = open_session(o.store)->search(request);
  // Sources are file names, which may hold anything a terminal would obey; --json keeps them
  // exact (json_text escapes what needs it).
  for (se::SearchHit& h : r.hits) {
    if (o.out.json) break;
    h.chunk.source = llm::sanitize_for_terminal(h.chunk.source);
    h.chunk.title = llm::sanitize_for_terminal(h.chunk.title);
  }
  const OutputOptions& out = o.out;
  warn_missing_vectors(r, request.collection, out.color);
  if (!r.rerank_failure.empty()) {
    print_warning(llm::sanitize_for_terminal(r.rerank_failure) + "; the hits are in " + std::string(se::to_string(r.mode)) +
                      " order",
                  out.color);
  }
  if (out.json) {
    std::size_t rank = 0;
    for (const se::SearchHit& h : r.hits) std::cout << json_text(service::to_json(h, ++rank, o.explain)) << '\n';
  } else if (::isatty(STDOUT_FILENO) == 1) {
    if (!r.hits.empty()) print_table(r, o.explain, color_enabled(out.color, STDOUT_FILENO));
  } else {
    print_lines(r, o.explain);
  }
  std::cout << std::flush;
  if (r.no_document_passes_filters) {
    print_warning("no document of collection '" + request.collection + "' passes " + where_text(o.retrieval.where), out.color);
  } else if (r.hits.empty()) {
    const std::string what = request.similar ? "similar to " + *request.similar : request.query;
    print_note("no hits for '" + llm::sanitize_for_terminal(what) + "' in collection '" + request.collection + "'", out);
  } else if (o.explain || ::isatty(STDERR_FILENO) == 1) {
    print_note(summary(r), out);
  }
  return 0;
}

}  // namespace

Run setup_search(CLI::App& cmd) {
  auto o = std::make_shared<SearchCliOptions>();
  cmd.add_option("QUERY", o->words, "What to look for, as plain words (never query syntax); none with --similar")->type_name("");
  add_store_option(cmd, o->store);
  add_collection_option(cmd, o->store);
  add_retrieval_options(cmd, o->retrieval, "Number of hits, 1 to 1000 (default: 10)");
  cmd.add_option("--base-url", o->base_url,
                 "Embedding server for a collection embedded with openai (default: $OPENAI_BASE_URL, else the collection's "
                 "recorded server when on this machine, else https://api.openai.com/v1)")
      ->type_name("URL");
  cmd.add_option("--api-key-env", o->api_key_env, "Environment variable holding the API key (default: OPENAI_API_KEY)")
      ->type_name("NAME");
  cmd.add_option("--similar", o->similar,
                 "Instead of QUERY: the chunks most like this document (its source; the mean of its chunks' vectors) or "
                 "chunk (its id, as --json gives it), leaving it out; needs vectors")
      ->type_name("DOC_OR_CHUNK");
  // QUERY is required unless --similar stands for it: checked as CLI11 checks a required
  // positional, with its words.
  cmd.callback([o] {
    if (o->words.empty() && !o->similar) throw CLI::RequiredError("QUERY");
  });
  cmd.add_flag("-v,--verbose,--explain", o->explain, "Show each hit's rank and score in the keyword and vector lists, and timings");
  add_output_options(cmd, o->out, {"One JSON object per hit (JSON Lines)", "No notes on stderr (errors remain)"});
  cmd.footer(
      "Examples:\n"
      "  strata search how do I roll back a migration\n"
      "  strata search 'C++ templates' --mode keyword -k 5\n"
      "  strata search retention policy --where team=legal --json | jq -r .source\n"
      "  strata search 'vector search' --explain\n"
      "  strata search --collection docs --similar docs/intro.md -k 5\n"
      "Exit: 0 done (also with no hits), 2 usage (empty query, bad -k, --where or --vector-weight, vector mode\n"
      "without vectors), 7 no such store or collection, or the embedding server failed");
  return [o](const RunContext& context) {
    o->out.color = context.color;
    return run_search(*o);
  };
}

}  // namespace strata::cli
