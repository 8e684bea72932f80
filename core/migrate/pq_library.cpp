#include "migrate/pq_library.h"

#include <dlfcn.h>

#include <string>

#include "common/error.h"

namespace strata::migrate {
namespace {

constexpr const char* k_soname = "libpq.so.5";

[[noreturn]] void unavailable(const std::string& why) {
  throw Error(ExitCode::unavailable,
              std::string("cannot load ") + k_soname + " (" + why + "); install Debian's libpq5 package");
}

template <typename Fn>
void resolve(void* handle, const char* name, Fn& slot) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) unavailable(std::string("no symbol ") + name);
  slot = reinterpret_cast<Fn>(symbol);
}

PqLibrary load() {
  // Never closed: libpq initialises OpenSSL and Kerberos state that lives as long as the process.
  // RTLD_LAZY: the functions of libpq's Kerberos and LDAP libraries that a password login never
  // calls are then never bound (RTLD_NOW bound them all, 4 M instructions).
  void* handle = dlopen(k_soname, RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    unavailable(why != nullptr ? why : "dlopen failed");
  }
  PqLibrary lib{};
  resolve(handle, "PQcancel", lib.cancel);
  resolve(handle, "PQclear", lib.clear);
  resolve(handle, "PQconnectdb", lib.connectdb);
  resolve(handle, "PQconnectdbParams", lib.connectdb_params);
  resolve(handle, "PQerrorMessage", lib.error_message);
  resolve(handle, "PQexec", lib.exec);
  resolve(handle, "PQfinish", lib.finish);
  resolve(handle, "PQfreeCancel", lib.free_cancel);
  resolve(handle, "PQgetCancel", lib.get_cancel);
  resolve(handle, "PQgetResult", lib.get_result);
  resolve(handle, "PQgetlength", lib.get_length);
  resolve(handle, "PQgetvalue", lib.get_value);
  resolve(handle, "PQnfields", lib.nfields);
  resolve(handle, "PQntuples", lib.ntuples);
  resolve(handle, "PQping", lib.ping);
  resolve(handle, "PQputCopyEnd", lib.put_copy_end);
  resolve(handle, "PQresultErrorField", lib.result_error_field);
  resolve(handle, "PQresultErrorMessage", lib.result_error_message);
  resolve(handle, "PQresultStatus", lib.result_status);
  resolve(handle, "PQserverVersion", lib.server_version);
  resolve(handle, "PQsetNoticeProcessor", lib.set_notice_processor);
  resolve(handle, "PQstatus", lib.status);
  resolve(handle, "PQtransactionStatus", lib.transaction_status);
  return lib;
}

}  // namespace

const PqLibrary& pq_library() {
  static const PqLibrary lib = load();
  return lib;
}

}  // namespace strata::migrate
