#pragma once
// The pre-tokenizers: split text into the pieces that byte-pair encoding then works on, exactly
// as the encodings' JavaScript split regexes (flags `gu`) do when matched repeatedly from the
// start of the text, without a regex engine. Each function returns the end of the piece that
// starts at `p`; pieces tile the text.
//
// cl100k_base:
//   ('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)
//   |[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// o200k_base (C = the contraction group above):
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+C?
//   |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*C?
//   |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// \s is JavaScript's (see char_class.h). REQUIRES: p < end and [p, end) is valid UTF-8.
namespace strata::tokenizer {

using NextPiece = const unsigned char* (*)(const unsigned char* p, const unsigned char* end);

const unsigned char* next_piece_cl100k(const unsigned char* p, const unsigned char* end);
const unsigned char* next_piece_o200k(const unsigned char* p, const unsigned char* end);

}  // namespace strata::tokenizer
