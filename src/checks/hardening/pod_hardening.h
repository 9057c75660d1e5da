// EKS pod hardening beyond the Pod Security Standards (EKS Best Practices Guide, CIS EKS).
#pragma once

#include <string>
#include <vector>

#include "checks/emitter.h"
#include "k8s/workload.h"

namespace eksguard::hardening {

struct Options {
  // Registry prefixes images may come from (e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com").
  // Empty: the registry check is off.
  std::vector<std::string> allowed_registries;
};

// Runs every EKS-POD-* check on one workload.
void check_pod_hardening(const k8s::Object& object, const k8s::PodTemplate& pod,
                         const Options& options, FindingEmitter& emitter);

}  // namespace eksguard::hardening
