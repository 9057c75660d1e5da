// Auditable suppression: `eksguard.io/ignore` annotations on an object or its pod template, and
// exceptions in the config file with selectors and an expiry date. Suppressed findings stay in
// the report (suppressed: true); expired and unused exceptions become findings themselves.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doc/node.h"
#include "findings/finding.h"
#include "k8s/workload.h"

namespace eksguard::scan {

inline constexpr std::string_view kIgnoreAnnotation = "eksguard.io/ignore";
inline constexpr std::string_view kIgnoreReasonAnnotation = "eksguard.io/ignore-reason";

// A calendar date, compared as yyyymmdd.
struct Date {
  int year = 0, month = 0, day = 0;
  int key() const { return year * 10000 + month * 100 + day; }
};
std::optional<Date> parse_date(std::string_view text);  // YYYY-MM-DD
Date today_utc();

// One exception from the config file. Empty selector lists match everything; entries may use
// '*' wildcards.
struct Exception {
  std::vector<std::string> checks;  // check ids, or "*"
  std::vector<std::string> namespaces;
  std::vector<std::string> kinds;
  std::vector<std::string> names;
  std::string reason;
  std::optional<Date> expires;
  std::string file;
  doc::Position position;
  size_t index = 0;  // position in the exceptions list
};

bool wildcard_match(std::string_view pattern, std::string_view text);

// Applies `eksguard.io/ignore` annotations of an object (metadata or pod template metadata) to
// the findings emitted for it (indices [first, findings.size())). Unknown check ids in the
// annotation are reported as findings so a typo cannot silently leave a finding visible.
void apply_annotations(const k8s::Object& object, const k8s::PodTemplate* pod,
                       std::vector<Finding>& findings, size_t first);

// An object's `eksguard.io/ignore` annotation kept as a compact record, for findings made after
// its document is gone (the scanner's cluster-wide phase: RBAC objects, aws-auth).
struct DeferredIgnore {
  k8s::ObjectRef ref;
  std::string file;
  std::vector<std::string> checks;  // ids, "*" or "all"
  std::string source;               // "annotation eksguard.io/ignore at FILE:LINE: reason"
};
std::optional<DeferredIgnore> defer_ignore_annotation(const k8s::Object& object);
// Suppresses findings [first, end) about the annotated objects.
void apply_deferred_ignores(const std::vector<DeferredIgnore>& ignores,
                            std::vector<Finding>& findings, size_t first);

// Applies config exceptions to every finding; appends CFG-EXCEPTION-EXPIRED and
// CFG-EXCEPTION-UNUSED findings for exceptions that are expired or matched nothing.
void apply_exceptions(const std::vector<Exception>& exceptions, Date today,
                      std::vector<Finding>& findings);

}  // namespace eksguard::scan
