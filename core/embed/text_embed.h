#pragma once
// `strata embed --text …`, `-` and `--jsonl`: vectors for texts given to the command, written
// out in input order, and stored nowhere (no store is opened, so no cache either). Identical
// texts in one run are still sent once.
#include <cstddef>
#include <cstdint>
#include <string>

#include "embed/pipeline.h"
#include "embed/settings.h"

namespace strata::embed {

// Receives results in input order (key 0, 1, 2, ...), as soon as each and all before it are
// done. Called on the caller's thread.
class TextOutput {
 public:
  virtual ~TextOutput() = default;
  virtual void vector(std::int64_t key, const Vector& v) = 0;
  virtual void failed(std::int64_t key, const std::string& label, const std::string& message) = 0;
};

struct TextEmbedResult {
  std::string provider;
  std::string model;
  std::size_t dimensions = 0;
  EmbedReport report;
};

// REQUIRES: `source` numbers its inputs 0, 1, 2, ... in order. Throws what the source and
// `out` throw, and Error(usage) for bad settings; a provider's failure is report.fatal.
TextEmbedResult embed_texts(InputSource& source, const EmbedSettings& settings, EmbedObserver& observer, TextOutput& out);

}  // namespace strata::embed
