// The eksguard command line: subcommands and exit codes (PRODUCT.md "Exit codes").
#pragma once

namespace eksguard::cli {

enum ExitCode : int {
  kExitOk = 0,        // nothing at or above --fail-on
  kExitFindings = 1,  // findings at or above --fail-on
  kExitInput = 2,     // usage error or an input that could not be read
  kExitDeny = 3,      // cedar authorize: deny
};

int run(int argc, char** argv);

}  // namespace eksguard::cli
