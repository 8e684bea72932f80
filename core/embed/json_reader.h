#pragma once
// A minimal pull reader for JSON, for the one document strata reads in bulk: an embeddings
// response, which is mostly numbers (a 2048-input, 1536-dimension OpenAI answer is about three
// million of them). A DOM parser spends most of its time there building values and calling
// strtod; this reader converts each number straight into a float with std::from_chars and
// skips what the caller does not ask for.
//
// Usage: the caller walks the structure it expects; every method returns false (and ok()
// turns false) at the first byte that does not fit, and the reader stays failed.
//
//   JsonReader r(text);
//   bool first = true;
//   std::string key;
//   if (!r.begin_object()) ...
//   while (r.next_key(first, key)) { if (key == "data") ... else r.skip_value(); }
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::embed {

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  bool ok() const { return ok_; }
  // Byte offset of the next unread character (for messages).
  std::size_t offset() const { return at_; }

  // The next value's first character after whitespace ('{', '[', '"', 't', '-', '1', ...), or
  // '\0' at the end.
  char peek();

  bool begin_object();
  // Reads the next key of the object being read (and its ':'); false after its '}' (consumed)
  // or on an error. `first` must be true before the first key and is updated.
  bool next_key(bool& first, std::string& key);

  bool begin_array();
  // True when another element follows (its ',' consumed); false after the ']' (consumed) or on
  // an error. `first` as for next_key.
  bool next_element(bool& first);

  bool read_string(std::string& out);
  bool read_integer(long long& out);

  enum class Number { ok, not_a_number, out_of_range };
  // A JSON number as the nearest float. out_of_range: beyond float32 (an underflow to zero or a
  // subnormal is in range). not_a_number: not a JSON number (also sets ok() false).
  Number read_float(float& out);

  // Skips one value of any kind.
  bool skip_value();
  // True when only whitespace is left.
  bool at_end();

 private:
  bool fail();
  void skip_space();
  bool expect(char c);
  bool scan_string_end();
  std::size_t number_end() const;

  std::string_view text_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace strata::embed
