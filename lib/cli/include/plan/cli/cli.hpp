#pragma once
namespace plan::cli {

// Parses the command line, runs one subcommand, prints any error as one line
// `plan: error: ...` on stderr, and returns the process exit code (docs/errors.md).
int main(int argc, char** argv);

}  // namespace plan::cli
