// Shape validation of pod templates: every field an eksguard check reads (and each of its
// ancestors) must have the JSON type the Kubernetes core/v1 Go types give it, or the API server
// would reject the manifest while the checks, which read defensively, would silently treat the
// field as absent. An explicit null is absent (never an error); unknown fields are not checked.
#pragma once

#include <string>
#include <vector>

#include "doc/node.h"
#include "k8s/workload.h"

namespace eksguard::k8s {

// One field of the wrong type. `path` uses the conventions of findings (Container::path,
// PodTemplate::field_path, `annotations['key']`); `message` starts with it, e.g.
// "spec.template.spec.containers[0].securityContext.privileged must be a boolean, found a string".
struct ShapeError {
  const doc::Node* node;  // the offending value: its position is the error's line and column
  std::string path;
  std::string message;
};

// Checks the pod spec (with every container) and the template metadata against the schema.
// Errors come in document order. Allocates nothing when the template has the right shape.
std::vector<ShapeError> validate_pod_template(const PodTemplate& pod);

}  // namespace eksguard::k8s
