#include "migrate/run/scratch_database.h"

#include "migrate/engines/driver.h"
#include "migrate/engines/engines.h"
#include "migrate/schema/dependency_order.h"
#include "migrate/run/history.h"
#include "migrate/run/run_plan.h"

namespace strata::migrate {

ScratchDatabase::ScratchDatabase(const Endpoint* server, std::string history_table, const Placeholders* placeholders)
    : db_(open_scratch(server)), history_table_(std::move(history_table)), placeholders_(placeholders) {
  if (history_table_.empty()) return;
  db_->exec(HistoryTable(*db_, history_table_).create_sql(), "creating the history table");
  history_created_ = true;
}

ScratchDatabase::~ScratchDatabase() = default;

// The run plan the engine follows (run_plan.h), so a replay runs each section as `up` would.
void ScratchDatabase::apply(const Section& given) {
  std::vector<std::string> values;
  const Section section = placeholders_ != nullptr ? expand_placeholders(given, *placeholders_, &values) : given;
  const SectionPlan plan = plan_section(section, db_->kind(), true);
  if (plan.foreign_keys_off) db_->set_foreign_keys(false);
  try {
    if (plan.mode == RunMode::transaction) db_->begin();
    db_->run_section(section);
    if (plan.mode == RunMode::transaction) db_->commit();
  } catch (const Error& e) {
    db_->rollback();  // strata's transaction, or one the section began itself
    if (plan.foreign_keys_off) db_->set_foreign_keys(true);
    // check and diff print the database's message: values stay out of it, as up's do.
    if (values.empty()) throw;
    throw hide_values(e, section.file, values);
  } catch (...) {
    db_->rollback();
    if (plan.foreign_keys_off) db_->set_foreign_keys(true);
    throw;
  }
  if (plan.foreign_keys_off) db_->set_foreign_keys(true);
}

void ScratchDatabase::load(const Section& section) {
  if (history_created_) {
    db_->exec("DROP TABLE " + db_->qualified(history_table_), "making way for the dump's history table");
    history_created_ = false;
  }
  // A dump in dependency order goes in as one transaction; the others as a migration would.
  if (engine(db_->kind()).load_order != LoadOrder::dependency_order) return apply(section);
  db_->begin();
  try {
    run_in_dependency_order(*db_, section);
    db_->commit();
  } catch (...) {
    db_->rollback();
    throw;
  }
}

Schema ScratchDatabase::schema() { return db_->read_schema(history_table_); }

std::string ScratchDatabase::caveat() const { return db_->scratch_caveat(); }

}  // namespace strata::migrate
