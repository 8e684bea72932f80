#pragma once
// A read of several statements that must see one state of the store (a search's statistics and
// the postings they describe; a vector fingerprint and its vectors): a REPEATABLE READ, READ ONLY
// transaction, unless the connection is already in one (which then gives that guarantee, or the
// caller's own). Rolls back when unwinding; commit() ends it.
#include "pq/connection.h"

namespace strata::store::pg {

class SearchSnapshot {
 public:
  explicit SearchSnapshot(pq::Connection& c) : c_(c) {
    if (c_.in_transaction()) return;
    c_.exec_script("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "beginning a read");
    open_ = true;
  }
  ~SearchSnapshot() {
    if (open_) c_.rollback();
  }
  SearchSnapshot(const SearchSnapshot&) = delete;
  SearchSnapshot& operator=(const SearchSnapshot&) = delete;

  // Whether this object began the transaction (and so may SET LOCAL for it alone).
  bool owns() const { return open_; }

  void commit() {
    if (!open_) return;
    open_ = false;
    c_.commit();
  }

 private:
  pq::Connection& c_;
  bool open_ = false;
};

}  // namespace strata::store::pg
