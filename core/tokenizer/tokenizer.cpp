#include "tokenizer/tokenizer.h"

#include <memory>
#include <utility>

#include "common/error.h"
#include "tokenizer/bpe.h"
#include "tokenizer/embedded_tables.h"
#include "tokenizer/piece_cache.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/rank_table.h"

namespace strata::tokenizer {

namespace {

// What an encoding is made of. Outside Tokenizer so the helpers below can name it.
struct EncodingData {
  Encoding encoding;
  RankTable table;
  NextPiece next_piece;
  // Special tokens: never produced by encode (ordinary encoding), but decoded like tiktoken does.
  std::vector<std::pair<TokenId, std::string_view>> specials;
};

}  // namespace

struct Tokenizer::Impl : EncodingData {};

namespace {

EncodingData make_data(Encoding e) {
  if (e == Encoding::o200k_base) {
    return {e, RankTable(embedded_table_o200k_base()), next_piece_o200k,
            {{199999, "<|endoftext|>"}, {200018, "<|endofprompt|>"}}};
  }
  return {e,
          RankTable(embedded_table_cl100k_base()),
          next_piece_cl100k,
          {{100257, "<|endoftext|>"},
           {100258, "<|fim_prefix|>"},
           {100259, "<|fim_middle|>"},
           {100260, "<|fim_suffix|>"},
           {100276, "<|endofprompt|>"}}};
}

// Per thread, so that `encode` can stay const and lock-free on a shared Tokenizer. Created on
// the first piece that needs merging: short inputs made of whole-token words never pay for it.
PieceCache& cache_for(Encoding e) {
  thread_local std::unique_ptr<PieceCache> caches[2];
  std::unique_ptr<PieceCache>& c = caches[e == Encoding::o200k_base ? 1 : 0];
  if (!c) c = std::make_unique<PieceCache>();
  return *c;
}

// Calls sink(ranks) with the ranks of each piece of `text`, in order. REQUIRES: valid UTF-8.
template <typename Sink>
void for_each_piece(const EncodingData& impl, std::string_view text, Sink&& sink) {
  const RankTable& table = impl.table;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  PieceCache* cache = nullptr;
  std::vector<std::uint32_t> merged;
  while (p < end) {
    const unsigned char* q = impl.next_piece(p, end);
    const std::size_t n = static_cast<std::size_t>(q - p);
    const char* piece = reinterpret_cast<const char*>(p);
    std::uint32_t rank;
    if (n == 1) {
      rank = table.byte_rank(*p);
      sink(std::span<const std::uint32_t>(&rank, 1));
    } else {
      // Most pieces of real text ("the", " function") are tokens themselves: one probe.
      const std::uint64_t h = hash_bytes(piece, n);
      rank = table.find(piece, n, h);
      if (rank != RankTable::k_none) {
        sink(std::span<const std::uint32_t>(&rank, 1));
      } else {
        if (cache == nullptr) cache = &cache_for(impl.encoding);
        std::span<const std::uint32_t> ranks = cache->find({piece, n}, h);
        if (ranks.empty()) {
          merged.clear();
          byte_pair_encode(table, {piece, n}, merged);
          cache->insert({piece, n}, h, merged);
          ranks = merged;
        }
        sink(ranks);
      }
    }
    p = q;
  }
}

}  // namespace

std::optional<Encoding> encoding_from_name(std::string_view name) {
  if (name == "cl100k_base") return Encoding::cl100k_base;
  if (name == "o200k_base") return Encoding::o200k_base;
  return std::nullopt;
}

const char* name_of(Encoding e) { return e == Encoding::o200k_base ? "o200k_base" : "cl100k_base"; }

const Tokenizer& Tokenizer::get(Encoding e) {
  // Function-local statics: built once, on first use, thread-safely; only the encodings used
  // are ever built.
  if (e == Encoding::o200k_base) {
    static const Tokenizer o200k(Encoding::o200k_base);
    return o200k;
  }
  static const Tokenizer cl100k(Encoding::cl100k_base);
  return cl100k;
}

Tokenizer::Tokenizer(Encoding e) : impl_(new Impl{make_data(e)}) {}

Tokenizer::~Tokenizer() { delete impl_; }

Encoding Tokenizer::encoding() const { return impl_->encoding; }

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
  std::vector<TokenId> ids;
  ids.reserve(text.size() / 4 + 1);
  for_each_piece(*impl_, text, [&](std::span<const std::uint32_t> ranks) {
    ids.insert(ids.end(), ranks.begin(), ranks.end());
  });
  return ids;
}

std::size_t Tokenizer::count(std::string_view text) const {
  std::size_t n = 0;
  for_each_piece(*impl_, text, [&](std::span<const std::uint32_t> ranks) { n += ranks.size(); });
  return n;
}

std::vector<std::size_t> Tokenizer::token_ends(std::string_view text) const {
  std::vector<std::size_t> ends;
  ends.reserve(text.size() / 4 + 1);
  std::size_t at = 0;
  for_each_piece(*impl_, text, [&](std::span<const std::uint32_t> ranks) {
    for (const std::uint32_t r : ranks) {
      at += impl_->table.length_of(r);
      ends.push_back(at);
    }
  });
  return ends;
}

std::string Tokenizer::decode(std::span<const TokenId> ids) const {
  std::string out;
  for (const TokenId id : ids) {
    if (id < impl_->table.size()) {
      out += impl_->table.bytes_of(id);
      continue;
    }
    bool found = false;
    for (const auto& [special, text] : impl_->specials) {
      if (special == id) {
        out += text;
        found = true;
        break;
      }
    }
    if (!found) {
      throw Error(ExitCode::usage, "unknown token id " + std::to_string(id) + " for " + name_of(impl_->encoding),
                  "ids run from 0 to " + std::to_string(impl_->table.size() - 1) + " (plus the special tokens)");
    }
  }
  return out;
}

}  // namespace strata::tokenizer
