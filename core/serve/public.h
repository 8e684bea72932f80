#pragma once
// The public face of core/serve: `strata serve`'s routes over core/service (api.h); the server
// itself is core/http's.
#include "serve/api.h"  // IWYU pragma: export
#include "serve/gate.h"  // IWYU pragma: export
#include "serve/jobs.h"  // IWYU pragma: export
#include "serve/listen.h"  // IWYU pragma: export
#include "serve/sign_on.h"  // IWYU pragma: export
#include "serve/store_claim.h"  // IWYU pragma: export
