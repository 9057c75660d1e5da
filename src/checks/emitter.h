// How a check reports: it names the check, the node where the problem is (or its nearest
// existing ancestor when the field is missing), the field path and a message.
#pragma once

#include <string>
#include <vector>

#include "checks/catalog.h"
#include "doc/node.h"
#include "findings/finding.h"
#include "k8s/object.h"

namespace eksguard {

class FindingEmitter {
 public:
  FindingEmitter(const k8s::Object& object, std::vector<Finding>& out)
      : object_(object), out_(out) {}

  // Returns the new finding so a check can add context (depends_on).
  Finding& emit(CheckId check, const doc::Node* at, std::string path, std::string message);
  const k8s::Object& object() const { return object_; }
  // The object's shared Subject (made on first use, so clean objects allocate nothing).
  const SubjectPtr& subject();

 private:
  const k8s::Object& object_;
  std::vector<Finding>& out_;
  SubjectPtr subject_;
};

}  // namespace eksguard
