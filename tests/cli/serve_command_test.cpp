// `eksguard serve` start-up: flags and the configuration file are checked before anything
// listens, and a problem exits 2 with a message naming it.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "server/tls_test_client.h"
#include "support/test_support.h"

namespace eksguard::testing {
namespace {

TEST(ServeCommand, StartupErrorsExit2WithAClearMessage) {
  TempDir dir("eksguard-serve-errors");
  const TestCertificate cert = write_self_signed_certificate(dir.path());
  const std::string tls = " --tls-cert " + cert.cert.string() + " --tls-key " + cert.key.string();

  auto missing = run_eksguard("serve" + tls, true);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("--policies DIR is required"), std::string::npos) << missing.out;

  auto no_key = run_eksguard(
      "serve --policies " + dir.path().string() + " --tls-cert " + cert.cert.string(), true);
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.out.find("--tls-key FILE is required"), std::string::npos) << no_key.out;

  auto bad_listen =
      run_eksguard("serve --policies " + dir.path().string() + tls + " --listen nowhere", true);
  EXPECT_EQ(bad_listen.exit_code, 2);
  EXPECT_NE(bad_listen.out.find("must be ADDR:PORT"), std::string::npos) << bad_listen.out;

  auto bad_level =
      run_eksguard("serve --policies " + dir.path().string() + tls + " --log-level chatty", true);
  EXPECT_EQ(bad_level.exit_code, 2);
  EXPECT_NE(bad_level.out.find("--log-level must be info, warn or error"), std::string::npos);

  const std::filesystem::path config = dir.path() / "serve.yaml";
  std::ofstream(config) << "threads: 2\ntimeouts: {idle: forever}\n";
  auto bad_config = run_eksguard(
      "serve --policies " + dir.path().string() + tls + " --config " + config.string(), true);
  EXPECT_EQ(bad_config.exit_code, 2);
  EXPECT_NE(bad_config.out.find("serve.yaml:2:18: timeouts.idle must be a duration"),
            std::string::npos)
      << bad_config.out;
}

}  // namespace
}  // namespace eksguard::testing
