#include "common/gumbo_parse.h"

#include <algorithm>
#include <new>

namespace strata {
namespace {

constexpr std::size_t k_align = alignof(std::max_align_t);
constexpr std::size_t k_block = std::size_t{64} << 10;

std::size_t aligned(std::size_t size) { return (size + k_align - 1) / k_align * k_align; }

}  // namespace

GumboParse::GumboParse(std::string_view html) : options_(kGumboDefaultOptions) {
  options_.max_errors = 0;
  options_.allocator = &GumboParse::allocate;
  options_.deallocator = &GumboParse::deallocate;
  options_.userdata = this;
  output_ = gumbo_parse_with_options(&options_, html.data(), html.size());
}

// Nothing to hand back to gumbo: its every allocation is in the blocks.
GumboParse::~GumboParse() = default;

void* GumboParse::allocate(void* self, std::size_t size) {
  auto& arena = *static_cast<GumboParse*>(self);
  size = aligned(std::max<std::size_t>(size, 1));
  if (size > arena.left_) {
    // A large allocation gets a block of its own, and the current block keeps its room.
    const std::size_t block = std::max(size, k_block);
    auto memory = std::make_unique_for_overwrite<std::byte[]>(block);
    std::byte* start = memory.get();
    arena.arena_bytes_ += block;
    arena.blocks_.push_back(std::move(memory));
    if (block > k_block) return start;
    arena.next_ = start;
    arena.left_ = block;
  }
  void* out = arena.next_;
  arena.next_ += size;
  arena.left_ -= size;
  return out;
}

void GumboParse::deallocate(void* /*self*/, void* /*pointer*/) {}

}  // namespace strata
