#include "pq/pq_library.h"

#include "common/shared_library.h"

namespace strata::pq {
namespace {

PqLibrary load_libpq() {
  const SharedLibrary so("libpq.so.5", "libpq5");
  PqLibrary lib{};
  so.resolve("PQcancel", lib.cancel);
  so.resolve("PQclear", lib.clear);
  so.resolve("PQcmdTuples", lib.cmd_tuples);
  so.resolve("PQconnectdb", lib.connectdb);
  so.resolve("PQconnectdbParams", lib.connectdb_params);
  so.resolve("PQconsumeInput", lib.consume_input);
  so.resolve("PQerrorMessage", lib.error_message);
  so.resolve("PQescapeLiteral", lib.escape_literal);
  so.resolve("PQexec", lib.exec);
  so.resolve("PQexecParams", lib.exec_params);
  so.resolve("PQexecPrepared", lib.exec_prepared);
  so.resolve("PQfinish", lib.finish);
  so.resolve("PQflush", lib.flush);
  so.resolve("PQfformat", lib.fformat);
  so.resolve("PQfreemem", lib.freemem);
  so.resolve("PQfreeCancel", lib.free_cancel);
  so.resolve("PQgetCancel", lib.get_cancel);
  so.resolve("PQgetCopyData", lib.get_copy_data);
  so.resolve("PQgetResult", lib.get_result);
  so.resolve("PQgetisnull", lib.get_is_null);
  so.resolve("PQgetlength", lib.get_length);
  so.resolve("PQgetvalue", lib.get_value);
  so.resolve("PQisBusy", lib.is_busy);
  so.resolve("PQnfields", lib.nfields);
  so.resolve("PQntuples", lib.ntuples);
  so.resolve("PQping", lib.ping);
  so.resolve("PQprepare", lib.prepare);
  so.resolve("PQputCopyData", lib.put_copy_data);
  so.resolve("PQputCopyEnd", lib.put_copy_end);
  so.resolve("PQresultErrorField", lib.result_error_field);
  so.resolve("PQresultErrorMessage", lib.result_error_message);
  so.resolve("PQresultStatus", lib.result_status);
  so.resolve("PQsendPrepare", lib.send_prepare);
  so.resolve("PQsendQuery", lib.send_query);
  so.resolve("PQsendQueryParams", lib.send_query_params);
  so.resolve("PQsendQueryPrepared", lib.send_query_prepared);
  so.resolve("PQserverVersion", lib.server_version);
  so.resolve("PQsetnonblocking", lib.set_nonblocking);
  so.resolve("PQsetNoticeProcessor", lib.set_notice_processor);
  so.resolve("PQsocket", lib.socket);
  so.resolve("PQstatus", lib.status);
  so.resolve("PQtransactionStatus", lib.transaction_status);
  return lib;
}

}  // namespace

const PqLibrary& pq_library() {
  static const PqLibrary lib = load_libpq();
  return lib;
}

}  // namespace strata::pq
