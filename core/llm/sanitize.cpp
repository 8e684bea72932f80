#include "llm/sanitize.h"

#include "common/utf8.h"

namespace strata::llm {
namespace {

constexpr char32_t kEsc = 0x1B, kBel = 0x07;
constexpr char32_t kCsi = 0x9B, kSt = 0x9C, kOsc = 0x9D, kDcs = 0x90, kSos = 0x98, kPm = 0x9E,
                   kApc = 0x9F;

// Embeddings, overrides and isolates, and the direction marks (LRM, RLM, ALM): each can make
// text read in another order than the bytes it is (a file name, a path in a confirmation).
bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C;
}

bool is_control(char32_t cp) {
  return (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
}

}  // namespace

// One code point (or U+FFFD for an invalid sequence) through the escape-sequence machine.
// `bytes` is its UTF-8 form, copied to the output when it is kept.
void TerminalSanitizer::code_point(char32_t cp, std::string_view bytes, std::string& out) {
  switch (state_) {
    case State::text:
      break;
    case State::escape:
      if (cp == '[') {
        state_ = State::csi;
      } else if (cp == ']' || cp == 'P' || cp == 'X' || cp == '^' || cp == '_') {
        state_ = State::string;
        string_bytes_ = 0;
      } else if (cp >= 0x20 && cp <= 0x2F) {
        state_ = State::escape_intermediate;
      } else if (cp >= 0x30 && cp <= 0x7E) {
        state_ = State::text;  // a two-byte sequence (ESC 7, ESC c, ESC =, ...), dropped whole
      } else {
        state_ = State::text;  // ESC before something that cannot continue it: drop the ESC only
        break;
      }
      return;
    case State::escape_intermediate:
      if (cp >= 0x20 && cp <= 0x2F) return;
      state_ = State::text;
      if (cp >= 0x30 && cp <= 0x7E) return;  // the final byte
      break;
    case State::csi:
      if (cp >= 0x20 && cp <= 0x3F) return;  // parameters and intermediates
      state_ = State::text;
      if (cp >= 0x40 && cp <= 0x7E) return;  // the final byte
      break;                                 // malformed: the sequence ends, the byte is text
    case State::string:
      string_bytes_ += bytes.size();
      if (cp == kBel || cp == kSt) {
        state_ = State::text;
      } else if (cp == kEsc) {
        state_ = State::string_escape;
      } else if (string_bytes_ > kMaxStringSequence) {
        state_ = State::text;
      }
      return;
    case State::string_escape:
      // ESC \ is the string terminator; any other ESC also ends the string (as in xterm) and
      // starts a new sequence with this code point.
      state_ = State::escape;
      if (cp == '\\') {
        state_ = State::text;
        return;
      }
      code_point(cp, bytes, out);
      return;
  }
  // Text.
  if (cp == kEsc) {
    state_ = State::escape;
  } else if (cp == kCsi) {
    state_ = State::csi;
  } else if (cp == kOsc || cp == kDcs || cp == kSos || cp == kPm || cp == kApc) {
    state_ = State::string;
    string_bytes_ = 0;
  } else if (!is_control(cp) && !is_bidi_control(cp)) {
    out.append(bytes);
  }
}

std::string TerminalSanitizer::feed(std::string_view chunk) {
  std::string out;
  out.reserve(chunk.size());
  std::string joined;
  if (!pending_.empty()) {
    joined = pending_ + std::string(chunk);
    pending_.clear();
    chunk = joined;
  }
  const auto* s = reinterpret_cast<const unsigned char*>(chunk.data());
  std::size_t i = 0;
  while (i < chunk.size()) {
    // Fast path: printable ASCII in text state is copied as a run.
    if (state_ == State::text) {
      std::size_t j = i;
      while (j < chunk.size() && ((s[j] >= 0x20 && s[j] < 0x7F) || s[j] == '\n' || s[j] == '\t')) ++j;
      out.append(chunk.substr(i, j - i));
      i = j;
      if (i == chunk.size()) break;
    }
    const Utf8Step step = utf8_decode(chunk.substr(i));
    if (step.status == Utf8Status::incomplete) {
      pending_.assign(chunk.substr(i));
      break;
    }
    if (step.status == Utf8Status::ok) {
      code_point(step.code_point, chunk.substr(i, step.length), out);
    } else {
      code_point(0xFFFD, k_utf8_replacement, out);
    }
    i += step.length;
  }
  return out;
}

std::string TerminalSanitizer::finish() {
  std::string out;
  if (!pending_.empty()) {
    pending_.clear();
    code_point(0xFFFD, k_utf8_replacement, out);
  }
  state_ = State::text;
  string_bytes_ = 0;
  return out;
}

std::string sanitize_for_terminal(std::string_view text) {
  TerminalSanitizer sanitizer;
  std::string out = sanitizer.feed(text);
  out += sanitizer.finish();
  return out;
}

}  // namespace strata::llm
