#pragma once
// The chunking configuration a collection records and its chunks are cut with. "auto" picks
// the markdown strategy for Markdown and HTML documents (their headings become the heading
// path) and the recursive one for everything else, as `strata chunk` does.
#include <cstddef>
#include <optional>
#include <string>

#include "chunk/chunker.h"
#include "chunk/option_rules.h"
#include "common/setting.h"
#include "ingest/document.h"

namespace strata::ingest {

struct ChunkSettings {
  std::string strategy = "auto";  // auto, or a chunk::Strategy name
  std::size_t size = 1200;
  std::size_t overlap = 0;
  std::string unit = "chars";
  std::string tokenizer = "cl100k_base";
  // chunk::ChunkOptions::min_size, in `unit`; 0 is off. Unset (only before apply()): the
  // default, default_min_size(size). A configuration recorded before the setting existed
  // reads as 0, which is how its chunks were cut.
  std::optional<std::size_t> min_size;
  // Recorded before the size was a maximum (no "fill" in the record, a minimum in characters or
  // bytes): the chunks were packed to `size` and a join passed it by less than min_size. Kept
  // so that such a collection's chunks stay current and new ones are cut the same way, until a
  // setting is changed (apply()).
  bool size_is_fill = false;

  bool operator==(const ChunkSettings&) const = default;
};

// The minimum a collection gets unless told otherwise: chunking's default (a sixth of the size),
// the same as `strata chunk`'s.
using chunk::default_min_size;

// Flags given on the command line; unset ones inherit.
struct ChunkOverrides {
  std::optional<std::string> strategy, unit, tokenizer;
  std::optional<std::size_t> size, overlap, min_size;

  bool any() const { return strategy || unit || tokenizer || size || overlap || min_size; }
};

// `base` with the overrides applied; min_size is always set in the result. A minimum that was
// the default for the old size follows a new size (so `--size 300` alone gets 60, not 200).
ChunkSettings apply(ChunkSettings base, const ChunkOverrides& overrides);

// Chunk options set by a configuration file (strata.toml's [chunk]), each with where it was set
// ("/p/strata.toml:3"). They stand between the defaults (or a collection's record) and the flags.
struct ConfiguredChunking {
  ChunkOverrides values;
  struct {
    std::string strategy, size, overlap, unit, tokenizer, min_size;
  } where;
};

// How a message names one setting: where it was set ("" for a flag) and its name (the setting's
// mention, common/setting.h, or "chunk.size").
struct ChunkLabel {
  std::string where;
  std::string name;
};
struct ChunkLabels {
  ChunkLabel strategy{"", mention(Setting::strategy)}, size{"", mention(Setting::size)},
      overlap{"", mention(Setting::overlap)}, unit{"", mention(Setting::unit)},
      tokenizer{"", mention(Setting::tokenizer)}, min_size{"", mention(Setting::min_size)};
};

// A flag that was given is named as the flag; a value only the file set is named
// `file:line: chunk.KEY`.
ChunkLabels labels_for(const ChunkOverrides& flags, const ConfiguredChunking& file);

// Throws Error(usage) naming the setting (by `labels`) for an unknown strategy, unit or
// tokenizer, a size of 0, or an overlap or minimum not below the size: chunk::check_chunking's
// rules (chunk/option_rules.h).
void validate(const ChunkSettings& settings, const ChunkLabels& labels = {});

// Canonical JSON (sorted keys, no spaces): equal settings give equal text, which is how the
// store tells configurations apart. A min_size of 0 is left out, so a configuration recorded
// before the setting existed keeps its text (and its chunks stay current); so is the fill of one
// recorded before the size was a maximum (size_is_fill).
std::string to_json(const ChunkSettings& settings);
// Throws Error(invalid_input) for a recorded configuration this strata cannot read.
ChunkSettings from_json(const std::string& json);

// "markdown, 1200 chars, overlap 10, min 200": for messages.
std::string describe(const ChunkSettings& settings);

// The chunker options for one document, by the loader that read it: "auto" is the markdown
// strategy for a loader with markdown structure (loaders.h), else recursive.
chunk::ChunkOptions options_for(const ChunkSettings& settings, LoaderKind loader);

}  // namespace strata::ingest
