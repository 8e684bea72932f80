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

#include "common/error.h"
#include "flag_values.h"
#include "json_text.h"
#include "llm/sanitize.h"
#include "output.h"
#include "search/searcher.h"
#include "store/store.h"
#include "store_options.h"

namespace strata::cli {
namespace {

namespace se = strata::search;

struct SearchCliOptions {
  StoreOptions store;
  std::vector<std::string> words;  // QUERY, possibly unquoted: the words are joined with spaces
  std::string mode;
  std::size_t k = 10;
  std::vector<std::string> where;
  std::string vector_weight;  // unless given: [search] vector_weight, else the model kind's default
  std::string base_url;
  std::optional<std::string> api_key_env;  // unset: OPENAI_API_KEY, which may then be unset too
  bool vector_weight_given = false;  // so that an empty --vector-weight '' is refused too
  bool rerank = false;
  std::string rerank_url, rerank_model, rerank_api_key_env;
  bool json = false;
  bool explain = false;
  bool quiet = false;
  std::string color;
};

se::SearchRequest request_of(const SearchCliOptions& o) {
  se::SearchRequest r;
  for (const std::string& w : o.words) {
    if (!r.query.empty()) r.query += ' ';
    r.query += w;
  }
  r.collection = o.store.collection;
  if (!o.mode.empty()) r.mode = se::parse_mode(o.mode);  // CLI11 checked the name
  r.k = o.k;
  r.vector_weight = chosen_vector_weight(o.vector_weight_given, o.vector_weight);
  for (const std::string& w : o.where) r.where.push_back(parse_where(w));
  if (!o.base_url.empty()) r.embed.base_url = o.base_url;
  if (o.api_key_env) {
    r.embed.api_key_env = *o.api_key_env;
    r.embed.api_key_env_source = "--api-key-env";
  }
  r.rerank = chosen_rerank(o.rerank, o.rerank_url, o.rerank_model, o.rerank_api_key_env);
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

std::string location(const se::SearchHit& h) {
  std::string out = h.source + ":" + std::to_string(h.line_start);
  if (h.line_end != h.line_start) out += "-" + std::to_string(h.line_end);
  if (h.page_start) {
    out += " p." + std::to_string(*h.page_start);
    if (h.page_end && *h.page_end != *h.page_start) out += "-" + std::to_string(*h.page_end);
  }
  return out;
}

std::string position_text(const std::optional<se::ListPosition>& p, bool keyword) {
  if (!p) return "-";
  return "#" + std::to_string(p->rank) + " " + fixed(p->score, keyword ? 2 : 4);
}

nlohmann::ordered_json position_json(const std::optional<se::ListPosition>& p) {
  return p ? nlohmann::ordered_json{{"rank", p->rank}, {"score", p->score}} : nlohmann::ordered_json(nullptr);
}

// ordered_json: the keys in the documented order, rank first, for people reading the lines.
nlohmann::ordered_json hit_json(const se::SearchHit& h, std::size_t rank, bool explain) {
  nlohmann::ordered_json j = {{"rank", rank},
            {"id", h.chunk_id},
            {"document", h.document_id},
            {"source", h.source},
            {"title", h.title},
            {"lines", {h.line_start, h.line_end}},
            {"score", h.score},
            {"snippet", h.snippet}};
  if (h.page_start) j["page"] = {*h.page_start, h.page_end.value_or(*h.page_start)};
  if (explain) {
    j["keyword"] = position_json(h.keyword);
    j["vector"] = position_json(h.vector);
    if (h.rerank_score) j["rerank"] = {{"score", *h.rerank_score}, {"fused_rank", h.fused_rank}};
  }
  return j;
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
    std::string line = std::to_string(++rank) + '\t' + score_text(h.score, r.mode) + '\t' + location(h);
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
    std::vector<std::string> row = {std::to_string(++rank), score_text(h.score, r.mode), location(h)};
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
  store::Store st = store::Store::open_existing(store_path(o.store));
  se::Searcher searcher(st);
  se::SearchResult r = searcher.search(request);
  // Sources are file names, which may hold anything a terminal would obey; --json keeps them
  // exact (json_text escapes what needs it).
  for (se::SearchHit& h : r.hits) {
    if (o.json) break;
    h.source = llm::sanitize_for_terminal(h.source);
    h.title = llm::sanitize_for_terminal(h.title);
  }
  const OutputOptions out{parse_color_mode(o.color), o.quiet, o.json};
  warn_missing_vectors(r, request.collection, out.color);
  if (!r.rerank_failure.empty()) {
    print_warning(llm::sanitize_for_terminal(r.rerank_failure) + "; the hits are in " + std::string(se::to_string(r.mode)) +
                      " order",
                  out.color);
  }
  if (o.json) {
    std::size_t rank = 0;
    for (const se::SearchHit& h : r.hits) std::cout << json_text(hit_json(h, ++rank, o.explain)) << '\n';
  } else if (::isatty(STDOUT_FILENO) == 1) {
    if (!r.hits.empty()) print_table(r, o.explain, color_enabled(out.color, STDOUT_FILENO));
  } else {
    print_lines(r, o.explain);
  }
  std::cout << std::flush;
  if (r.no_document_passes_filters) {
    print_warning("no document of collection '" + request.collection + "' passes " + where_text(o.where), out.color);
  } else if (r.hits.empty()) {
    print_note("no hits for '" + llm::sanitize_for_terminal(request.query) + "' in collection '" + request.collection + "'", out);
  } else if (o.explain || ::isatty(STDERR_FILENO) == 1) {
    print_note(summary(r), out);
  }
  return 0;
}

}  // namespace

void setup_search(CLI::App& app, std::function<int()>& action) {
  auto o = std::make_shared<SearchCliOptions>();
  CLI::App* cmd = app.add_subcommand("search", "Search a collection by keyword (BM25), by vector, or both (hybrid)");
  cmd->add_option("QUERY", o->words, "What to look for, as plain words (never query syntax)")->required()->type_name("");
  add_store_option(*cmd, o->store);
  add_collection_option(*cmd, o->store);
  cmd->add_option("--mode", o->mode, "keyword, vector or hybrid (default: hybrid when the collection has vectors)")
      ->check(CLI::IsMember({"keyword", "vector", "hybrid"}));
  cmd->add_option("-k", o->k, "Number of hits (default: 10)")->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  cmd->add_option("--where", o->where, "Only documents whose metadata KEY (or source, title, loader, path) is VALUE; KEY^=PREFIX starts with it, KEY~GLOB matches; repeatable, ANDed")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--vector-weight", o->vector_weight,
                  "Hybrid: the vector list's weight in the fusion, 0 to 1; the keyword list's is 1 (default: [search] vector_weight, else 0.03 for a built-in model, 1 for a server's)")
      ->type_name("W")
      ->each([o](const std::string&) { o->vector_weight_given = true; });
  cmd->add_option("--base-url", o->base_url,
                  "Embedding server for a collection embedded with openai (default: $OPENAI_BASE_URL, else https://api.openai.com/v1)")
      ->type_name("URL");
  cmd->add_option("--api-key-env", o->api_key_env, "Environment variable holding the API key (default: OPENAI_API_KEY)")
      ->type_name("NAME");
  cmd->add_flag("--rerank", o->rerank, "Re-score the best candidates with a reranker server (default: [search] rerank)");
  cmd->add_option("--rerank-url", o->rerank_url, "Reranker server, up to /rerank (default: [rerank] base_url)")->type_name("URL");
  cmd->add_option("--rerank-model", o->rerank_model, "Reranker model (default: [rerank] model)")->type_name("NAME");
  cmd->add_option("--rerank-api-key-env", o->rerank_api_key_env, "Environment variable holding the reranker's key (default: none)")
      ->type_name("NAME");
  cmd->add_flag("--json", o->json, "One JSON object per hit (JSON Lines)");
  cmd->add_flag("-v,--verbose,--explain", o->explain, "Show each hit's rank and score in the keyword and vector lists, and timings");
  cmd->add_flag("-q,--quiet", o->quiet, "No notes on stderr (errors remain)");
  cmd->add_option("--color", o->color, "Colour: auto, always or never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->footer(
      "Examples:\n"
      "  strata search how do I roll back a migration\n"
      "  strata search 'C++ templates' --mode keyword -k 5\n"
      "  strata search retention policy --where team=legal --json | jq -r .source\n"
      "  strata search 'vector search' --explain\n"
      "Exit: 0 done (also with no hits), 2 usage (empty query, bad --where or --vector-weight, vector mode without\n"
      "vectors), 7 no such store or collection, or the embedding server failed");
  cmd->callback([o, &action, &app] {
    action = [o, &app] {
      o->color = color_setting(o->color, app);
      return run_search(*o);
    };
  });
}

}  // namespace strata::cli
