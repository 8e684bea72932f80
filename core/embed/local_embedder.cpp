#include "embed/local_embedder.h"

#include <utf8proc.h>

#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/utf8.h"
#include "store/fts_tokenizer.h"

namespace strata::embed {
namespace {

// splitmix64's finaliser: a fixed, portable bijection, so feature hashes (and so the vectors)
// are the same on every machine.
inline std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// A feature is a 48-bit fingerprint: 47 bits of hash and, on top, one bit that says whether it
// is a word or a 3-gram (they weigh differently).
constexpr std::uint64_t k_gram_bit = std::uint64_t{1} << 47;
constexpr float k_word_weight = 1.0f;
constexpr float k_gram_weight = 0.5f;

inline std::uint64_t word_feature(std::uint64_t hash) { return (mix(hash) >> 17) & ~k_gram_bit; }
inline std::uint64_t gram_feature(std::uint64_t packed) { return (mix(packed ^ 0x5851F42D4C957F2DULL) >> 17) | k_gram_bit; }

// Distinct features of one text and how often each occurs. Open addressing over 8-byte slots,
// each the fingerprint (high 48 bits) and a count (low 16 bits), 0 when empty: a table for a
// 1000-byte chunk is 32 KiB and stays in the L1 cache. The table is reused across texts; only
// the slots a text used are cleared after it.
class FeatureCounts {
 public:
  void begin(std::size_t expected) {
    std::size_t cap = 64;
    while (cap < 2 * expected && cap < (std::size_t{1} << 16)) cap <<= 1;
    if (slots_.size() < cap) slots_.assign(cap, 0);
    mask_ = cap - 1;
  }

  void add(std::uint64_t fingerprint) {
    std::size_t i = static_cast<std::size_t>(fingerprint) & mask_;
    while (true) {
      std::uint64_t& s = slots_[i];
      if (s == 0) {
        s = (fingerprint << 16) | 1;
        used_.push_back(static_cast<std::uint32_t>(i));
        if (2 * used_.size() > mask_ + 1) grow();
        return;
      }
      if ((s >> 16) == fingerprint) {
        if ((s & 0xFFFF) != 0xFFFF) ++s;
        return;
      }
      i = (i + 1) & mask_;
    }
  }

  // Calls f(fingerprint, count) for each feature in first-seen order, then empties the table.
  template <typename F>
  void drain(F&& f) {
    for (const std::uint32_t i : used_) {
      f(slots_[i] >> 16, static_cast<std::uint32_t>(slots_[i] & 0xFFFF));
      slots_[i] = 0;
    }
    used_.clear();
  }

 private:
  void grow() {
    std::vector<std::uint64_t> live;
    live.reserve(used_.size());
    for (const std::uint32_t i : used_) {
      live.push_back(slots_[i]);
      slots_[i] = 0;
    }
    const std::size_t cap = 2 * (mask_ + 1);
    if (slots_.size() < cap) slots_.resize(cap, 0);
    mask_ = cap - 1;
    used_.clear();
    // Re-inserted in first-seen order: the output sums features in that order, and the same
    // text must give bit-identical vectors however the table grew.
    for (const std::uint64_t s : live) {
      std::size_t i = static_cast<std::size_t>(s >> 16) & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = s;
      used_.push_back(static_cast<std::uint32_t>(i));
    }
  }

