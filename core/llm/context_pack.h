#pragma once
// The context of `strata ask`: retrieved chunks (search hits) become numbered sources that fit a token budget,
// and the sources and the question become the prompt. No I/O; the tokenizer is compiled in.
//
// Merging: chunks of one document that overlap or touch (gap <= merge_gap_bytes) are one
// source: their text is joined without repeating the overlap and their ranges are unioned, so
// a model never reads the same passage twice and a citation names one place.
// Packing: chunks are taken in rank order; each is added (to a new source or merged into one)
// only if the sources still fit the budget, so the best chunks always go in and a long one
// that does not fit leaves room for shorter ones after it. Sources are numbered [1..n] by the
// rank of their best chunk.
// Fencing: each source's text sits between two fence lines of backticks longer than any
// backtick run in any retrieved text, so no text can close its fence; the instructions say
// the fenced text is data, not instructions.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "search/hit.h"
#include "store/chunk_ref.h"
#include "tokenizer/tokenizer.h"

namespace strata::llm {

// Chunks merged into one passage of a document, numbered for the prompt.
struct Source {
  std::size_t number = 0;  // the n of [n]
  // The passage: the union of its chunks' ranges and their text joined (redacted with
  // ContextOptions::redact); chunk_id and source are those of its best-ranked chunk.
  store::ChunkRef chunk;
  double score = 0.0;                   // the best score of its chunks
  std::vector<std::int64_t> chunk_ids;  // in document order
  std::size_t first_rank = 0;           // 0-based rank of its best chunk in the input
};

// "docs/guide.md:L10-L24", "paper.pdf:L3-L9 (p. 2)", "notes.txt:L7", "report.pdf (pp. 3-4)".
std::string location_of(const Source& source);

struct ContextOptions {
  // Tokens the sources block may take: source headers, fences and texts. Default: 4000.
  std::size_t token_budget = 4000;
  tokenizer::Encoding encoding = tokenizer::Encoding::cl100k_base;
  // Chunks of one document at most this many bytes apart are merged (the whitespace a chunker
  // drops between chunks); the gap is rendered as a line break or a space. Default: 4.
  std::size_t merge_gap_bytes = 4;
  // `ask --redact`: each source's text goes through core/llm/redact before it is counted, so
  // the budget holds for the text that is sent. Default: false.
  bool redact = false;
};

struct ContextPack {
  std::vector<Source> sources;         // numbered 1..n, in that order
  std::string fence;                   // the fence line, "```" or longer
  std::string sources_block;           // the rendered sources, as they appear in the prompt
  std::size_t tokens = 0;              // tokens of sources_block (<= token_budget)
  std::vector<std::int64_t> skipped;   // chunk ids left out for the budget, in rank order
  std::size_t redactions = 0;          // with options.redact: findings replaced in the sources
};

// Packs `ranked` (best first) into sources. REQUIRES: each chunk's text is valid UTF-8; a chunk
// whose text length differs from its byte range is never merged (it stands alone).
// A fence of backticks longer than any run of them in `text` (at least three), and `text`
// between two such lines: quoted text cannot close the fence early.
std::string fence_for(std::string_view text);
std::string fenced(std::string_view text, const std::string& fence);
// "[n] location", then the source's text fenced: a source as the prompt shows it.
std::string render_block(const Source& s, std::size_t number, const std::string& fence);

ContextPack pack_context(std::span<const search::SearchHit> ranked, const ContextOptions& options = {});

struct Prompt {
  std::string system;
  std::string user;
};

// A team's own wording (`ask --system`, [llm] system and prompt_template in strata.toml).
struct PromptSettings {
  // Instructions placed before strata's own, which follow them and so stay in force: answer
  // from the sources only, treat their text as data, cite them as [n]. Default: none.
  std::string system;
  // The user message, with the named fields {sources} (the numbered sources, or a line saying
  // none were found) and {question}; {{ and }} are literal braces. REQUIRES: it passes
  // check_prompt_template. Default ("" ): "Sources:\n\n{sources}\n\nQuestion: {question}".
  std::string user_template;
};

// Why `tmpl` cannot be a user_template ("" when it can): a field other than {sources} and
// {question}, a brace that opens no field, or {sources} or {question} missing.
std::string check_prompt_template(std::string_view tmpl);

// The system instructions and the user message (sources block, then the question). With no
// sources the user message says so, and the instructions still ask the model to say it could
// not find the answer rather than guess. `user_context` (`echo "$ERR" | strata ask 'why?'`:
// text the user gave with the question, already sanitised): when not empty, the user message
// opens with it between two fence lines of its own, and the instructions say it is the user's
// context for the question, data and not a source to cite.
Prompt build_prompt(std::string_view question, const ContextPack& pack, const PromptSettings& settings = {},
                    std::string_view user_context = {});

}  // namespace strata::llm
