// Helpers for the Pod Security Standards tests: evaluate one manifest at a policy, and name checks
// by their upstream ids.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "checks/catalog.h"
#include "checks/emitter.h"
#include "checks/pss/pod_security.h"
#include "doc/loader.h"
#include "findings/finding.h"
#include "k8s/object.h"
#include "k8s/workload.h"
#include "support/test_support.h"

namespace eksguard::testing {

struct PssResult {
  std::vector<Finding> findings;
  std::string error;  // why the manifest could not be evaluated ("" when it was)
};

// Parses `text` (one document), extracts its pod template and runs the PSS checks on it.
inline PssResult evaluate_pss(std::string_view text, const pss::Policy& policy,
                              std::string_view file = "test.yaml") {
  PssResult result;
  auto documents = doc::load_all(text, file);
  if (!documents) {
    result.error = "parse error at line " + std::to_string(documents.error().line) + ": " +
                   documents.error().message;
    return result;
  }
  if (documents->size() != 1 || documents->front().root() == nullptr) {
    result.error = "expected exactly one document";
    return result;
  }
  const k8s::Object object = k8s::make_object(*documents->front().root(), file);
  auto pod = k8s::extract_pod_template(object);
  if (!pod) {
    result.error = "no pod template: " + pod.error().message;
    return result;
  }
  if (!pod->has_value()) {
    result.error = "kind " + object.ref.kind + " has no pod template";
    return result;
  }
  FindingEmitter emitter(object, result.findings);
  pss::check_pod_security(**pod, policy, emitter);
  return result;
}

using ::eksguard::testing::read_file;

// The upstream check id of a PSS check, e.g. "capabilities_baseline".
inline std::string_view pss_id(CheckId check) {
  return check_info(check).standards.pss;
}

inline std::string describe_findings(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& finding : findings) {
    text += "\n    ";
    text += pss_id(finding.check);
    text += " at " + finding.path + " (" + std::to_string(finding.position.line) + ":" +
            std::to_string(finding.position.column) + "): " + finding.message;
  }
  return text;
}

}  // namespace eksguard::testing
