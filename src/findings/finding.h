// A finding: one check's verdict on one resource, with the exact place in the input.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checks/catalog.h"
#include "doc/node.h"
#include "findings/severity.h"
#include "k8s/object.h"

namespace eksguard {

// What findings are about: one object and the file it came from, shared by all its findings
// (a scan of thousands of manifests keeps hundreds of thousands of findings).
struct Subject {
  k8s::ObjectRef resource;
  std::string file;
};
using SubjectPtr = std::shared_ptr<const Subject>;

struct Finding {
  Finding(CheckId id, SubjectPtr about)
      : check(id), severity(check_info(id).severity), subject(std::move(about)) {}

  CheckId check;
  Severity severity;  // the catalog's severity unless policy changed it (system components)
  bool suppressed = false;
  std::string message;
  SubjectPtr subject;  // never null
  doc::Position position;
  std::string path;  // dotted field path, e.g. spec.template.spec.containers[0].image

  const CheckInfo& info() const { return check_info(check); }
  const k8s::ObjectRef& resource() const { return subject->resource; }
  const std::string& file() const { return subject->file; }

  // Rarely set details live out of line, so the common finding stays small.
  // Why the severity differs from the catalog, if it does.
  std::string_view note() const { return details_ ? details_->note : std::string_view(); }
  // Where the suppression came from and its reason (when suppressed).
  std::string_view suppression() const {
    return details_ ? details_->suppression : std::string_view();
  }
  // Another object the verdict depends on, as "Kind/namespace/name" (e.g. the ServiceAccount
  // whose automountServiceAccountToken setting would make EKS-POD-001 moot); "" if none.
  std::string_view depends_on() const {
    return details_ ? details_->depends_on : std::string_view();
  }
  void set_note(std::string text) { details().note = std::move(text); }
  void set_suppression(std::string text) { details().suppression = std::move(text); }
  void set_depends_on(std::string text) { details().depends_on = std::move(text); }

 private:
  struct Details {
    std::string note;
    std::string suppression;
    std::string depends_on;
  };
  // Copy on write: copies of a finding share details until one of them changes.
  Details& details() {
    if (!details_)
      details_ = std::make_shared<Details>();
    else if (details_.use_count() > 1)
      details_ = std::make_shared<Details>(*details_);
    return *details_;
  }
  std::shared_ptr<Details> details_;
};

// An input that could not be read or understood.
struct InputError {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

}  // namespace eksguard