  std::vector<std::uint64_t> slots_;
  std::vector<std::uint32_t> used_;
  std::size_t mask_ = 0;
};

// 1 + ln(n) for small n without calling log.
const std::array<float, 64>& sublinear_table() {
  static const std::array<float, 64> t = [] {
    std::array<float, 64> a{};
    for (std::size_t n = 1; n < a.size(); ++n) a[n] = static_cast<float>(1.0 + std::log(static_cast<double>(n)));
    return a;
  }();
  return t;
}

inline float sublinear(std::uint32_t n) {
  return n < 64 ? sublinear_table()[n] : static_cast<float>(1.0 + std::log(static_cast<double>(n)));
}

// Non-ASCII characters are word characters, except spaces and punctuation common in prose
// (curly quotes, dashes, non-breaking space, CJK punctuation), which would otherwise glue
// themselves to the words next to them. Range checks only: utf8proc's category lookup costs
// more than this whole decision.
inline bool is_word_code_point(char32_t c) {
  if (c >= 0x80 && c <= 0xBF) return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;                  // × ÷
  if (c >= 0x2000 && c <= 0x206F) return false;              // General Punctuation
  if (c >= 0x3000 && c <= 0x303F) return false;              // CJK symbols and punctuation
  if (c >= 0xFF00 && c <= 0xFF0F) return false;              // full-width punctuation
  if (c == 0xFEFF || c == 0xFFFD) return false;              // BOM, replacement character
  return true;
}

// The character at text[i] (common/utf8.h's decoder), advancing `i` past it. A byte that does
// not start a well-formed character decodes as itself and advances one byte: the text embedded
// is valid UTF-8 (documents and queries are checked or repaired first), so this only keeps a
// stray byte from stopping the features.
inline char32_t decode(std::string_view text, std::size_t& i) {
  const Utf8Step step = utf8_decode(text.substr(i));
  if (step.status == Utf8Status::ok) {
    i += step.length;
    return step.code_point;
  }
  return static_cast<unsigned char>(text[i++]);
}

// One word, fed a character at a time: its hash (FNV-1a over the lower-cased code points) and
// its 3-grams over '<', the characters, '>'. Streaming means no copy of the word is made, and
// ASCII and other text take the same path.
class WordFeatures {
 public:
  explicit WordFeatures(FeatureCounts& counts) : counts_(counts) {}

  void feed(char32_t c) {
    hash_ = (hash_ ^ c) * 0x100000001B3ULL;
    push(c);
  }

  void end() {
    if (length_ == 1) return;  // only '<': no word
    push(U'>');
    counts_.add(word_feature(hash_));
    hash_ = k_fnv_basis;
    length_ = 1;
    prev1_ = U'<';
  }

 private:
  static constexpr std::uint64_t k_fnv_basis = 0xCBF29CE484222325ULL;

  void push(char32_t c) {
    // 21 bits per code point: three pack into one 64-bit key without loss.
    if (length_ >= 2) {
      counts_.add(gram_feature((static_cast<std::uint64_t>(prev2_) << 42) | (static_cast<std::uint64_t>(prev1_) << 21) |
                               static_cast<std::uint64_t>(c)));
    }
    prev2_ = prev1_;
    prev1_ = c;
    ++length_;
  }

