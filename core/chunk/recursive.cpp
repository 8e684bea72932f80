// recursive: split by the first separator level that occurs (default: blank lines, "\n", " "), pack
// greedily up to the size, cut pieces still too large with the next level, and as a last
// resort fixed windows over grapheme clusters. Whitespace separators are dropped at chunk edges;
// other separators (e.g. "\nclass ") stay at the head of the piece they introduce.
#include "chunk/engine.h"

namespace strata::chunk::detail {

void run_recursive(Engine& engine, const ChunkOptions& options) {
  std::vector<Level> levels;
  if (options.separators.empty()) {
    // "\n\n" as a blank line: also "\r\n\r\n" and lines holding only spaces.
    levels = {{LevelKind::blank_line, {}}, {LevelKind::literal, "\n"}, {LevelKind::literal, " "}};
  } else {
    for (const std::string& s : options.separators) {
      if (s.empty()) break;  // "" means characters: the grapheme level below
      levels.push_back({LevelKind::literal, s});
    }
  }
  levels.push_back({LevelKind::graphemes, {}});
  engine.split(0, engine.bounds().size(), levels);
}

}  // namespace strata::chunk::detail
