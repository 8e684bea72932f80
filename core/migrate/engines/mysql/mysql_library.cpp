#include "migrate/engines/mysql/mysql_library.h"

#include "common/shared_library.h"

namespace strata::migrate {
namespace {

MysqlLibrary load_libmariadb() {
  const SharedLibrary so("libmariadb.so.3", "libmariadb3");
  MysqlLibrary lib{};
  so.resolve("mysql_init", lib.init);
  so.resolve("mysql_optionsv", lib.optionsv);
  so.resolve("mysql_real_connect", lib.real_connect);
  so.resolve("mysql_close", lib.close);
  so.resolve("mysql_real_query", lib.real_query);
  so.resolve("mysql_store_result", lib.store_result);
  so.resolve("mysql_next_result", lib.next_result);
  so.resolve("mysql_free_result", lib.free_result);
  so.resolve("mysql_num_fields", lib.num_fields);
  so.resolve("mysql_field_count", lib.field_count);
  so.resolve("mysql_fetch_row", lib.fetch_row);
  so.resolve("mysql_fetch_lengths", lib.fetch_lengths);
  so.resolve("mysql_errno", lib.error_number);
  so.resolve("mysql_error", lib.error);
  so.resolve("mysql_sqlstate", lib.sqlstate);
  so.resolve("mysql_get_server_version", lib.server_version);
  so.resolve("mariadb_get_infov", lib.get_infov);
  return lib;
}

}  // namespace

const MysqlLibrary& mysql_library() {
  static const MysqlLibrary lib = load_libmariadb();
  return lib;
}

}  // namespace strata::migrate
