#include "llm/redact.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace strata::llm {
namespace {

std::string r(std::string_view s) { return redact(s).text; }

TEST(LlmRedact, Emails) {
  EXPECT_EQ(r("Mail jane.doe+rag@example.co.uk today."), "Mail [email] today.");
  EXPECT_EQ(r("<bob_smith@mail-server.example.org>"), "<[email]>");
  EXPECT_EQ(r("a@b.io, c.d@e-f.com"), "[email], [email]");
  // Not addresses: decorators, scoped packages, versions, file names, no TLD.
  EXPECT_EQ(r("@Override @types/node react@18.2.0 icon@2x.png user@localhost me@.com @"),
            "@Override @types/node react@18.2.0 icon@2x.png user@localhost me@.com @");
}

TEST(LlmRedact, UrlPasswords) {
  EXPECT_EQ(r("DATABASE_URL=postgres://app:s3cretPassw0rd@db.example.com:5432/app"),
            "DATABASE_URL=postgres://app:[key]@db.example.com:5432/app");
  EXPECT_EQ(r("redis://:hunter2@cache:6379"), "redis://:[key]@cache:6379");
  EXPECT_EQ(r("see https://example.com/a:b@c and http://host:8080/x"), "see https://example.com/a:b@c and http://host:8080/x");
}

TEST(LlmRedact, PhoneNumbers) {
  EXPECT_EQ(r("Call +1 415 555 0100 or (415) 555-0100."), "Call [phone] or [phone].");
  EXPECT_EQ(r("415-555-0100, 415.555.0100, 1-800-555-0100"), "[phone], [phone], [phone]");
  EXPECT_EQ(r("UK +44 20 7946 0958, FR 06 12 34 56 78, DE +4915112345678"),
            "UK [phone], FR [phone], DE [phone]");
  EXPECT_EQ(r("office: 020 7946 0958."), "office: [phone].");
}

TEST(LlmRedact, CardNumbers) {
  EXPECT_EQ(r("Visa 4111 1111 1111 1111 exp 12/30"), "Visa [card] exp 12/30");
  EXPECT_EQ(r("4111-1111-1111-1111"), "[card]");
  EXPECT_EQ(r("5555555555554444"), "[card]");
  EXPECT_EQ(r("amex 3782 822463 10005."), "amex [card].");
  EXPECT_EQ(r("4111 1111 1111 1111 2030"), "[card] 2030");
  // Luhn fails, or not a card network's first digit: left alone.
  EXPECT_EQ(r("4111 1111 1111 1112"), "4111 1111 1111 1112");
  EXPECT_EQ(r("1234567890123452"), "1234567890123452");
}

TEST(LlmRedact, IpAddresses) {
  EXPECT_EQ(r("host 192.168.1.20:8080 and 10.0.0.1/8"), "host [ip]:8080 and [ip]/8");
  EXPECT_EQ(r("v6 2001:db8::8a2e:370:7334, ::2 and fe80::1%eth0"), "v6 [ip], [ip] and [ip]%eth0");
  // Loopback and "any" identify no one.
  EXPECT_EQ(r("listen on 127.0.0.1:11434, ::1, ::ffff:127.0.0.1 or 0.0.0.0"),
            "listen on 127.0.0.1:11434, ::1, ::ffff:127.0.0.1 or 0.0.0.0");
  EXPECT_EQ(r("mapped ::ffff:192.0.2.1."), "mapped [ip].");
  EXPECT_EQ(r("full 2001:0db8:0000:0000:0000:ff00:0042:8329"), "full [ip]");
  // Not addresses: versions, OIDs, out-of-range octets, times, MACs, C++ scopes.
  const std::string keep =
      "v1.2.3.4 version 10.0.0.1 1.3.6.1.4.1 256.1.1.1 1.2.3 12:30:45 00:1a:2b:3c:4d:5e "
      "std::vector a::b dead::beef";
  EXPECT_EQ(r(keep), keep);
}

TEST(LlmRedact, ProviderKeys) {
  EXPECT_EQ(r("OPENAI sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"), "OPENAI [key]");
  EXPECT_EQ(r("anthropic sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345-_x"), "anthropic [key]");
  EXPECT_EQ(r("gh ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"), "gh [key]");
  EXPECT_EQ(r("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"), "[key]");
  EXPECT_EQ(r("aws AKIAIOSFODNN7EXAMPLE."), "aws [key].");
  EXPECT_EQ(r("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"), "slack [key]");
  EXPECT_EQ(r("xoxp-1234567890-abcdef"), "[key]");
  EXPECT_EQ(r("google AIzaSyA1234567890abcdefghijklmnopqrstuv"), "google [key]");
  EXPECT_EQ(r("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc"), "stripe [key]");
  // Too short, or inside a word: not keys.
  EXPECT_EQ(r("task-based sk-short AKIA123 desk-top"), "task-based sk-short AKIA123 desk-top");
  EXPECT_EQ(r("task-list-items-management-feature-2024-review"), "task-list-items-management-feature-2024-review");
}

// Regression: a key glued to the word before it (a model dropping a space) was left in the text.
TEST(LlmRedact, ProviderKeyGluedToTheWordBefore) {
  EXPECT_EQ(r("context lengthsk-strata-canary-7Qf3Zx9Lm2Wc8Rt5Yh1Kd4Np6Vb0Gs3J here"), "context length[key] here");
  EXPECT_EQ(r("key:sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"), "key:[key]");
  EXPECT_EQ(r("the-ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 token"), "the-[key] token");
}

TEST(LlmRedact, BearerJwtPrivateKeyAndAssignments) {
  EXPECT_EQ(r("Authorization: Bearer abc.DEF-123_xyz~+/="), "Authorization: Bearer [key]");
  EXPECT_EQ(r("Authorization: Basic dXNlcjpwYXNzd29yZA=="), "Authorization: Basic [key]");
  EXPECT_EQ(r("the bearer instruments and basic understanding"), "the bearer instruments and basic understanding");
  // Prose after the scheme's name is not a credential: a word that ends a sentence, or starts
  // with its only capital.
  EXPECT_EQ(r("It uses HTTP Basic authentication."), "It uses HTTP Basic authentication.");
  EXPECT_EQ(r("Enable Basic Authentication, then Bearer Authorization."), "Enable Basic Authentication, then Bearer Authorization.");
  EXPECT_EQ(r("Authorization: Basic dXNlcjpwYXNz."), "Authorization: Basic [key].");
  EXPECT_EQ(r("Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l"), "Authorization: Basic [key]");
  EXPECT_EQ(r("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok"),
            "jwt [key] ok");
  EXPECT_EQ(r("before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAA\n-----END RSA PRIVATE KEY-----\nafter"),
            "before\n[key]\nafter");
  EXPECT_EQ(r("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
  EXPECT_EQ(r("export OPENAI_API_KEY=abc123def456ghi"), "export OPENAI_API_KEY=[key]");
  EXPECT_EQ(r("{\"password\": \"hunter2!\", \"client_secret\": 'x9y8z7w6v5'}"),
            "{\"password\": \"[key]\", \"client_secret\": '[key]'}");
  EXPECT_EQ(r("db_password: s3cretPass99\naccessToken = \"tok-1234\""),
            "db_password: [key]\naccessToken = \"[key]\"");
}

TEST(LlmRedact, RandomLookingTokens) {
  EXPECT_EQ(r("secret q8F3kZ2mR7xLp9Vt4Wn6Yb1Hc5Jd0Gs+Ae/Ko3Uz here"), "secret [key] here");
  EXPECT_EQ(r("tok 9fQ2xZ7LmP4kR8vW1nB6yT3hJ5cD0gS"), "tok [key]");
  EXPECT_EQ(r("aws 7Hq2Lr9vXw4Tz1Bn8Kd3Fp6Ys0Gm5Jc2Vh/Ra9E"), "aws [key]");
  // AWS's documented example has a single digit: it reads as text, but not once assigned.
  EXPECT_EQ(r("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "aws_secret_access_key = [key]");
  EXPECT_EQ(r("b64 SGVsbG8gV29ybGQhIFRoaXMgaXMgYmFzZTY0IQ== end"), "b64 [key] end");
}

// The random-token rule on generated inputs: random base62/base64 strings are found, identifiers
// made of words (camelCase, snake_case, with digits) are not.
TEST(LlmRedact, RandomStringsFoundIdentifiersNot) {
  std::mt19937 rng(21);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::size_t found = 0;
  for (int i = 0; i < 500; ++i) {
    std::string token(32, ' ');
    for (char& c : token) c = alphabet[rng() % alphabet.size()];
    found += r("x " + token + " y") == "x [key] y" ? 1u : 0u;
  }
  EXPECT_GE(found, 425u);  // about 9% of random strings read like words or hold few digits
  const std::vector<std::string> words = {"get",    "Http",    "Response", "Header", "Value",  "Error",
                                          "Class",  "Parse",   "Json",     "Buffer", "Utf8",   "V2",
                                          "Id",     "Request", "Token",    "Count",  "Config", "Manager",
                                          "Factory", "Default", "Options", "X509",   "Sha256", "Stream"};
  std::size_t flagged = 0;
  for (int i = 0; i < 500; ++i) {
    std::string camel, snake;
    while (camel.size() < 28) {
      const std::string& w = words[rng() % words.size()];
      camel += w;
      snake += (snake.empty() ? "" : "_") + w;
    }
    if (rng() % 2 == 0) camel += std::to_string(rng() % 100);
    flagged += r(camel) != camel ? 1u : 0u;
    flagged += r(snake) != snake ? 1u : 0u;
  }
  EXPECT_EQ(flagged, 0u);
}

TEST(LlmRedact, ReportsWhatWasRemovedAndWhere) {
  const RedactedText out = redact("a@b.io 10.1.2.3");
  ASSERT_EQ(out.redactions.size(), 2u);
  EXPECT_EQ(out.redactions[0].kind, RedactionKind::email);
  EXPECT_EQ(out.redactions[0].offset, 0u);
  EXPECT_EQ(out.redactions[0].length, 6u);
  EXPECT_EQ(out.redactions[1].kind, RedactionKind::ip);
  EXPECT_EQ(out.redactions[1].offset, 7u);
  EXPECT_STREQ(placeholder(RedactionKind::card), "[card]");
  EXPECT_STREQ(placeholder(RedactionKind::phone), "[phone]");
}

// Ordinary prose and code: nothing in here is personal data or a secret.
const char* const kOrdinary[] = {
    "The meeting is on 2024-01-15 at 10:30, room 4.12; bring the Q3 report (pages 12-18).",
    "Version 3.11.2 fixed CVE-2023-12345 and bumped the build to 1.2.3-rc.4+build.567.",
    "Pi is 3.14159 and e is 2.71828; 1,234,567 people live there, up 12.5% since 1999.",
    "Call the function with --threads 8 --port 8080 and a timeout of 30000 ms.",
    "The commit 3f2c9a1b7e4d5c6f8a9b0c1d2e3f4a5b6c7d8e9f and id 550e8400-e29b-41d4-a716-446655440000 are fine.",
    "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "ISBN 978-3-16-148410-0, DOI 10.1000/182, arXiv 2106.09685, order #12345678.",
    "The years 1990 2000 2010 2020, scores 98 87 76, ZIP 94103, and 100 200 300 400.",
    "std::vector<std::string> names; names.push_back(\"a\"); for (auto& n : names) std::cout << n;",
    "def getHTTP2ResponseHeaderValue(request_id, max_tokens=4096): return cache[request_id]",
    "const apiKey = process.env.OPENAI_API_KEY; const token = lexer.next(); let key = map.get(k);",
    "for key, value in settings.items(): print(key, value)  # password_policy = strict",
    "https://github.com/example/Repo2Name/blob/main/src/File3Name.cpp#L120-L140",
    "/usr/lib/x86_64-linux-gnu/libstdc++.so.6 and C:\\Program Files\\App\\bin\\app.exe",
    "SELECT id, name FROM users WHERE created_at > '2024-01-01 00:00:00' LIMIT 100;",
    "Run `pip install numpy==1.26.4` then `python -m pytest tests/ -k test_parse -x`.",
    "The temperature was -12.5 to +35.2 degrees; the ratio 16:9 and the time 23:59:59.",
    "MAC addresses like 00:1A:2B:3C:4D:5E and ports 0-65535 are not secrets.",
    "Call it ThisIsAVeryLongCamelCaseIdentifierName or this_is_a_long_snake_case_name_2.",
    "Numbers: 4111 and 1111 separately, a count of 12345678901 bytes, and 0.5/0.25.",
    "Tokens such as <|endoftext|> and [CLS] appear in tokenizer docs; sk-learn is a library.",
    "The bearer of this letter, a basic idea, the key point, a token gesture, the secret garden.",
    "Base64 of hello is aGVsbG8= and the hex dump shows 48 65 6c 6c 6f.",
    "TEST(CheckerTest, PragmaInTransactionIsErrorOfClass3) and MissingDownIsWarningAndStrictMakesItClass3",
    "CORPUS_SHA=0f6ddf95ca91c188709853e603f60a19b67df00a32931c198145115ae82cf6f9",
    "NulByteInTheFirst8KiBIsBinary set(STRATA_TIKTOKEN_SHA256_cl100k_base 2239) v1beta2ListNamespacedPod",
    "migration 20260101120000_create_users.sql and 20240101000006 and build 1000000000000008",
    "Serve it on http://127.0.0.1:11434/v1 or bind 0.0.0.0:8080 and ::1.",
};

TEST(LlmRedact, OrdinaryProseAndCodeAreLeftAlone) {
  for (const char* text : kOrdinary) {
    const RedactedText out = redact(text);
    EXPECT_EQ(out.text, text);
    EXPECT_TRUE(out.redactions.empty());
  }
}

TEST(LlmRedact, LargeInputWithManyFindings) {
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "user" + std::to_string(i) + "@example.com connected from 10.0." + std::to_string(i % 250) + "." +
            std::to_string(i % 200) + " at 12:00:" + std::to_string(10 + i % 50) + "\n";
  }
  const RedactedText out = redact(text);
  EXPECT_EQ(out.redactions.size(), 40000u);
  EXPECT_EQ(out.text.find('@'), std::string::npos);
  EXPECT_NE(out.text.find("[email] connected from [ip] at 12:00:"), std::string::npos);
}

TEST(LlmRedact, EmptyAndUnicodeText) {
  EXPECT_EQ(r(""), "");
  EXPECT_EQ(r("日本語のテキスト、電話は +81 3 1234 5678 です。"), "日本語のテキスト、電話は [phone] です。");
  EXPECT_EQ(r("café@naïve"), "café@naïve");
}

}  // namespace
}  // namespace strata::llm
