// The plan executable: all logic lives in lib/; see plan::cli::main.
#include "plan/cli/cli.hpp"

int main(int argc, char** argv) { return plan::cli::main(argc, argv); }
