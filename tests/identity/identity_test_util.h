// Helpers for the identity tests: fixture paths, parsing an aws-auth from a file or inline text,
// counting findings by check.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "identity/aws_auth.h"
#include "identity/checks.h"
#include "identity/inputs.h"
#include "support/test_support.h"

namespace eksguard::testing {

inline std::filesystem::path identity_data(std::string_view name = {}) {
  return std::filesystem::path(EKSGUARD_SOURCE_DIR) / "tests/identity/data" / name;
}

using ::eksguard::testing::read_file;

// Parses the first aws-auth ConfigMap of `text` (a ConfigMap or a List holding one).
inline identity::AwsAuth parse_aws_auth_text(std::string_view text,
                                             std::string_view file = "aws-auth.yaml") {
  identity::IdentityCollector collector;
  auto documents = doc::load_all(text, file);
  if (!documents) {
    ADD_FAILURE() << "parse error: " << documents.error().message;
    return {};
  }
  for (const doc::Document& document : *documents) collector.add_document(document, text);
  identity::IdentityInputs inputs = std::move(collector).finish();
  if (inputs.aws_auth.empty()) {
    ADD_FAILURE() << "no aws-auth in " << file;
    return {};
  }
  return std::move(inputs.aws_auth.front());
}

inline identity::AwsAuth parse_aws_auth_file(std::string_view name) {
  const std::filesystem::path path = identity_data(name);
  return parse_aws_auth_text(read_file(path), path.string());
}

inline std::vector<const identity::AwsAuthDiagnostic*> diagnostics_with(
    const identity::AwsAuth& auth, std::string_view code) {
  std::vector<const identity::AwsAuthDiagnostic*> out;
  for (const auto& diagnostic : auth.diagnostics)
    if (diagnostic.code == code) out.push_back(&diagnostic);
  return out;
}

inline std::vector<const Finding*> findings_of(const std::vector<Finding>& findings,
                                               CheckId check) {
  std::vector<const Finding*> out;
  for (const Finding& finding : findings)
    if (finding.check == check) out.push_back(&finding);
  return out;
}

}  // namespace eksguard::testing
