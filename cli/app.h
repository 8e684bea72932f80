#pragma once
// The command line: builds the CLI::App, dispatches to a subcommand, and is the only place that
// prints a strata::Error and turns it into the exit code (other catches record an error and go
// on, or add to it and throw it again). Callable from tests.
namespace strata::cli {

int run(int argc, const char* const* argv);

}  // namespace strata::cli
