#pragma once
// The public face of core/http: a generic HTTP/1.1 server (Boost.Beast) over a route table.
// It knows nothing of the store; core/serve gives it strata's routes.
#include "http/access_log.h"  // IWYU pragma: export
#include "http/message.h"  // IWYU pragma: export
#include "http/metrics.h"  // IWYU pragma: export
#include "http/router.h"  // IWYU pragma: export
#include "http/server.h"  // IWYU pragma: export
