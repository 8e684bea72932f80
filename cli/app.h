#pragma once
// The command line: builds the CLI::App, dispatches to a subcommand, and is the only place
// that catches strata::Error, prints it and turns it into the exit code. Callable from tests.
namespace strata::cli {

int run(int argc, const char* const* argv);

}  // namespace strata::cli
