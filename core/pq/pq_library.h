#pragma once
// libpq, opened on first use instead of linked. Only `migrate` on a postgres:// database and a
// store at a postgres:// URL talk to PostgreSQL; linking libpq made every command pay at start-up for loading and relocating it
// and the nineteen libraries it needs (Kerberos, LDAP, GnuTLS, OpenSSL): about 9,400 of the
// 11,800 symbol relocations of `strata --version`. Opened on first use, the PostgreSQL commands
// load it on the thread that connects, while the main thread reads the migration files.
#include <libpq-fe.h>

namespace strata::pq {

// The libpq functions strata calls, resolved from libpq.so.5. The names mirror PQ*.
struct PqLibrary {
  decltype(&::PQcancel) cancel;
  decltype(&::PQclear) clear;
  decltype(&::PQcmdTuples) cmd_tuples;
  decltype(&::PQconnectdb) connectdb;
  decltype(&::PQconnectdbParams) connectdb_params;
  decltype(&::PQconsumeInput) consume_input;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQescapeLiteral) escape_literal;
  decltype(&::PQexec) exec;
  decltype(&::PQexecParams) exec_params;
  decltype(&::PQexecPrepared) exec_prepared;
  decltype(&::PQfinish) finish;
  decltype(&::PQflush) flush;
  decltype(&::PQfformat) fformat;
  decltype(&::PQfreemem) freemem;
  decltype(&::PQfreeCancel) free_cancel;
  decltype(&::PQgetCancel) get_cancel;
  decltype(&::PQgetCopyData) get_copy_data;
  decltype(&::PQgetResult) get_result;
  decltype(&::PQgetisnull) get_is_null;
  decltype(&::PQgetlength) get_length;
  decltype(&::PQgetvalue) get_value;
  decltype(&::PQisBusy) is_busy;
  decltype(&::PQnfields) nfields;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQping) ping;
  decltype(&::PQprepare) prepare;
  decltype(&::PQputCopyData) put_copy_data;
  decltype(&::PQputCopyEnd) put_copy_end;
  decltype(&::PQresultErrorField) result_error_field;
  decltype(&::PQresultErrorMessage) result_error_message;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQsendPrepare) send_prepare;
  decltype(&::PQsendQuery) send_query;
  decltype(&::PQsendQueryParams) send_query_params;
  decltype(&::PQsendQueryPrepared) send_query_prepared;
  decltype(&::PQserverVersion) server_version;
  decltype(&::PQsetnonblocking) set_nonblocking;
  decltype(&::PQsetNoticeProcessor) set_notice_processor;
  decltype(&::PQsocket) socket;
  decltype(&::PQstatus) status;
  decltype(&::PQtransactionStatus) transaction_status;
};

// Loads libpq once per process (thread-safe). Throws strata::Error(ExitCode::unavailable) naming
// the library and dlerror() when it cannot be loaded.
const PqLibrary& pq_library();

}  // namespace strata::pq
