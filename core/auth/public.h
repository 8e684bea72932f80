#pragma once
// The public face of core/auth: the only header of the area that programs (cli/) include.
//
// Who may call `strata serve`: API keys (made, listed, revoked, checked), what a key allows, the
// principal its asks are recorded under, its rate limit, and the text forms of its limits.
#include "auth/key.h"  // IWYU pragma: export
#include "auth/jwt.h"  // IWYU pragma: export
#include "auth/limits_text.h"  // IWYU pragma: export
#include "auth/rate_limiter.h"  // IWYU pragma: export
