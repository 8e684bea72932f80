#include "app.h"
#include "terminal_filter.h"

// The terminal filter goes in before anything is printed (terminal_filter.h).
int main(int argc, char** argv) {
  strata::cli::install_terminal_filters();
  return strata::cli::run(argc, argv);
}
