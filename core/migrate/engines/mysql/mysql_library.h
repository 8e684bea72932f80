#pragma once
// libmariadb (MariaDB Connector/C, which also speaks to MySQL 8 servers), opened on first use
// instead of linked, as libpq is (pq_library.h): only `migrate` on a mysql:// or mariadb://
// database pays for loading it and the TLS libraries it needs.
#include <mysql.h>

namespace strata::migrate {

// The Connector/C functions strata calls, resolved from libmariadb.so.3. The names mirror mysql_*.
struct MysqlLibrary {
  decltype(&::mysql_init) init;
  decltype(&::mysql_optionsv) optionsv;
  decltype(&::mysql_real_connect) real_connect;
  decltype(&::mysql_close) close;
  decltype(&::mysql_real_query) real_query;
  decltype(&::mysql_store_result) store_result;
  decltype(&::mysql_next_result) next_result;
  decltype(&::mysql_free_result) free_result;
  decltype(&::mysql_num_fields) num_fields;
  decltype(&::mysql_field_count) field_count;
  decltype(&::mysql_fetch_row) fetch_row;
  decltype(&::mysql_fetch_lengths) fetch_lengths;
  decltype(&::mysql_errno) error_number;
  decltype(&::mysql_error) error;
  decltype(&::mysql_sqlstate) sqlstate;
  decltype(&::mysql_get_server_version) server_version;
  decltype(&::mariadb_get_infov) get_infov;
};

// Loads libmariadb once per process (thread-safe). Throws strata::Error(ExitCode::unavailable)
// naming the library, dlerror() and the Debian package when it cannot be loaded.
const MysqlLibrary& mysql_library();

}  // namespace strata::migrate
