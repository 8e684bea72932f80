#pragma once
// `strata trust [DIR]`, `--show`, `--list`, `--revoke`: the user's consent to a project's
// settings (config/trust.h decides; this prints and records). The messages every command prints
// when the trust model leaves a setting out are in settings.h.
#include "command.h"

namespace strata::cli {

Run setup_trust(CLI::App& cmd);

}  // namespace strata::cli
