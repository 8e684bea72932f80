#include "llm/redact.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>

#include "common/text.h"

namespace strata::llm {
namespace {

// ASCII classes; non-ASCII bytes are none of these, so they act as boundaries.
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
bool is_alnum(char c) { return is_alpha(c) || is_ascii_digit(c); }
bool is_hex(char c) { return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

struct Span {
  std::size_t start, end;
  RedactionKind kind;
  int priority;  // lower wins where spans overlap
};

using Spans = std::vector<Span>;

// The end of the run of bytes satisfying `pred` that starts at i.
template <typename Pred>
std::size_t run_end(std::string_view t, std::size_t i, Pred pred) {
  while (i < t.size() && pred(t[i])) ++i;
  return i;
}

char before(std::string_view t, std::size_t i) { return i == 0 ? ' ' : t[i - 1]; }
char at(std::string_view t, std::size_t i) { return i < t.size() ? t[i] : ' '; }

// ---- keys ---------------------------------------------------------------------------------

void private_key_blocks(std::string_view t, Spans& out) {
  std::size_t pos = 0;
  while ((pos = t.find("-----BEGIN ", pos)) != std::string_view::npos) {
    const std::size_t header_end = t.find("-----", pos + 11);
    if (header_end == std::string_view::npos) break;
    const std::string_view header = t.substr(pos + 11, header_end - pos - 11);
    if (!header.ends_with("PRIVATE KEY") || header.find('\n') != std::string_view::npos) {
      pos = header_end;
      continue;
    }
    std::size_t end = t.size();  // a block without its END line: redact to the end
    const std::size_t footer = t.find("-----END ", header_end + 5);
    if (footer != std::string_view::npos) {
      const std::size_t footer_end = t.find("-----", footer + 9);
      end = footer_end == std::string_view::npos ? t.size() : footer_end + 5;
    }
    out.push_back({pos, end, RedactionKind::key, 0});
    pos = end;
  }
}

bool is_token_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
}

// The word after "Bearer" or "Basic" when it is a credential, not prose: sentence punctuation at
// its end is not part of it ("HTTP Basic authentication." is a phrase, not a key), and a capital
// counts only inside the value (base64 and tokens have them; "Authentication" starts with one).
// Returns its length, 0 when it is not one.
std::size_t scheme_credential(std::string_view v) {
  while (!v.empty() && (v.back() == '.' || v.back() == '-' || v.back() == '_' || v.back() == '~')) v.remove_suffix(1);
  if (v.size() < 8) return 0;
  bool digit = false, inner_capital = false, symbol = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    digit |= is_ascii_digit(v[i]);
    inner_capital |= i > 0 && is_upper(v[i]) && is_lower(v[i - 1]);
    symbol |= !is_alnum(v[i]);
  }
  return digit || inner_capital || symbol ? v.size() : 0;
}

// `Authorization: Bearer <token>` and `Basic <base64>`: the credential only.
void auth_schemes(std::string_view t, std::string_view folded, Spans& out) {
  for (std::string_view scheme : {std::string_view("bearer"), std::string_view("basic")}) {
    std::size_t pos = 0;
    while ((pos = folded.find(scheme, pos)) != std::string_view::npos) {
      const std::size_t word_end = pos + scheme.size();
      std::size_t v = run_end(t, word_end, [](char c) { return c == ' ' || c == '\t'; });
      if (!is_word(before(t, pos)) && v > word_end) {
        const std::size_t e = run_end(t, v, is_token_char);
        if (const std::size_t n = scheme_credential(t.substr(v, e - v)); n > 0) {
          out.push_back({v, v + n, RedactionKind::key, 1});
        }
      }
      pos = word_end;
    }
  }
}

// `API_KEY=…`, `"password": "…"`, `client_secret: …`, `accessToken = '…'`: the value only.
void assigned_secrets(std::string_view t, std::string_view folded, Spans& out) {
  static constexpr std::array<std::string_view, 7> kNames = {"key",    "token",  "secret", "password",
                                                             "passwd", "apikey", "credential"};
  std::size_t i = 0;
  while (i < t.size()) {
    if (!is_word(t[i]) && t[i] != '-') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    i = run_end(t, i, [](char c) { return is_word(c) || c == '-'; });
    const std::string_view name = folded.substr(start, i - start);
    bool matched = false;
    for (std::string_view suffix : kNames) {
      if (!name.ends_with(suffix)) continue;
      const std::size_t s = i - suffix.size();  // where the suffix starts in t
      // The suffix must be a whole component: after '_' / '-', or a camelCase capital. A bare
      // "key" is too common in code (`for key, value in ...`) to count on its own.
      const bool whole = s == start ? suffix != "key"
                                    : (t[s - 1] == '_' || t[s - 1] == '-' || (is_upper(t[s]) && is_lower(t[s - 1])));
      matched |= whole;
    }
    if (!matched) continue;
    std::size_t p = i;
    if (p < t.size() && (t[p] == '"' || t[p] == '\'')) ++p;  // the end of a quoted JSON key
    p = run_end(t, p, [](char c) { return c == ' ' || c == '\t'; });
    if (p >= t.size() || (t[p] != '=' && t[p] != ':')) continue;
    ++p;
    if (p < t.size() && (t[p] == '=' || t[p] == '>')) ++p;  // `==`, `=>`: a literal compared or mapped is as secret
    p = run_end(t, p, [](char c) { return c == ' ' || c == '\t'; });
    if (p >= t.size()) continue;
    if (t[p] == '"' || t[p] == '\'' || t[p] == '`') {
      const char quote = t[p];
      const std::size_t v = p + 1;
      const std::size_t e = run_end(t, v, [quote](char c) { return c != quote && c != '\n'; });
      if (e < t.size() && t[e] == quote && e - v >= 6) out.push_back({v, e, RedactionKind::key, 1});
    } else {
      const std::size_t e = run_end(t, p, [](char c) {
        return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '"' && c != '\'' && c != '`' &&
               c != ',' && c != ';' && c != ')' && c != '(' && c != '}' && c != ']' && c != '[';
      });
      const std::string_view v = t.substr(p, e - p);
      const bool digit = std::any_of(v.begin(), v.end(), is_ascii_digit);
      const bool alpha = std::any_of(v.begin(), v.end(), is_alpha);
      if (v.size() >= 8 && digit && alpha) out.push_back({p, e, RedactionKind::key, 1});
    }
  }
}

struct KeyPrefix {
  std::string_view prefix;
  bool (*body)(char);
  std::size_t min, max;  // length of the body after the prefix
};

// The password of a URL's user information (`postgres://app:PASSWORD@host/db`, a pasted
// DATABASE_URL): the password only, so that the server it names stays readable.
void url_passwords(std::string_view t, Spans& out) {
  const auto stops = [](char c) { return c == '/' || c == '@' || c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  for (std::size_t at = t.find("://"); at != std::string_view::npos; at = t.find("://", at + 3)) {
    std::size_t p = at + 3;
    while (p < t.size() && !stops(t[p]) && t[p] != ':') ++p;  // the user
    if (p >= t.size() || t[p] != ':') continue;
    const std::size_t v = p + 1;
    std::size_t e = v;
    while (e < t.size() && !stops(t[e])) ++e;
    if (e < t.size() && t[e] == '@' && e > v) out.push_back({v, e, RedactionKind::key, 1});
  }
}

bool key_body(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool alnum_body(char c) { return is_alnum(c); }
bool alnum_underscore_body(char c) { return is_word(c); }
bool upper_digit_body(char c) { return is_upper(c) || is_ascii_digit(c); }
bool alnum_dash_body(char c) { return is_alnum(c) || c == '-'; }

constexpr std::size_t kAny = static_cast<std::size_t>(-1);
constexpr KeyPrefix kPrefixes[] = {
    {"sk-", key_body, 20, kAny},          // OpenAI, Anthropic (sk-ant-), OpenRouter (sk-or-)
    {"sk_live_", alnum_body, 16, kAny},   // Stripe
    {"sk_test_", alnum_body, 16, kAny},
    {"rk_live_", alnum_body, 16, kAny},
    {"ghp_", alnum_body, 30, kAny},       // GitHub
    {"gho_", alnum_body, 30, kAny},
    {"ghu_", alnum_body, 30, kAny},
    {"ghs_", alnum_body, 30, kAny},
    {"ghr_", alnum_body, 30, kAny},
    {"github_pat_", alnum_underscore_body, 30, kAny},
    {"glpat-", key_body, 20, kAny},       // GitLab
    {"AKIA", upper_digit_body, 16, 16},   // AWS access key ids
    {"ASIA", upper_digit_body, 16, 16},
    {"xoxb-", alnum_dash_body, 10, kAny},  // Slack
    {"xoxp-", alnum_dash_body, 10, kAny},
    {"xoxa-", alnum_dash_body, 10, kAny},
    {"xoxr-", alnum_dash_body, 10, kAny},
    {"xoxs-", alnum_dash_body, 10, kAny},
    {"AIza", key_body, 35, 35},            // Google API keys
    {"hf_", alnum_body, 30, kAny},         // Hugging Face
    {"npm_", alnum_body, 36, kAny},
};

// A key glued to the word before it ("lengthsk-proj-…", as models write when they drop a space)
// has no boundary to tell it from a word that merely contains the prefix ("task-list-…"); it is
// a key when a '-' or '_' separated piece of its body reads as random: 16+ characters with both
// letters and digits.
bool random_piece(std::string_view body) {
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find_first_of("-_", start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view piece = body.substr(start, end - start);
    if (piece.size() >= 16 && std::any_of(piece.begin(), piece.end(), is_ascii_digit) &&
        std::any_of(piece.begin(), piece.end(), is_alpha)) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

void prefixed_keys(std::string_view t, Spans& out) {
  for (const KeyPrefix& k : kPrefixes) {
    std::size_t pos = 0;
    while ((pos = t.find(k.prefix, pos)) != std::string_view::npos) {
      const std::size_t body = pos + k.prefix.size();
      const std::size_t e = run_end(t, body, k.body);
      const std::size_t n = e - body;
      const char b = before(t, pos);
      const bool glued = is_word(b) || b == '-';
      if (n >= k.min && n <= k.max && (!glued || random_piece(t.substr(body, n)))) {
        out.push_back({pos, e, RedactionKind::key, 2});
      }
      pos = body;
    }
  }
}

bool base64url(char c) { return is_alnum(c) || c == '_' || c == '-'; }

void json_web_tokens(std::string_view t, Spans& out) {
  std::size_t pos = 0;
  while ((pos = t.find("eyJ", pos)) != std::string_view::npos) {
    const std::size_t a = run_end(t, pos, base64url);
    if (!is_word(before(t, pos)) && a - pos >= 10 && at(t, a) == '.') {
      const std::size_t b = run_end(t, a + 1, base64url);
      if (b - a - 1 >= 10 && at(t, b) == '.') {
        const std::size_t c = run_end(t, b + 1, base64url);
        out.push_back({pos, c, RedactionKind::key, 2});
        pos = c;
        continue;
      }
    }
    pos += 3;
  }
}

// 24+ characters that read as random: upper case, lower case and digits all present, a
// stretch of 16+ without '_', '-', '/' or '+' (SCREAMING_SNAKE_CASE_V2 names are short words),
// short runs of lower case (at most 2.4 letters a run on average: identifiers such as
// PragmaInTransactionIsErrorOfClass3 are words), digits mixed in (a letter/digit change at least
// every 10 characters: glTexCoord2fColor4f has a few), and high entropy. Tuned on 4,000 random
// base62/base64 strings of 24-47 characters (about 9% missed, mostly ones with few digits) and
// the 75,000 distinct identifiers of 24+ characters in /usr/include (none flagged but two that
// are random data). Hex strings (hashes, ids) and UUIDs have one letter case and are left alone.
bool random_looking(std::string_view v) {
  if (v.size() < 24) return false;
  bool up = false, low = false, digit = false;
  std::size_t letters_digits = 0, segment = 0, longest_segment = 0;
  std::size_t lower_letters = 0, lower_runs = 0, digit_changes = 0;
  std::array<std::uint16_t, 128> counts{};
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    up |= is_upper(c);
    low |= is_lower(c);
    digit |= is_ascii_digit(c);
    if (is_lower(c)) {
      ++lower_letters;
      if (i == 0 || !is_lower(v[i - 1])) ++lower_runs;
    }
    if (i > 0 && is_alnum(c) && is_alnum(v[i - 1]) && is_ascii_digit(c) != is_ascii_digit(v[i - 1])) ++digit_changes;
    segment = is_alnum(c) ? segment + 1 : 0;
    longest_segment = std::max(longest_segment, segment);
    if (!is_alnum(c)) continue;
    ++letters_digits;
    ++counts[static_cast<unsigned char>(c) & 0x7F];
  }
  if (!(up && low && digit) || longest_segment < 16) return false;
  if (static_cast<double>(lower_letters) > 2.4 * static_cast<double>(lower_runs)) return false;
  if (static_cast<double>(digit_changes) < 0.1 * static_cast<double>(v.size())) return false;
  double entropy = 0.0;
  for (std::uint16_t n : counts) {
    if (n == 0) continue;
    const double p = static_cast<double>(n) / static_cast<double>(letters_digits);
    entropy -= p * std::log2(p);
  }
  return entropy >= 3.5;
}

void random_tokens(std::string_view t, Spans& out) {
  // '=' only as base64 padding at the end: `NAME=value` is two tokens.
  auto token_char = [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '+' || c == '/'; };
  std::size_t i = 0;
  while (i < t.size()) {
    if (!token_char(t[i])) {
      ++i;
      continue;
    }
    std::size_t e = run_end(t, i, token_char);
    const std::size_t core_end = e;
    while (e < t.size() && t[e] == '=' && e - core_end < 2) ++e;
    if (random_looking(t.substr(i, core_end - i))) out.push_back({i, e, RedactionKind::key, 8});
    i = e;
  }
}

// ---- email --------------------------------------------------------------------------------

bool file_extension(std::string_view tld) {
  static constexpr std::string_view kExtensions[] = {
      "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "pdf", "js",   "ts",   "css", "scss",
      "html", "htm", "json", "yaml", "yml", "md",  "txt", "xml", "cpp", "hpp", "h",    "c",   "py",
      "rs",  "go",  "java", "rb",  "sh",  "mjs", "tsx", "jsx", "lock", "toml", "wasm", "zip", "gz"};
  std::string folded;
  for (char c : tld) folded.push_back(lower(c));
  return std::find(std::begin(kExtensions), std::end(kExtensions), folded) != std::end(kExtensions);
}

void emails(std::string_view t, Spans& out) {
  auto local_char = [](char c) {
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  };
  std::size_t at_pos = 0;
  while ((at_pos = t.find('@', at_pos)) != std::string_view::npos) {
    std::size_t start = at_pos;
    while (start > 0 && local_char(t[start - 1])) --start;
    while (start < at_pos && t[start] == '.') ++start;
    // The domain: labels of letters, digits and inner dashes, at least two of them.
    std::size_t p = at_pos + 1, end = p, labels = 0, tld_start = p;
    while (true) {
      const std::size_t e = run_end(t, p, [](char c) { return is_alnum(c) || c == '-'; });
      if (e == p || t[p] == '-' || t[e - 1] == '-') break;
      ++labels;
      tld_start = p;
      end = e;
      if (at(t, e) != '.' || !is_alnum(at(t, e + 1))) break;
      p = e + 1;
    }
    const std::string_view tld = t.substr(tld_start, end - tld_start);
    const bool tld_ok = labels >= 2 && tld.size() >= 2 && std::all_of(tld.begin(), tld.end(), is_alpha) &&
                        !file_extension(tld);
    if (start < at_pos && tld_ok) out.push_back({start, end, RedactionKind::email, 3});
    at_pos = std::max(at_pos + 1, end);
  }
}

// ---- IP addresses -------------------------------------------------------------------------

void ipv4(std::string_view t, std::string_view folded, Spans& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    if (!is_ascii_digit(t[i]) || is_alnum(before(t, i)) || before(t, i) == '.' || before(t, i) == '_') {
      ++i;
      continue;
    }
    std::size_t p = i;
    int parts = 0;
    bool ok = true;
    while (parts < 4) {
      const std::size_t e = run_end(t, p, is_ascii_digit);
      const std::size_t n = e - p;
      if (n == 0 || n > 3 || (n > 1 && t[p] == '0') || std::stoi(std::string(t.substr(p, n))) > 255) {
        ok = false;
        break;
      }
      ++parts;
      p = e;
      if (parts < 4) {
        if (at(t, p) != '.') {
          ok = false;
          break;
        }
        ++p;
      }
    }
    // Not part of a longer dotted number (an OID, a 5-part version) or a word.
    const bool tail_ok = !is_alnum(at(t, p)) && at(t, p) != '_' && !(at(t, p) == '.' && is_ascii_digit(at(t, p + 1)));
    const bool version = (i >= 1 && (t[i - 1] == 'v' || t[i - 1] == 'V')) ||
                         (i >= 8 && folded.substr(i - 8, 8) == "version ");
    // Loopback and "any" addresses identify no one and fill technical documents; nor does a
    // network in CIDR notation whose host part is zero ("10.0.0.0/8", "192.168.0.0/16").
    const bool local = t.substr(i, 4) == "127." || t.substr(i, p - i) == "0.0.0.0";
    const bool network = at(t, p) == '/' && is_ascii_digit(at(t, p + 1)) && p >= 2 && t.substr(p - 2, 2) == ".0";
    if (ok && tail_ok && !version && !local && !network) {
      out.push_back({i, p, RedactionKind::ip, 5});
      i = p;
    } else {
      i = run_end(t, i, [](char c) { return is_ascii_digit(c) || c == '.'; });
    }
  }
}

void ipv6(std::string_view t, Spans& out) {
  auto v6_char = [](char c) { return is_hex(c) || c == ':' || c == '.'; };
  std::size_t i = 0;
  while (i < t.size()) {
    const char b = before(t, i);
    if (!(is_hex(t[i]) || t[i] == ':') || is_alnum(b) || b == ':' || b == '_' || b == '.') {
      ++i;
      continue;
    }
    std::size_t e = run_end(t, i, v6_char);
    // A sentence may end right after an address ("... ::1." or "fe80::1: error").
    while (e > i && t[e - 1] == '.') --e;
    if (e - i >= 2 && t[e - 1] == ':' && t[e - 2] != ':') --e;
    const std::string_view cand = t.substr(i, e - i);
    const bool tail_ok = !is_alnum(at(t, e)) && at(t, e) != '_';
    std::size_t colons = static_cast<std::size_t>(std::count(cand.begin(), cand.end(), ':'));
    bool valid = false;
    if (tail_ok && colons >= 2 && cand.size() <= 45 && std::any_of(cand.begin(), cand.end(), is_ascii_digit)) {
      unsigned char buf[16];
      valid = inet_pton(AF_INET6, std::string(cand).c_str(), buf) == 1;
      // Loopback ::1 and ::ffff:127.x (see ipv4) identify no one.
      static constexpr unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
      if (valid && std::equal(buf, buf + 16, kLoopback)) valid = false;
      if (valid && std::all_of(buf, buf + 10, [](unsigned char byte) { return byte == 0; }) && buf[10] == 0xFF &&
          buf[11] == 0xFF && buf[12] == 127) {
        valid = false;
      }
    }
    if (valid) out.push_back({i, e, RedactionKind::ip, 4});
    i = std::max(e, i + 1);
  }
}

// ---- card numbers -------------------------------------------------------------------------

bool luhn(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (std::size_t k = digits.size(); k-- > 0;) {
    int d = digits[k] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Digit groups separated by one space or dash: [start, end) of each group.
struct Group {
  std::size_t start, end;
};

std::vector<Group> digit_groups(std::string_view t, std::size_t i, std::size_t max_digits) {
  std::vector<Group> groups;
  std::size_t p = i, digits = 0;
  char sep = 0;
  while (true) {
    const std::size_t e = run_end(t, p, is_ascii_digit);
    if (e == p) break;
    groups.push_back({p, e});
    digits += e - p;
    if (digits > max_digits) break;
    const char c = at(t, e);
    if ((c != ' ' && c != '-') || !is_ascii_digit(at(t, e + 1)) || (sep != 0 && c != sep)) break;
    sep = c;
    p = e + 1;
  }
  return groups;
}

// The issuer prefixes and lengths of the card networks (ISO/IEC 7812 IINs): Visa, Mastercard
// (51-55, 2221-2720), American Express, Diners, Discover, JCB, UnionPay, Maestro. A digit run
// that is no network's shape (a 14-digit timestamp 20260101120000) is not a card.
bool card_shape(std::string_view d) {
  const std::size_t n = d.size();
  auto prefix = [&](std::size_t len) { return std::stoi(std::string(d.substr(0, len))); };
  const int p2 = prefix(2), p3 = prefix(3), p4 = prefix(4);
  if (d[0] == '4') return n == 13 || n == 16 || n == 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;
  if (p2 == 34 || p2 == 37) return n == 15;
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14 && n <= 19;
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || p2 == 62 || (p4 >= 3528 && p4 <= 3589)) {
    return n >= 16 && n <= 19;
  }
  if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 67) return n >= 13 && n <= 19;
  return false;
}

void cards(std::string_view t, Spans& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    const char b = before(t, i);
    if (!is_ascii_digit(t[i]) || is_alnum(b) || b == '.' || b == '_' || b == '-' || b == '+' || b == ',') {
      ++i;
      continue;
    }
    const std::vector<Group> groups = digit_groups(t, i, 40);
    bool found = false;
    // The longest prefix of whole groups that is a card number ("4111 1111 1111 1111 2030" is a
    // card followed by a year).
    for (std::size_t n = groups.size(); n > 0 && !found; --n) {
      std::string digits;
      bool shape = true;
      for (std::size_t g = 0; g < n; ++g) {
        digits.append(t.substr(groups[g].start, groups[g].end - groups[g].start));
        // Grouped numbers: groups of 4 to 6 digits except a short last one (4-4-4-4, 4-6-5).
        const std::size_t len = groups[g].end - groups[g].start;
        if (n > 1 && (len > 6 || (len < 4 && g + 1 < n))) shape = false;
      }
      const std::size_t end = groups[n - 1].end;
      const char a = at(t, end);
      const bool tail_ok = !is_alnum(a) && a != '_' && !(a == '.' && is_ascii_digit(at(t, end + 1)));
      if (shape && tail_ok && digits.size() >= 13 && digits.size() <= 19 && card_shape(digits) && luhn(digits)) {
        out.push_back({i, end, RedactionKind::card, 6});
        i = end;
        found = true;
      }
    }
    if (!found) i = groups.empty() ? i + 1 : groups.back().end;
  }
}

// ---- phone numbers ------------------------------------------------------------------------

void phones(std::string_view t, Spans& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    const char b = before(t, i);
    const bool starts = (is_ascii_digit(c) || c == '+' || c == '(') && !is_alnum(b) && b != '.' && b != '_' &&
                        b != '-' && b != '+' && b != '/' && b != ':' && b != ',';
    if (!starts) {
      ++i;
      continue;
    }
    std::size_t p = i;
    const bool plus = c == '+';
    if (plus) ++p;
    // Groups: digits, or (digits); separated by one of space, '.', '-' (", " and ") " allowed).
    std::vector<std::size_t> lengths;
    bool paren = false, ok = true;
    char sep = 0;
    std::size_t digits = 0, end = p;
    while (true) {
      bool in_paren = false;
      if (at(t, p) == '(') {
        in_paren = true;
        ++p;
      }
      // A group that does not parse ends the number where the last one did: "+1 415 555 0100
      // (24/7)" is a number followed by a remark.
      const std::size_t e = run_end(t, p, is_ascii_digit);
      if (e == p || e - p > 15) {
        ok = ok && !lengths.empty();
        break;
      }
      std::size_t q = e;
      if (in_paren) {
        if (at(t, q) != ')') {
          ok = ok && !lengths.empty();
          break;
        }
        ++q;
        paren = true;
      }
      lengths.push_back(e - p);
      digits += e - p;
      end = q;
      const char s = at(t, q);
      const bool more = (s == ' ' || s == '.' || s == '-') && (is_ascii_digit(at(t, q + 1)) || at(t, q + 1) == '(');
      if (!more) break;
      // Separators must agree, except the one right after a (group) or the +country code.
      if (!in_paren && !(plus && lengths.size() == 1)) {
        if (sep != 0 && s != sep) break;
        sep = s;
      }
      p = q + 1;
    }
    const char a = at(t, end);
    const bool tail_ok = !is_alnum(a) && a != '_' && !((a == '.' || a == '-' || a == ':') && is_ascii_digit(at(t, end + 1)));
    bool phone = false;
    if (ok && tail_ok && !lengths.empty()) {
      const std::size_t n = lengths.size();
      const bool nanp = (n == 3 && lengths[0] == 3 && lengths[1] == 3 && lengths[2] == 4) ||
                        (n == 4 && lengths[0] == 1 && lengths[1] == 3 && lengths[2] == 3 && lengths[3] == 4);
      const bool national = n >= 3 && t[plus ? i + 1 : i] == '0' && digits >= 9 && digits <= 12;
      if (plus) {
        phone = digits >= 8 && digits <= 15 && (n >= 2 || digits >= 10);
      } else if (paren) {
        phone = digits >= 10 && digits <= 11;
      } else {
        phone = nanp || national;
      }
    }
    if (phone) {
      out.push_back({i, end, RedactionKind::phone, 7});
      i = end;
    } else {
      i = std::max(end, i + 1);
    }
  }
}

}  // namespace

