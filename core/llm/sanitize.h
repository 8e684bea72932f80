#pragma once
// Model output on its way to a terminal. A model (or a document it quotes) can emit escape
// sequences that recolour, retitle or clear the terminal, rewrite what was printed, hide text or
// plant links, and bidi controls that make text read differently from what it is. The sanitiser
// removes all of that and keeps every other character, so `strata ask` can print as it streams.
//
// Removed: C0 controls except \n and \t (so \r, \b, BEL, ESC, ...), DEL, C1 controls
// (U+0080–U+009F); whole escape sequences: CSI (ESC [ or U+009B, parameters, intermediates, a
// final byte), OSC/DCS/SOS/PM/APC strings (ESC ] P X ^ _ or their C1 forms, up to BEL, ESC \ or
// U+009C), and other ESC sequences (ESC, intermediates, a final byte); bidi embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069) and direction marks (LRM U+200E,
// RLM U+200F, ALM U+061C). Invalid UTF-8 becomes U+FFFD. Everything else passes unchanged,
// including joiners and emoji.
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::llm {

class TerminalSanitizer {
 public:
  // The safe text for the next piece of output. A sequence or UTF-8 character split across
  // pieces is held back and completed (or dropped) with the next.
  std::string feed(std::string_view chunk);
  // The end of the output: a UTF-8 sequence cut at the end becomes U+FFFD, an unfinished escape
  // sequence is dropped. The sanitiser is ready for a new stream afterwards.
  std::string finish();

  // Bytes an unterminated OSC-like string may swallow before the sanitiser gives up on it and
  // goes back to printing text (the terminal never saw the opening ESC, so that is safe).
  static constexpr std::size_t kMaxStringSequence = 4096;

 private:
  enum class State { text, escape, escape_intermediate, csi, string, string_escape };
  void code_point(char32_t cp, std::string_view bytes, std::string& out);

  State state_ = State::text;
  std::size_t string_bytes_ = 0;
  std::string pending_;  // the start of a UTF-8 sequence cut by the end of the last chunk
};

// One-shot form: feed(text) + finish().
std::string sanitize_for_terminal(std::string_view text);

}  // namespace strata::llm
