#pragma once
// An array literal built item by item ('{"a",NULL,"b\"c"}', '{1,NULL,3}'), for a statement that
// takes a whole batch of rows as a few array parameters ($1::text[], unnest(…)) and so writes
// them in one round trip. The literal goes as a bound parameter, never spliced into SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::store::pg {

class ArrayLiteral {
 public:
  ArrayLiteral() : text_("{") {}

  void add(std::string_view item) {
    separate();
    text_ += '"';
    for (const char c : item) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void add(std::int64_t item) {
    separate();
    text_ += std::to_string(item);
  }
  void add_null() {
    separate();
    text_ += "NULL";
  }
  template <typename T>
  void add(const std::optional<T>& item) {
    if (item) {
      add(*item);
    } else {
      add_null();
    }
  }

  std::size_t size() const { return size_; }
  // The literal; the builder is empty again afterwards.
  std::string take() {
    std::string out = std::move(text_) + "}";
    text_ = "{";
    size_ = 0;
    return out;
  }

 private:
  void separate() {
    if (size_++ > 0) text_ += ',';
  }
  std::string text_;
  std::size_t size_ = 0;
};

}  // namespace strata::store::pg
