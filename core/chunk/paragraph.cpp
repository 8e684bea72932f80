// paragraph: paragraphs are separated by blank lines (lines holding only whitespace); pack
// consecutive paragraphs up to the size; a paragraph too large falls back to sentences, then
// words, then grapheme windows.
#include "chunk/engine.h"

namespace strata::chunk::detail {

void run_paragraph(Engine& engine) {
  static const Level levels[] = {{LevelKind::blank_line, {}},
                                 {LevelKind::sentence, {}},
                                 {LevelKind::words, {}},
                                 {LevelKind::graphemes, {}}};
  engine.split(0, engine.bounds().size(), levels);
}

// sentence: sentences (blank lines end one too) packed up to the size, overlap in whole
// sentences; a sentence too large falls back to words, then grapheme windows.
void run_sentence(Engine& engine) {
  static const Level levels[] = {
      {LevelKind::sentence, {}}, {LevelKind::words, {}}, {LevelKind::graphemes, {}}};
  engine.split(0, engine.bounds().size(), levels);
}

}  // namespace strata::chunk::detail
