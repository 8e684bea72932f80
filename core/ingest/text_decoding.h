#pragma once
// Turning the bytes of a text file into valid UTF-8. Documents are stored and chunked as UTF-8;
// a file is taken as UTF-8 when it is valid UTF-8 (so valid UTF-8 never turns into mojibake),
// as UTF-16 only with a byte order mark, and as Windows-1252 otherwise: the one 8-bit encoding
// that maps every byte, and what "Latin-1" text on the web and on Windows really is (WHATWG).
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::ingest {

struct DecodedText {
  std::string text;      // valid UTF-8, without a byte order mark
  std::string encoding;  // the source's: "utf-8", "utf-16le", "utf-16be" or "windows-1252"
  std::size_t repaired = 0;  // "utf-8": the bytes that were not UTF-8, each read as Windows-1252
};

// Decodes `bytes`: a UTF-8 BOM is dropped; a UTF-16 BOM (FF FE / FE FF) selects UTF-16;
// valid UTF-8 is returned byte for byte (one validation pass and one copy: the hot path).
// UTF-8 with stray bytes (no more of them than UTF-8 characters) stays UTF-8, each stray byte
// read as Windows-1252 and counted in `repaired`: one bad byte must not turn every accent of
// the file into mojibake. Anything else is Windows-1252.
DecodedText decode_text(std::string_view bytes);

// UTF-16 (without its BOM) to UTF-8. Unpaired surrogates and a trailing odd byte become U+FFFD.
enum class ByteOrder { little_endian, big_endian };
std::string utf16_to_utf8(std::string_view bytes, ByteOrder order);

// Windows-1252 to UTF-8 with the WHATWG table: 0x80-0x9F are the typographic characters
// (0x80 → €, 0x93 → “ …), except the five bytes the code page leaves undefined (0x81 0x8D 0x8F
// 0x90 0x9D), which map to the C1 control of the same value; every other byte is Latin-1.
std::string windows1252_to_utf8(std::string_view bytes);

}  // namespace strata::ingest
