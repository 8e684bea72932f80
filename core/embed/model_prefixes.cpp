#include "embed/model_prefixes.h"

#include <array>
#include <cctype>

namespace strata::embed {
namespace {

// BGE's instruction for retrieval queries, which mxbai and the first snowflake-arctic-embed
// models took over. Documents get none.
constexpr const char* k_retrieval_instruction = "Represent this sentence for searching relevant passages: ";

struct PrefixPatternRow {
  const char* pattern;   // a glob over the bare, lower-case name: '*' is any run of characters
  const char* query;
  const char* document;
};

// The first row whose pattern matches decides, so narrower rows come first. Sources (each
// model's card on huggingface.co, and Ollama's library page for its own names):
//
//   pattern                      query                     document            card
//   nomic-embed-text*            "search_query: "          "search_document: " nomic-ai/nomic-embed-text-v1.5
//   *e5-mistral*, *e5-*instruct* none (a task instruction the user writes)     intfloat/e5-mistral-7b-instruct
//   *e5-*                        "query: "                 "passage: "         intfloat/e5-large-v2, multilingual-e5-*
//   bge-*-en-v1.5, bge-*-en,     instruction               none                BAAI/bge-large-en-v1.5 (Ollama's
//   bge-large, bge-base, bge-small                                              bge-large is bge-large-en-v1.5)
//   mxbai-embed-large*           instruction               none                mixedbread-ai/mxbai-embed-large-v1
//   snowflake-arctic-embed*2*    "query: "                 none                Snowflake/snowflake-arctic-embed-l-v2.0
//   snowflake-arctic-embed*      instruction               none                Snowflake/snowflake-arctic-embed-m
//   gte-*                        none                      none                thenlper/gte-large (no instruction)
//
// bge-m3 (no instruction) and every model not here get none.
constexpr std::array<PrefixPatternRow, 14> k_prefix_rows{{
    {"nomic-embed-text*", "search_query: ", "search_document: "},
    {"*e5-mistral*", "", ""},
    {"*e5-*instruct*", "", ""},
    {"*e5-*", "query: ", "passage: "},
    {"bge-*-en-v1.5", k_retrieval_instruction, ""},
    {"bge-*-en", k_retrieval_instruction, ""},
    {"bge-large", k_retrieval_instruction, ""},
    {"bge-base", k_retrieval_instruction, ""},
    {"bge-small", k_retrieval_instruction, ""},
    {"mxbai-embed-large*", k_retrieval_instruction, ""},
    {"snowflake-arctic-embed*2*", "query: ", ""},
    {"snowflake-arctic-embed*", k_retrieval_instruction, ""},
    {"gte-*", "", ""},
    {"bge-m3*", "", ""},
}};

bool prefix_glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t skip = 0; skip <= text.size(); ++skip) {
      if (prefix_glob_match(pattern.substr(1), text.substr(skip))) return true;
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() && prefix_glob_match(pattern.substr(1), text.substr(1));
}

// As the model registry names an entry: "library/name:tag" (Ollama) and "org/name" (Hugging
// Face) are "name", in lower case (Hugging Face spells "E5" and "BAAI" in capitals).
std::string prefix_bare_name(std::string_view name) {
  if (const auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (const auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(0, colon);
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

ModelPrefixes default_prefixes(std::string_view model) {
  // A model name is at most a few dozen bytes; the glob's backtracking is bounded by that.
  if (model.size() > 256) return {};
  const std::string bare = prefix_bare_name(model);
  for (const PrefixPatternRow& row : k_prefix_rows) {
    if (prefix_glob_match(row.pattern, bare)) return {row.query, row.document};
  }
  return {};
}

std::string with_prefix(std::string_view prefix, std::string_view text) {
  std::string out;
  out.reserve(prefix.size() + text.size());
  out.append(prefix);
  out.append(text);
  return out;
}

bool PrefixedSource::next(std::vector<EmbedInput>& page) {
  const bool more = inner_.next(page);
  if (!prefix_.empty()) {
    for (EmbedInput& input : page) input.text = with_prefix(prefix_, input.text);
  }
  return more;
}

}  // namespace strata::embed
