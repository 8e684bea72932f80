#include "migrate/scratch_database.h"

#include "migrate/driver.h"
#include "migrate/run_plan.h"

namespace strata::migrate {

ScratchDatabase::ScratchDatabase(const Endpoint* server) : db_(open_scratch(server)) {}

ScratchDatabase::~ScratchDatabase() = default;

// The run plan the engine follows (run_plan.h), so a replay runs each section as `up` would.
void ScratchDatabase::apply(const Section& section) {
  const SectionPlan plan = plan_section(section, db_->kind(), true);
  if (plan.foreign_keys_off) db_->set_foreign_keys(false);
  try {
    if (plan.mode == RunMode::transaction) db_->begin();
    db_->run_section(section);
    if (plan.mode == RunMode::transaction) db_->commit();
  } catch (...) {
    db_->rollback();  // strata's transaction, or one the section began itself
    if (plan.foreign_keys_off) db_->set_foreign_keys(true);
    throw;
  }
  if (plan.foreign_keys_off) db_->set_foreign_keys(true);
}

Schema ScratchDatabase::schema() { return db_->read_schema(""); }

std::string ScratchDatabase::caveat() const { return db_->scratch_caveat(); }

}  // namespace strata::migrate
