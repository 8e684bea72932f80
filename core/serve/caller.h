#pragma once
// serve's routes take the caller as every door does (service/caller.h: the key a request was
// authenticated with, what it may reach, its limits); the gate makes it.
#include "service/caller.h"

namespace strata::serve {
using service::Call;
using service::Caller;
using service::still_live;
}  // namespace strata::serve
