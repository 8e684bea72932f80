// Build-time tool: turns a .tiktoken rank file into a C++ source holding the table in the layout
// of rank_table_format.h, so that the binary needs no base64 decoding or hashing at start-up.
//
//   make_rank_table INPUT.tiktoken SHA256 NAME OUTPUT.cpp
//
// Fails (exit 1, message on stderr) when the file's digest is not SHA256, or when ranks are not
// contiguous from 0: a wrong table would silently give wrong token ids.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "tokenizer/byte_hash.h"
#include "tokenizer/rank_table_format.h"

namespace {

namespace tf = strata::tokenizer::table_format;

[[noreturn]] void die(const std::string& message) {
  std::cerr << "make_rank_table: " << message << '\n';
  std::exit(1);
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = base64_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return !out.empty();
}

struct Table {
  std::vector<std::uint32_t> offsets{0};
  std::string blob;
};

Table parse(const std::string& text) {
  Table t;
  std::size_t pos = 0;
  std::uint32_t rank = 0;
  std::string bytes;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) die("line " + std::to_string(rank + 1) + " does not end in a newline");
    const std::string_view line(text.data() + pos, nl - pos);
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || !base64_decode(line.substr(0, space), bytes)) {
      die("line " + std::to_string(rank + 1) + " is not 'BASE64 RANK'");
    }
    if (line.substr(space + 1) != std::to_string(rank)) {
      die("line " + std::to_string(rank + 1) + ": ranks must be contiguous from 0");
    }
    t.blob += bytes;
    t.offsets.push_back(static_cast<std::uint32_t>(t.blob.size()));
    ++rank;
    pos = nl + 1;
  }
  if (rank == 0 || rank >= tf::k_rank_mask) die("unexpected number of ranks: " + std::to_string(rank));
  return t;
}

// Open addressing with linear probing, load factor at most 0.5 (most probes in BPE are misses,
// and a miss costs a walk to the next empty slot).
std::vector<std::uint32_t> build_slots(const Table& t, std::uint32_t& slot_bits) {
  const std::size_t tokens = t.offsets.size() - 1;
  slot_bits = 1;
  while ((std::size_t{1} << slot_bits) < 2 * tokens) ++slot_bits;
  const std::size_t mask = (std::size_t{1} << slot_bits) - 1;
  std::vector<std::uint32_t> slots(mask + 1, tf::k_empty_slot);
  for (std::uint32_t rank = 0; rank < tokens; ++rank) {
    const char* p = t.blob.data() + t.offsets[rank];
    const std::size_t n = t.offsets[rank + 1] - t.offsets[rank];
    const std::uint64_t h = strata::tokenizer::hash_bytes(p, n);
    std::size_t i = h & mask;
    while (slots[i] != tf::k_empty_slot) {
      const std::uint32_t other = slots[i] & tf::k_rank_mask;
      const std::size_t m = t.offsets[other + 1] - t.offsets[other];
      if (m == n && std::memcmp(t.blob.data() + t.offsets[other], p, n) == 0) {
        die("token of rank " + std::to_string(rank) + " repeats rank " + std::to_string(other));
      }
      i = (i + 1) & mask;
    }
    slots[i] = rank | (tf::tag_of(h) << tf::k_rank_bits);
  }
  return slots;
}

void append_words(std::string& data, const std::vector<std::uint32_t>& words) {
  const std::size_t at = data.size();
  data.resize(at + words.size() * 4);
  std::memcpy(data.data() + at, words.data(), words.size() * 4);
}

// A string literal is the fastest form for the compiler to read (a brace list of millions of
// integers takes far longer). Octal escapes are always three digits, so a digit that follows
// one cannot extend it.
std::string as_literal(const std::string& data) {
  std::string out;
  out.reserve(data.size() * 3);
  std::size_t line = 0;
  out += "  \"";
  for (const char ch : data) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '?') {
      out.push_back(static_cast<char>(c));
      ++line;
    } else {
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03o", c);
      out += esc;
      line += 4;
    }
    if (line >= 160) {
      out += "\"\n  \"";
      line = 0;
    }
  }
  out += "\"";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) die("usage: make_rank_table INPUT.tiktoken SHA256 NAME OUTPUT.cpp");
  const std::string input = argv[1], digest = argv[2], name = argv[3], output = argv[4];
  std::ifstream in(input, std::ios::binary);
  if (!in) die(input + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (strata::sha256_hex(text) != digest) {
    die(input + ": sha256 " + strata::sha256_hex(text) + " is not the expected " + digest);
  }

  const Table t = parse(text);
  std::uint32_t slot_bits = 0;
  const std::vector<std::uint32_t> slots = build_slots(t, slot_bits);
  std::vector<std::uint32_t> header(tf::k_header_words, 0);
  header[tf::magic] = tf::k_magic;
  header[tf::version] = tf::k_version;
  header[tf::tokens] = static_cast<std::uint32_t>(t.offsets.size() - 1);
  header[tf::slot_bits] = slot_bits;
  header[tf::blob_size] = static_cast<std::uint32_t>(t.blob.size());
  std::string data;
  append_words(data, header);
  append_words(data, t.offsets);
  append_words(data, slots);
  data += t.blob;

  std::ofstream out(output + ".tmp", std::ios::binary);
  out << "// Generated by make_rank_table from " << input << ". Do not edit.\n"
      << "#include \"tokenizer/embedded_tables.h\"\n\n"
      << "namespace strata::tokenizer {\nnamespace {\n\n"
      << "alignas(8) const char k_data[] =\n"
      << as_literal(data) << ";\n\n"
      << "}  // namespace\n\n"
      << "std::string_view embedded_table_" << name << "() { return {k_data, sizeof k_data - 1}; }\n\n"
      << "}  // namespace strata::tokenizer\n";
  out.close();
  if (!out || std::rename((output + ".tmp").c_str(), output.c_str()) != 0) die(output + ": cannot write");
  return 0;
}
