#include "migrate/scratch_database.h"

#include "migrate/connection.h"
#include "migrate/sql_runner.h"

namespace strata::migrate {

ScratchDatabase::ScratchDatabase()
    : conn_(std::make_unique<Connection>(":memory:", OpenMode::read_write_create,
                                         std::chrono::milliseconds(0))) {
  conn_->set_foreign_keys(true);
}

ScratchDatabase::~ScratchDatabase() = default;

void ScratchDatabase::apply(const Section& section) {
  if (section.foreign_keys_off) conn_->set_foreign_keys(false);
  if (section.transaction) {
    Transaction txn(*conn_);
    run_section(conn_->handle(), section);
    txn.commit();
  } else {
    run_section(conn_->handle(), section);
  }
  if (section.foreign_keys_off) conn_->set_foreign_keys(true);
}

Schema ScratchDatabase::schema() { return read_schema(conn_->handle(), ""); }

}  // namespace strata::migrate
