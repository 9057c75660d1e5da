// Policies written as the AWS prototype's `Policy` objects (group cedar.k8s.aws, kind Policy,
// a Cedar policy set in `spec.content`), read from YAML or JSON manifests in the policy folder,
// so the prototype's policy files (its demo/*.yaml) load unchanged.
//
// Each Policy's text is laid out at the lines and columns it has in the manifest: a literal
// block (`content: |`) is copied line for line, everything else in the manifest becomes blank
// lines, so a parse error, a validation error or a deny names `file.yaml:LINE:COLUMN` of the
// manifest itself. Content in another scalar style (quoted, folded, a JSON string) starts at
// its own line; positions inside it count from there.
//
// Objects of other kinds (the prototype's demo files also hold Secrets to test with) are
// skipped, and each skip is reported as a note, never silently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace eksguard::k8s_authz {

struct ManifestPolicy {
  std::string object_name;  // metadata.name
  std::string source;       // Cedar text, laid out at the manifest's lines and columns
  // spec.validation.enforced when the object sets it: true refuses the set on a validation
  // error, false reports it and loads (the prototype's default).
  std::optional<bool> enforced;
};

struct PolicyManifest {
  std::vector<ManifestPolicy> policies;
  std::vector<std::string> notes;  // "file:line:col: skipped …"
};

// True for the file names read as manifests (`.yaml`, `.yml`, `.json`).
bool is_policy_manifest_name(std::string_view name);

// Reads every Policy object of `text`; a manifest that does not parse, or a Policy without a
// string spec.content, is an error naming file:line:column.
Result<PolicyManifest> read_policy_manifest(std::string_view text, std::string_view file);

}  // namespace eksguard::k8s_authz