const char* placeholder(RedactionKind kind) {
  switch (kind) {
    case RedactionKind::email:
      return "[email]";
    case RedactionKind::phone:
      return "[phone]";
    case RedactionKind::card:
      return "[card]";
    case RedactionKind::ip:
      return "[ip]";
    case RedactionKind::key:
      return "[key]";
  }
  return "[redacted]";
}

RedactedText redact(std::string_view text) {
  std::string folded(text);
  for (char& c : folded) c = lower(c);
  Spans spans;
  private_key_blocks(text, spans);
  auth_schemes(text, folded, spans);
  assigned_secrets(text, folded, spans);
  url_passwords(text, spans);
  prefixed_keys(text, spans);
  json_web_tokens(text, spans);
  emails(text, spans);
  ipv6(text, spans);
  ipv4(text, folded, spans);
  cards(text, spans);
  phones(text, spans);
  random_tokens(text, spans);

  // Higher priority first, then longer; a span overlapping one already kept is dropped.
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.end - a.start > b.end - b.start;
  });
  std::map<std::size_t, Span> kept;  // by start; never overlapping
  for (const Span& s : spans) {
    if (s.end <= s.start) continue;
    const auto next = kept.lower_bound(s.start);
    if (next != kept.end() && next->second.start < s.end) continue;
    if (next != kept.begin() && std::prev(next)->second.end > s.start) continue;
    kept.emplace(s.start, s);
  }

  RedactedText out;
  out.text.reserve(text.size());
  std::size_t pos = 0;
  for (const auto& [start, s] : kept) {
    out.text.append(text.substr(pos, s.start - pos));
    out.text += placeholder(s.kind);
    out.redactions.push_back({s.kind, s.start, s.end - s.start});
    pos = s.end;
  }
  out.text.append(text.substr(pos));
  return out;
}

}  // namespace strata::llm
