// gzip of whole responses (http/compression.h): which clients get it, which bodies, and that the
// bytes are gzip that inflates back to the body.
#include <gtest/gtest.h>

#include <string>

#include "http/compression.h"
#include "ingest/gzip.h"

namespace strata::http {
namespace {

Request accepting(const std::string& accept_encoding) {
  Request r;
  if (!accept_encoding.empty()) r.headers["accept-encoding"] = accept_encoding;
  return r;
}

std::string big_json() {
  std::string body = "[";
  for (int i = 0; i < 200; ++i) body += std::string(i == 0 ? "" : ",") + R"({"source":"docs/guide.md","score":)" + std::to_string(i) + "}";
  return body + "]";
}

TEST(HttpCompression, AcceptEncodingIsReadAsRfc9110Says) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0")) << "gzip named with q=0 wins over *";
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=abc")) << "a q that does not read is no acceptance";
  EXPECT_FALSE(accepts_gzip("gzip;q=2"));
  EXPECT_TRUE(accepts_gzip(" gzip ; q=0.8 "));
}

TEST(HttpCompression, TheKindsOfBodyThatCompress) {
  EXPECT_TRUE(compressible_type("application/json"));
  EXPECT_TRUE(compressible_type("application/json; charset=utf-8"));
  EXPECT_TRUE(compressible_type("text/html; charset=utf-8"));
  EXPECT_TRUE(compressible_type("text/javascript"));
  EXPECT_TRUE(compressible_type("text/css"));
  EXPECT_TRUE(compressible_type("image/svg+xml"));
  EXPECT_TRUE(compressible_type("application/problem+json"));
  EXPECT_FALSE(compressible_type("image/png"));
  EXPECT_FALSE(compressible_type("application/octet-stream"));
  EXPECT_FALSE(compressible_type("application/gzip"));
}

TEST(HttpCompression, ALargeJsonBodyIsGzipThatInflatesBack) {
  const std::string body = big_json();
  Response r = Response::json(200, body);
  compress_response(accepting("gzip, deflate"), r);
  ASSERT_NE(r.header("Content-Encoding"), nullptr);
  EXPECT_EQ(*r.header("Content-Encoding"), "gzip");
  ASSERT_NE(r.header("Vary"), nullptr);
  EXPECT_EQ(*r.header("Vary"), "Accept-Encoding");
  EXPECT_TRUE(ingest::is_gzip(r.body));
  EXPECT_LT(r.body.size() * 4, body.size()) << "repetitive JSON compresses more than 4x";
  EXPECT_EQ(ingest::gunzip(r.body), body);
}

TEST(HttpCompression, WhatIsSentAsItIs) {
  const std::string body = big_json();
  // No Accept-Encoding, or one without gzip: the body as it is, but Vary says it could differ.
  for (const std::string& accept : {std::string(), std::string("br"), std::string("gzip;q=0")}) {
    Response r = Response::json(200, body);
    compress_response(accepting(accept), r);
    EXPECT_EQ(r.body, body) << accept;
    EXPECT_EQ(r.header("Content-Encoding"), nullptr) << accept;
    ASSERT_NE(r.header("Vary"), nullptr) << accept;
  }
  // Small, of a kind that does not compress, streamed, already encoded, 204: untouched, no Vary.
  Response small = Response::json(200, R"({"ok":true})");
  compress_response(accepting("gzip"), small);
  EXPECT_EQ(small.body, R"({"ok":true})");
  EXPECT_EQ(small.header("Vary"), nullptr);
  Response png = Response::text(200, std::string(4096, 'x'), "image/png");
  compress_response(accepting("gzip"), png);
  EXPECT_EQ(png.body.size(), 4096u);
  EXPECT_EQ(png.header("Content-Encoding"), nullptr);
  Response stream = Response::text(200, std::string(4096, 'x'), "text/event-stream");
  stream.stream = [](ChunkWriter&) {};
  compress_response(accepting("gzip"), stream);
  EXPECT_EQ(stream.header("Content-Encoding"), nullptr) << "a stream's events go out as written";
  Response encoded = Response::json(200, body);
  encoded.set_header("Content-Encoding", "br");
  compress_response(accepting("gzip"), encoded);
  EXPECT_EQ(encoded.body, body);
  EXPECT_EQ(*encoded.header("Content-Encoding"), "br");
  Response none = Response::json(204, "");
  compress_response(accepting("gzip"), none);
  EXPECT_EQ(none.header("Content-Encoding"), nullptr);
}

TEST(HttpCompression, VaryIsKeptAndAStrongETagBecomesWeak) {
  Response r = Response::text(200, std::string(2000, 'a'), "text/html; charset=utf-8");
  r.set_header("Vary", "Origin");
  r.set_header("ETag", "\"v1\"");
  compress_response(accepting("gzip"), r);
  EXPECT_EQ(*r.header("Vary"), "Origin, Accept-Encoding");
  EXPECT_EQ(*r.header("ETag"), "W/\"v1\"") << "the compressed bytes are another representation";
  EXPECT_EQ(ingest::gunzip(r.body), std::string(2000, 'a'));
}

}  // namespace
}  // namespace strata::http
