#include "net/api_key.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/error.h"
#include "common/text.h"

namespace strata::net {

void require_header_safe_key(std::string_view variable, std::string_view key) {
  if (!find_control_character(key)) return;
  const std::string name(variable);
  throw Error(ExitCode::usage,
              "$" + name + " holds a control character (a line break?), which would end the request's "
              "Authorization header; nothing was sent",
              "set it again without one: export " + name + "=...");
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string replace_whole(std::string_view text, std::string_view key) {
  std::string s(text);
  if (key.empty()) return s;
  for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + 10)) s.replace(at, key.size(), "[redacted]");
  return s;
}

}  // namespace

std::string redact_key_fragments(std::string_view text, std::string_view key) {
  std::string bare;  // the key without whitespace
  for (const char c : key) {
    if (!is_space(c)) bare += c;
  }
  if (bare.size() < kKeyFragment) return replace_whole(text, key);

  // The text without whitespace, and where each of its bytes stands in `text`.
  std::string squeezed;
  std::vector<std::size_t> at;
  squeezed.reserve(text.size());
  at.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_space(text[i])) continue;
    squeezed += text[i];
    at.push_back(i);
  }
  // Every kKeyFragment-long piece of the key; a window of the text that is one of them is the key's.
  std::unordered_set<std::string_view> pieces;
  const std::string_view b(bare);
  for (std::size_t i = 0; i + kKeyFragment <= b.size(); ++i) pieces.insert(b.substr(i, kKeyFragment));
  std::vector<bool> secret(squeezed.size(), false);
  const std::string_view q(squeezed);
  for (std::size_t i = 0; i + kKeyFragment <= q.size(); ++i) {
    if (pieces.count(q.substr(i, kKeyFragment)) != 0) std::fill(secret.begin() + static_cast<std::ptrdiff_t>(i),
                                                               secret.begin() + static_cast<std::ptrdiff_t>(i + kKeyFragment), true);
  }
  // Each run of secret bytes, with the whitespace inside it, becomes one "[redacted]".
  std::string out;
  out.reserve(text.size());
  std::size_t next = 0;  // next byte of `text` to copy
  for (std::size_t i = 0; i < squeezed.size();) {
    if (!secret[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < squeezed.size() && secret[j]) ++j;
    out.append(text.substr(next, at[i] - next));
    out += "[redacted]";
    next = at[j - 1] + 1;
    i = j;
  }
  out.append(text.substr(next));
  return out;
}

}  // namespace strata::net