  FeatureCounts& counts_;
  std::uint64_t hash_ = k_fnv_basis;
  std::size_t length_ = 1;  // characters pushed, counting the opening '<'
  char32_t prev1_ = U'<';
  char32_t prev2_ = 0;
};

// Lower-case ASCII letters; 0 for bytes that end a word. Bytes >= 0x80 are decided per character.
constexpr std::array<char32_t, 128> k_ascii_fold = [] {
  std::array<char32_t, 128> t{};
  for (char32_t c = '0'; c <= '9'; ++c) t[c] = c;
  for (char32_t c = 'a'; c <= 'z'; ++c) t[c] = c;
  for (char32_t c = 'A'; c <= 'Z'; ++c) t[c] = c + 32;
  t['_'] = '_';
  return t;
}();

void count_features(std::string_view text, FeatureCounts& counts) {
  // About one 3-gram per character and one word per six: 1.25 features per byte at most for
  // ASCII prose, so the table starts large enough not to grow.
  counts.begin(text.size() + text.size() / 4 + 8);
  WordFeatures word(counts);
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      const char32_t c = k_ascii_fold[b];
      if (c != 0) {
        word.feed(c);
      } else {
        word.end();
      }
      ++i;
      continue;
    }
    const char32_t c = decode(text, i);
    if (is_word_code_point(c)) {
      word.feed(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    } else {
      word.end();
    }
  }
  word.end();
}

// hash-ngram-v2's stop words: English function words, which nearly every text holds, so that
// shared ones made unrelated texts close in v1. Matched by their stems (the tokenizer's own
// output for each), since the terms v2 sees are stemmed: "was" is "wa", "this" is "thi".
// Part of the model: changing the list changes v2's vectors, so it needs a new model name.
constexpr const char* k_stop_words[] = {
    "a",       "about",  "above",   "after",  "again",   "against", "all",     "am",     "an",      "and",
    "any",     "are",    "as",      "at",     "be",      "because", "been",    "before", "being",   "below",
    "between", "both",   "but",     "by",     "can",     "could",   "did",     "do",     "does",    "doing",
    "down",    "during", "each",    "few",    "for",     "from",    "further", "had",    "has",     "have",
    "having",  "he",     "her",     "here",   "hers",    "herself", "him",     "himself", "his",    "how",
    "i",       "if",     "in",      "into",   "is",      "it",      "its",     "itself", "just",    "me",
    "more",    "most",   "my",      "myself", "no",      "nor",     "not",     "now",    "of",      "off",
    "on",      "once",   "only",    "or",     "other",   "our",     "ours",    "ourselves", "out",  "over",
    "own",     "same",   "she",     "should", "so",      "some",    "such",    "than",   "that",    "the",
    "their",   "theirs", "them",    "themselves", "then", "there",  "these",   "they",   "this",    "those",
    "through", "to",     "too",     "under",  "until",   "up",      "very",    "was",    "we",      "were",
    "what",    "when",   "where",   "which",  "while",   "who",     "whom",    "why",    "will",    "with",
    "would",   "you",    "your",    "yours",  "yourself", "yourselves",
};

struct StemHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StemSet = std::unordered_set<std::string, StemHash, std::equal_to<>>;

const StemSet& stop_stems() {
  static const StemSet stems = [] {
    StemSet out;
    const store::FtsTokenizer tokenizer;
    for (const char* w : k_stop_words) {
      tokenizer.for_each_term(w, [&](std::string_view term) { out.emplace(term); });
    }
    return out;
  }();
  return stems;
}

// v2: the keyword index's terms (see the header), stop words dropped; each term a word feature
// and its 3-grams, exactly as v1 treats a word.
void count_features_v2(std::string_view text, FeatureCounts& counts, const store::FtsTokenizer& tokenizer) {
  // (A per-thread cache of each term's features was measured slower, and a hand-made stop-word
  // table no faster: a third of the time is FTS5's tokenizer, the rest the features as in v1.)
  const StemSet& stop = stop_stems();
  counts.begin(text.size() + text.size() / 4 + 8);
  WordFeatures word(counts);
  tokenizer.for_each_term(text, [&](std::string_view term) {
    if (stop.contains(term)) return;
    for (std::size_t i = 0; i < term.size();) word.feed(decode(term, i));
    word.end();
  });
}

thread_local FeatureCounts t_counts;

const store::FtsTokenizer& thread_tokenizer() {
  thread_local const store::FtsTokenizer tokenizer;
  return tokenizer;
}

}  // namespace

const char* local_model_name(LocalModel model) {
  return model == LocalModel::hash_ngram_v1 ? k_local_model_v1 : k_local_model_v2;
}

std::optional<LocalModel> parse_local_model(std::string_view name) {
  if (name == k_local_model_v1) return LocalModel::hash_ngram_v1;
  if (name == k_local_model_v2) return LocalModel::hash_ngram_v2;
  return std::nullopt;
}

LocalEmbedder::LocalEmbedder(std::size_t dimensions, LocalModel model) : dimensions_(dimensions), model_(model) {
  assert(dimensions >= k_local_min_dimensions && dimensions <= k_local_max_dimensions);
}

Vector LocalEmbedder::embed(std::string_view text) const {
  Vector v(dimensions_, 0.0f);
  embed_into(text, v);
  return v;
}

void LocalEmbedder::embed_into(std::string_view text, std::span<float> out) const {
  for (float& x : out) x = 0.0f;
  FeatureCounts& counts = t_counts;
  if (model_ == LocalModel::hash_ngram_v1) {
    count_features(text, counts);
  } else {
    count_features_v2(text, counts, thread_tokenizer());
  }
  const std::uint64_t d = dimensions_;
  counts.drain([&](std::uint64_t fingerprint, std::uint32_t count) {
    const float w = sublinear(count) * ((fingerprint & k_gram_bit) != 0 ? k_gram_weight : k_word_weight);
    // One signed position from one more mix (multiply-shift maps 32 bits onto [0, d) without
    // a division). One position, not two: the scattered adds are most of this loop's cost.
    const std::uint64_t h = mix(fingerprint);
    out[static_cast<std::size_t>(((h >> 32) * d) >> 32)] += (h & 1) != 0 ? -w : w;
  });
  normalise(out);
}

}  // namespace strata::embed
