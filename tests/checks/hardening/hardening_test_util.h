// Helpers for the EKS pod hardening tests: run the checks on one inline manifest and pick out
// the findings of one check.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/emitter.h"
#include "checks/hardening/pod_hardening.h"
#include "support/test_support.h"

namespace eksguard::testing {

// 64 hex digits, for digest-pinned images.
inline constexpr std::string_view kDigest =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// Parses one manifest, extracts its pod template and runs check_pod_hardening. Not movable:
// the object refers to the document it lives beside.
class HardeningRun {
 public:
  explicit HardeningRun(std::string_view yaml, const hardening::Options& options = {})
      : document_(parse_one(yaml)) {
    if (document_.root() == nullptr) return;
    object_ = k8s::make_object(*document_.root(), document_.file());
    auto pod = k8s::extract_pod_template(object_);
    if (!pod) {
      ADD_FAILURE() << "no pod template: " << pod.error().message;
      return;
    }
    if (!pod->has_value()) {
      ADD_FAILURE() << "kind " << object_.ref.kind << " has no pod template";
      return;
    }
    pod_ = std::move(**pod);
    FindingEmitter emitter(object_, findings_);
    hardening::check_pod_hardening(object_, *pod_, options, emitter);
  }
  HardeningRun(const HardeningRun&) = delete;
  HardeningRun& operator=(const HardeningRun&) = delete;

  const std::vector<Finding>& findings() const { return findings_; }
  const k8s::Object& object() const { return object_; }
  const k8s::PodTemplate& pod() const { return *pod_; }

  std::vector<Finding> of(CheckId check) const {
    std::vector<Finding> out;
    for (const Finding& finding : findings_) {
      if (finding.check == check) out.push_back(finding);
    }
    return out;
  }

 private:
  doc::Document document_;
  k8s::Object object_;
  std::optional<k8s::PodTemplate> pod_;
  std::vector<Finding> findings_;
};

// 1-based line of the first occurrence of `needle` in `text` (0 when absent), so tests state
// the expected line by content instead of by counting.
inline uint32_t line_of(std::string_view text, std::string_view needle) {
  const size_t at = text.find(needle);
  if (at == std::string_view::npos) return 0;
  uint32_t line = 1;
  for (size_t i = 0; i < at; ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

// Every finding's check id, for readable failure output.
inline std::string ids(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& finding : findings) {
    if (!out.empty()) out += ", ";
    out += std::string(finding.info().id) + " " + finding.path;
  }
  return out;
}

}  // namespace eksguard::testing
