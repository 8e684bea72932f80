#include "store/fts_tokenizer.h"

#include <sqlite3.h>

#include <mutex>
#include <string>

#include "common/error.h"

namespace strata::store {
namespace {

[[noreturn]] void no_porter(const std::string& why) {
  throw Error(ExitCode::unavailable, "this SQLite cannot give FTS5's porter tokenizer (" + why + ")",
              "build strata against SQLite 3.20 or later with FTS5 enabled");
}

// One in-memory connection for the process, opened at first use: fts5_api and the tokenizer
// modules belong to a connection, and the modules' code is what each FtsTokenizer runs. Only
// creating a tokenizer touches the connection's state (the porter module looks up its parent,
// unicode61), so creation is serialised; tokenizing runs on the instance alone.
class Tokenizers {
 public:
  static Tokenizers& get() {
    static Tokenizers t;
    return t;
  }

  // A new porter tokenizer over unicode61 with remove_diacritics 2.
  Fts5Tokenizer* create(fts5_tokenizer& module) {
    const std::lock_guard lock(mutex_);
    const char* args[] = {"unicode61", "remove_diacritics", "2"};
    Fts5Tokenizer* tok = nullptr;
    if (porter_.xCreate(porter_data_, args, 3, &tok) != SQLITE_OK || tok == nullptr) no_porter("xCreate failed");
    module = porter_;
    return tok;
  }

  ~Tokenizers() { sqlite3_close_v2(db_); }
  Tokenizers(const Tokenizers&) = delete;
  Tokenizers& operator=(const Tokenizers&) = delete;

 private:
  Tokenizers() {
    if (sqlite3_open_v2(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
        SQLITE_OK) {
      sqlite3_close_v2(db_);
      no_porter("cannot open an in-memory database");
    }
    // The documented way to reach FTS5's API (as store/fts_bm25.cpp does).
    fts5_api* api = nullptr;
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT fts5(?1)", -1, &q, nullptr) == SQLITE_OK) {
      sqlite3_bind_pointer(q, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
      sqlite3_step(q);
    }
    sqlite3_finalize(q);
    if (api == nullptr) {
      sqlite3_close_v2(db_);
      no_porter("no FTS5");
    }
    if (api->xFindTokenizer(api, "porter", &porter_data_, &porter_) != SQLITE_OK) {
      sqlite3_close_v2(db_);
      no_porter("no porter tokenizer");
    }
  }

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  void* porter_data_ = nullptr;
  fts5_tokenizer porter_{};
};

struct SinkCall {
  FtsTokenizer::Sink sink;
  void* context;
};

int on_token(void* ctx, int /*flags*/, const char* token, int n, int /*start*/, int /*end*/) {
  const auto* call = static_cast<const SinkCall*>(ctx);
  call->sink(call->context, std::string_view(token, static_cast<std::size_t>(n)));
  return SQLITE_OK;
}

}  // namespace

struct FtsTokenizer::Impl {
  fts5_tokenizer module{};
  Fts5Tokenizer* tokenizer = nullptr;
};

FtsTokenizer::FtsTokenizer() : impl_(std::make_unique<Impl>()) {
  impl_->tokenizer = Tokenizers::get().create(impl_->module);
}

FtsTokenizer::~FtsTokenizer() {
  if (impl_ && impl_->tokenizer != nullptr) impl_->module.xDelete(impl_->tokenizer);
}

void FtsTokenizer::tokenize(std::string_view text, Sink sink, void* context) const {
  SinkCall call{sink, context};
  // FTS5 takes an int length; texts over 2 GiB are tokenized in pieces cut at a newline or space
  // (never inside a word, so the terms are the same).
  constexpr std::size_t k_piece = std::size_t{1} << 30;
  while (!text.empty()) {
    std::size_t n = text.size();
    if (n > k_piece) {
      n = text.find_last_of(" \n", k_piece);
      if (n == std::string_view::npos || n == 0) n = k_piece;
    }
    impl_->module.xTokenize(impl_->tokenizer, &call, FTS5_TOKENIZE_DOCUMENT, text.data(), static_cast<int>(n),
                            on_token);
    text.remove_prefix(n);
  }
}

}  // namespace strata::store
