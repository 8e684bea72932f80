#pragma once
// The public face of core/net: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Servers: endpoint and key resolution, which endpoints may get a key, and URLs with their secrets
// masked.
#include "net/api_key.h"  // IWYU pragma: export
#include "net/endpoint.h"  // IWYU pragma: export
#include "net/endpoint_trust.h"  // IWYU pragma: export
#include "net/otlp_exporter.h"  // IWYU pragma: export
#include "net/url_secrets.h"  // IWYU pragma: export
