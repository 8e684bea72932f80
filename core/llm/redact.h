#pragma once
// `strata ask --redact`: removes personal data and secrets from retrieved text before it is sent
// to a remote model. Each finding is replaced by a typed placeholder ([email], [phone], [card],
// [ip], [key]), so the model still sees that something was there.
//
// Detection is by rule, tuned for a low false-positive rate on ordinary prose and code (dates,
// times, versions, decimals, hashes, UUIDs, identifiers and paths are left alone), at the price
// of missing unusual formats. What is found:
//   email  local@domain.tld (a TLD of letters that is not a common file extension: foo@2x.png
//          is a file name)
//   phone  +CC numbers (8–15 digits), North American (415) 555-0100 / 415-555-0100 /
//          1-800-555-0100 shapes, national numbers that start with 0 in 3+ groups (9–12 digits)
//   card   13–19 digits, optionally in groups split by spaces or dashes, with the prefix and
//          length of a card network (Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay,
//          Maestro) and a valid Luhn checksum
//   ip     IPv4 dotted quads; IPv6 in any valid textual form (with at least one digit); not
//          loopback (127.x.x.x, ::1), 0.0.0.0 or a network in CIDR notation (10.0.0.0/8), which
//          identify no one and fill technical docs
//   key    provider-prefixed tokens (sk-…, sk_live_…, ghp_/gho_/ghu_/ghs_/ghr_…, github_pat_…,
//          glpat-…, AKIA…/ASIA…, xox[abprs]-…, AIza…, hf_…), JWTs, PEM private-key blocks, the
//          credential after `Bearer`/`Basic`, values assigned to names ending in key, token,
//          secret, password (`API_KEY=…`, `"password": "…"`), the password of a URL
//          (`postgres://user:PASSWORD@host`), and long random-looking tokens
//          (24+ characters mixing upper case, lower case and digits throughout, with short runs
//          of lower case and high entropy; about 9 in 100 random tokens are missed, identifiers
//          and hex hashes do not qualify)
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::llm {

enum class RedactionKind { email, phone, card, ip, key };

// "[email]", "[phone]", "[card]", "[ip]", "[key]".
const char* placeholder(RedactionKind kind);

struct Redaction {
  RedactionKind kind = RedactionKind::key;
  std::size_t offset = 0, length = 0;  // bytes of the input that were replaced
};

struct RedactedText {
  std::string text;
  std::vector<Redaction> redactions;  // in input order, non-overlapping
};

// Finds and replaces everything listed above. Bytes outside the findings are copied unchanged.
RedactedText redact(std::string_view text);

}  // namespace strata::llm
