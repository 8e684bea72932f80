#pragma once
// Packing inputs into requests: at most `max_inputs` inputs and `max_tokens` tokens each, in
// arrival order. An input larger than `max_tokens` alone still gets a request of its own (its
// per-input limit was enforced before it got here).
#include <cstddef>

namespace strata::embed {

class BatchPlanner {
 public:
  BatchPlanner(std::size_t max_inputs, std::size_t max_tokens) : max_inputs_(max_inputs), max_tokens_(max_tokens) {}

  // True when an input of `tokens` tokens fits in the batch being built.
  bool fits(std::size_t tokens) const {
    return inputs_ == 0 || (inputs_ < max_inputs_ && tokens_ + tokens <= max_tokens_);
  }
  // True when counting an input of `bytes` bytes is not worth it: its byte size, an upper bound
  // of its tokens, fits, and even a batch of max_inputs such inputs would stay within
  // max_tokens, so the bound cannot be what cuts batches short.
  bool bound_is_enough(std::size_t bytes) const {
    return bytes <= max_tokens_ / max_inputs_ && fits(bytes);
  }
  void add(std::size_t tokens) {
    ++inputs_;
    tokens_ += tokens;
  }
  bool full() const { return inputs_ >= max_inputs_ || tokens_ >= max_tokens_; }
  bool empty() const { return inputs_ == 0; }
  std::size_t inputs() const { return inputs_; }
  std::size_t tokens() const { return tokens_; }
  void reset() { inputs_ = tokens_ = 0; }

 private:
  std::size_t max_inputs_;
  std::size_t max_tokens_;
  std::size_t inputs_ = 0;
  std::size_t tokens_ = 0;
};

}  // namespace strata::embed
