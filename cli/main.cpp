#include "app.h"
#include "setting_flags.h"
#include "terminal_filter.h"

// The terminal filter goes in before anything is printed (terminal_filter.h), and the CLI's
// flags before any door renders a command line (setting_flags.h).
int main(int argc, char** argv) {
  strata::cli::install_terminal_filters();
  strata::cli::install_command_words();
  return strata::cli::run(argc, argv);
}
