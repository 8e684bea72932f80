#include "migrate/scratch_database.h"

#include "migrate/driver.h"

namespace strata::migrate {

ScratchDatabase::ScratchDatabase(const Endpoint* server) : db_(open_scratch(server)) {}

ScratchDatabase::~ScratchDatabase() = default;

void ScratchDatabase::apply(const Section& section) {
  if (section.foreign_keys_off) db_->set_foreign_keys(false);
  if (section.transaction) {
    db_->begin();
    try {
      db_->run_section(section);
    } catch (...) {
      db_->rollback();
      throw;
    }
    db_->commit();
  } else {
    db_->run_section(section);
  }
  if (section.foreign_keys_off) db_->set_foreign_keys(true);
}

Schema ScratchDatabase::schema() { return db_->read_schema(""); }

std::string ScratchDatabase::caveat() const { return db_->scratch_caveat(); }

}  // namespace strata::migrate
