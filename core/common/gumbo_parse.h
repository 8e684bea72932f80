#pragma once
// One gumbo parse of an HTML text, owned, its memory in an arena: gumbo allocates a node, a
// vector or a string buffer for every tag, attribute and text run, and frees each one again; here
// an allocation is a pointer bump in a block, a free nothing, and the whole tree goes with its
// blocks at once (no walk of the tree to free it). Crawling a documentation site spent a quarter
// of its time in malloc and free for gumbo. Errors are not recorded (max_errors 0): gumbo copies
// the stack of open elements into each one, so deeply nested input would take memory quadratic
// in its depth. The arena holds what gumbo allocated over the parse, freed or not: about twice
// what the tree keeps (buffers that grew left their smaller copies behind), linear in the input.
#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace strata {

class GumboParse {
 public:
  explicit GumboParse(std::string_view html);
  ~GumboParse();
  GumboParse(const GumboParse&) = delete;
  GumboParse& operator=(const GumboParse&) = delete;

  const GumboNode& document() const { return *output_->document; }
  const GumboNode& root() const { return *output_->root; }
  // Bytes the arena took from the system (tests: that it stays linear).
  std::size_t arena_bytes() const { return arena_bytes_; }

 private:
  static void* allocate(void* self, std::size_t size);
  static void deallocate(void* self, void* pointer);

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* next_ = nullptr;
  std::size_t left_ = 0;
  std::size_t arena_bytes_ = 0;
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
};

}  // namespace strata
