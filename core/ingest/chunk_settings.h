#pragma once
// The chunking configuration a collection records and its chunks are cut with. "auto" picks
// the markdown strategy for Markdown and HTML documents (their headings become the heading
// path) and the recursive one for everything else, as `strata chunk` does.
#include <cstddef>
#include <optional>
#include <string>

#include "chunk/chunker.h"

namespace strata::ingest {

struct ChunkSettings {
  std::string strategy = "auto";  // auto, or a chunk::Strategy name
  std::size_t size = 1000;
  std::size_t overlap = 0;
  std::string unit = "chars";
  std::string tokenizer = "cl100k_base";

  bool operator==(const ChunkSettings&) const = default;
};

// Flags given on the command line; unset ones inherit.
struct ChunkOverrides {
  std::optional<std::string> strategy, unit, tokenizer;
  std::optional<std::size_t> size, overlap;

  bool any() const { return strategy || unit || tokenizer || size || overlap; }
};

ChunkSettings apply(ChunkSettings base, const ChunkOverrides& overrides);

// Chunk options set by a configuration file (strata.toml's [chunk]), each with where it was set
// ("/p/strata.toml:3"). They stand between the defaults (or a collection's record) and the flags.
struct ConfiguredChunking {
  ChunkOverrides values;
  struct {
    std::string strategy, size, overlap, unit, tokenizer;
  } where;
};

// How a message names one setting: where it was set ("" for a flag) and its name ("--size",
// "chunk.size").
struct ChunkLabel {
  std::string where;
  std::string name;
};
struct ChunkLabels {
  ChunkLabel strategy{"", "--strategy"}, size{"", "--size"}, overlap{"", "--overlap"}, unit{"", "--unit"},
      tokenizer{"", "--tokenizer"};
};

// A flag that was given is named as the flag; a value only the file set is named
// `file:line: chunk.KEY`.
ChunkLabels labels_for(const ChunkOverrides& flags, const ConfiguredChunking& file);

// Throws Error(usage) naming the setting (by `labels`) for an unknown strategy, unit or
// tokenizer, a size of 0 or an overlap not below the size.
void validate(const ChunkSettings& settings, const ChunkLabels& labels = {});

// Canonical JSON (sorted keys, no spaces): equal settings give equal text, which is how the
// store tells configurations apart.
std::string to_json(const ChunkSettings& settings);
// Throws Error(invalid_input) for a recorded configuration this strata cannot read.
ChunkSettings from_json(const std::string& json);

// "markdown, 1000 chars, overlap 0": for messages.
std::string describe(const ChunkSettings& settings);

// The chunker options for one document, by the loader that read it.
chunk::ChunkOptions options_for(const ChunkSettings& settings, const std::string& loader);

}  // namespace strata::ingest
