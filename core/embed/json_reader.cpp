#include "embed/json_reader.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "common/utf8.h"

namespace strata::embed {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// For a number from_chars found out of range: true when it is tiny (its magnitude below 1),
// false when it is huge. Decided from the digits: the exponent, and where the first non-zero
// digit stands relative to the decimal point.
bool is_underflow(const char* first, const char* last) {
  const char* p = first;
  if (p < last && *p == '-') ++p;
  long long point_shift = 0;  // decimal exponent of the first significant digit, before "e"
  bool seen_point = false;
  bool found = false;
  long long int_digits = 0;
  for (; p < last && *p != 'e' && *p != 'E'; ++p) {
    if (*p == '.') {
      seen_point = true;
      continue;
    }
    if (!found && *p == '0') {
      if (seen_point) --point_shift;
      continue;
    }
    if (!found) {
      found = true;
      if (seen_point) --point_shift;
    }
    if (!seen_point) ++int_digits;
  }
  if (!found) return true;  // all zeros
  long long exponent = 0;
  if (p < last) {
    std::from_chars(p + 1 + (p + 1 < last && p[1] == '+' ? 1 : 0), last, exponent);
  }
  const long long magnitude = (int_digits > 0 ? int_digits - 1 : point_shift) + exponent;
  return magnitude < 0;
}

}  // namespace

bool JsonReader::fail() {
  ok_ = false;
  return false;
}

void JsonReader::skip_space() {
  while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) ++at_;
}

bool JsonReader::expect(char c) {
  skip_space();
  if (!ok_ || at_ >= text_.size() || text_[at_] != c) return fail();
  ++at_;
  return true;
}

char JsonReader::peek() {
  skip_space();
  return ok_ && at_ < text_.size() ? text_[at_] : '\0';
}

bool JsonReader::begin_object() { return expect('{'); }
bool JsonReader::begin_array() { return expect('['); }

bool JsonReader::next_key(bool& first, std::string& key) {
  if (!ok_) return false;
  if (peek() == '}') {
    ++at_;
    return false;
  }
  if (!first && !expect(',')) return false;
  first = false;
  return read_string(key) && expect(':');
}

bool JsonReader::next_element(bool& first) {
  if (!ok_) return false;
  if (peek() == ']') {
    ++at_;
    return false;
  }
  if (!first && !expect(',')) return false;
  first = false;
  return ok_;
}

bool JsonReader::read_string(std::string& out) {
  out.clear();
  if (!expect('"')) return false;
  while (at_ < text_.size()) {
    const char c = text_[at_++];
    if (c == '"') return true;
    if (static_cast<unsigned char>(c) < 0x20) return fail();
    if (c != '\\') {
      out += c;
      continue;
    }
    if (at_ >= text_.size()) return fail();
    switch (text_[at_++]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        const auto read4 = [&](std::uint32_t& v) {
          if (at_ + 4 > text_.size()) return false;
          v = 0;
          for (int k = 0; k < 4; ++k) {
            const int h = hex_value(text_[at_++]);
            if (h < 0) return false;
            v = v * 16 + static_cast<std::uint32_t>(h);
          }
          return true;
        };
        std::uint32_t cp = 0;
        if (!read4(cp)) return fail();
        if (cp >= 0xD800 && cp <= 0xDBFF && at_ + 1 < text_.size() && text_[at_] == '\\' && text_[at_ + 1] == 'u') {
          at_ += 2;
          std::uint32_t low = 0;
          if (!read4(low) || low < 0xDC00 || low > 0xDFFF) return fail();
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, cp);
        break;
      }
      default: return fail();
    }
  }
  return fail();
}

// Past a string's closing quote, from just after its opening quote.
bool JsonReader::scan_string_end() {
  while (at_ < text_.size()) {
    const char c = text_[at_++];
    if (c == '"') return true;
    if (c == '\\') ++at_;
  }
  return fail();
}

std::size_t JsonReader::number_end() const {
  std::size_t e = at_;
  while (e < text_.size()) {
    const char c = text_[e];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
      ++e;
    } else {
      break;
    }
  }
  return e;
}

bool JsonReader::read_integer(long long& out) {
  skip_space();
  if (!ok_ || at_ >= text_.size()) return fail();
  const std::size_t end = number_end();
  const auto [ptr, ec] = std::from_chars(text_.data() + at_, text_.data() + end, out);
  if (ec != std::errc() || ptr != text_.data() + end || end == at_) return fail();
  at_ = end;
  return true;
}

JsonReader::Number JsonReader::read_float(float& out) {
  skip_space();
  if (!ok_ || at_ >= text_.size() || !(text_[at_] == '-' || (text_[at_] >= '0' && text_[at_] <= '9'))) {
    fail();
    return Number::not_a_number;
  }
  const std::size_t end = number_end();
  const char* first = text_.data() + at_;
  const char* last = text_.data() + end;
  auto [ptr, ec] = std::from_chars(first, last, out);
  if (ec == std::errc::result_out_of_range) {
    // Too large for float32, or so small that it underflows: only the first is a problem.
    if (!is_underflow(first, last)) {
      at_ = end;
      return Number::out_of_range;
    }
    double d = 0;
    const auto r = std::from_chars(first, last, d);
    out = r.ec == std::errc() ? static_cast<float>(d) : 0.0f;
    ptr = r.ptr;
    ec = std::errc();
  }
  if (ec != std::errc() || ptr != last) {
    fail();
    return Number::not_a_number;
  }
  at_ = end;
  return Number::ok;
}

bool JsonReader::skip_value() {
  const char c = peek();
  if (!ok_) return false;
  if (c == '"') {
    ++at_;
    return scan_string_end();
  }
  if (c == '{' || c == '[') {
    // Brackets are counted, strings stepped over: enough to find the value's end without
    // recursion (a hostile nesting depth cannot overflow the stack).
    std::size_t depth = 0;
    while (at_ < text_.size()) {
      const char d = text_[at_++];
      if (d == '"') {
        if (!scan_string_end()) return false;
      } else if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return true;
      }
    }
    return fail();
  }
  if (c == 't' || c == 'f' || c == 'n') {
    for (const std::string_view word : {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
      if (text_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return true;
      }
    }
    return fail();
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    const std::size_t end = number_end();
    double d = 0;
    const auto [ptr, ec] = std::from_chars(text_.data() + at_, text_.data() + end, d);
    if (ptr != text_.data() + end || (ec != std::errc() && ec != std::errc::result_out_of_range)) return fail();
    at_ = end;
    return true;
  }
  return fail();
}

bool JsonReader::at_end() {
  skip_space();
  return ok_ && at_ == text_.size();
}

}  // namespace strata::embed
