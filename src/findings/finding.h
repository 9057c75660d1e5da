// A finding: one check's verdict on one resource, with the exact place in the input.
#pragma once

#include <string>
#include <vector>

#include "checks/catalog.h"
#include "doc/node.h"
#include "findings/severity.h"
#include "k8s/object.h"

namespace eksguard {

struct Finding {
  explicit Finding(CheckId id) : check(id), severity(check_info(id).severity) {}

  CheckId check;
  Severity severity;  // the catalog's severity unless policy changed it (system components)
  std::string message;
  k8s::ObjectRef resource;
  std::string file;
  doc::Position position;
  std::string path;  // dotted field path, e.g. spec.template.spec.containers[0].image
  std::string note;  // why the severity differs from the catalog, if it does
  // Another object the verdict depends on, as "Kind/namespace/name" (e.g. the ServiceAccount
  // whose automountServiceAccountToken setting would make EKS-POD-001 moot); "" if none.
  std::string depends_on;
  bool suppressed = false;
  std::string suppression;  // where the suppression came from and its reason

  const CheckInfo& info() const { return check_info(check); }
};

// An input that could not be read or understood.
struct InputError {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

}  // namespace eksguard
