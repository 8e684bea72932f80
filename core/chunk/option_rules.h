#pragma once
// The rules chunk settings obey, whoever gives them: `strata chunk`'s flags, `strata ingest`'s,
// strata.toml's [chunk] and a collection's recorded configuration. Callers only read their
// values (flags, file lines, JSON) and say how a message names each; check_chunking decides
// whether the whole is usable, fills in what the settings imply, and words each refusal once.
#include <cstddef>
#include <optional>
#include <string>

#include "chunk/chunker.h"
#include "common/error.h"
#include "common/setting.h"

namespace strata::chunk {

// The minimum chunk size when none is given: a sixth of the size (200 at the default 1200, so
// that chunks fill to 1000: fill_size). `strata ingest` and `strata chunk` share it, so that
// chunk previews the chunks ingest stores.
constexpr std::size_t default_min_size(std::size_t size) { return size / 6; }

// Chunk settings as given. Names are not yet checked; unset values take the defaults.
struct GivenChunking {
  // Unset: chosen for each input (chunk: markdown for .md, recursive otherwise). `auto` is a
  // name only where auto_allowed (ingest: chosen per file).
  std::optional<std::string> strategy;
  bool auto_allowed = false;
  std::optional<std::string> unit;  // Default: chars (tokens for the token strategy)
  std::string tokenizer = "cl100k_base";
  std::size_t size = 1200;
  std::size_t overlap = 0;
  // Default: default_min_size(size) (0 is off). With `langchain` a flag's minimum is refused,
  // a file's ignored and there is none: LangChain-compatible chunks are LangChain's exactly.
  std::optional<std::size_t> min_size;
  bool min_size_from_file = false;
  bool separators = false;  // own separators (chunk --separator/--separators): recursive only
  bool langchain = false;   // chunk --compat langchain: recursive only

  // How a message names each setting: its flag ("--overlap") or where a file set it and its
  // key ("/p/strata.toml:4: chunk.overlap"). `size_short` names the size on the right of "must
  // be below" as briefly as it can ("--size", "chunk.size").
  struct Names {
    std::string strategy = mention(Setting::strategy), unit = mention(Setting::unit),
                tokenizer = mention(Setting::tokenizer), size = mention(Setting::size),
                size_short = mention(Setting::size), overlap = mention(Setting::overlap),
                min_size = mention(Setting::min_size);
  } names;
};

// What the settings make, or the first rule they break.
struct CheckedChunking {
  // Error(usage) naming the setting; when set, the rest is not meaningful. The rules, in the
  // order they are checked:
  //   a strategy, unit or tokenizer name is known ("--unit: unknown unit 'x'", the valid names
  //     as the hint; ingest's `auto` among the strategies where allowed);
  //   own separators and --compat need the recursive strategy ("--separators applies to
  //     --strategy recursive only, not fixed");
  //   the token strategy counts tokens: another unit given is refused;
  //   the size is 1 or more;
  //   no minimum flag with --compat langchain;
  //   the overlap and the minimum are below the size ("--overlap (600) must be below --size
  //     (500)").
  std::optional<Error> error;
  // strategy, unit, encoding, size, overlap, min_size and compat_langchain as the settings give
  // them (separators, count_tokens and progress are the caller's).
  ChunkOptions options;
  // A strategy for every input: named (not auto), or implied by own separators or --compat.
  bool strategy_chosen = false;
};

CheckedChunking check_chunking(const GivenChunking& given);

// The rules options already resolved must still obey (chunk_text's REQUIRES): a size of 1 or
// more, an overlap and a minimum below it, no minimum with compat_langchain. Messages name the
// flags.
std::optional<Error> check_options(const ChunkOptions& options);

}  // namespace strata::chunk
