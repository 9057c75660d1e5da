#include "cli/app.h"

#include <CLI/CLI.hpp>

#include "cli/aws_auth_command.h"
#include "cli/cedar_command.h"
#include "cli/checks_command.h"
#include "cli/rbac_command.h"
#include "cli/scan_command.h"
#include "cli/serve_command.h"

namespace eksguard::cli {

int run(int argc, char** argv) {
  CLI::App app{"eksguard: secure Amazon EKS clusters layer by layer"};
  app.set_version_flag("--version", std::string("eksguard ") + EKSGUARD_VERSION);
  app.require_subcommand(1);
  ScanCommand scan(app);
  ChecksCommand checks(app);
  CedarCommand cedar(app);
  RbacCommand rbac(app);
  ServeCommand serve(app);
  AwsAuthCommand aws_auth(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitInput;
  }
  if (scan.selected()) return scan.execute();
  if (checks.selected()) return checks.execute();
  if (cedar.selected()) return cedar.execute();
  if (rbac.selected()) return rbac.execute();
  if (serve.selected()) return serve.execute();
  if (aws_auth.selected()) return aws_auth.execute();
  return kExitInput;
}

}  // namespace eksguard::cli
