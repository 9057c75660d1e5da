// The aws-auth ConfigMap read exactly as aws-iam-authenticator reads it (pkg/mapper/configmap):
// each of mapRoles, mapUsers and mapAccounts is a YAML string parsed on its own; a YAML error
// drops that whole section; item keys are matched case-insensitively (Go encoding/json) while
// the data keys are case-sensitive; a field of the wrong type is zeroed; items that fail
// validation (no rolearn/sso, both, no userarn) are dropped one at a time; a later role mapping
// of the same lower-cased ARN replaces an earlier one. Every such event is kept as a diagnostic
// with a stable code and the position in the ConfigMap's file, since each one silently changes
// who can log in (the aws-auth lockout).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/loader.h"
#include "identity/origin.h"
#include "k8s/object.h"

namespace eksguard::identity {

enum class Section : uint8_t { kMapRoles, kMapUsers, kMapAccounts };
std::string_view section_name(Section section);

// aws-iam-authenticator's SSO matcher: roles named AWSReservedSSO_<PermissionSet>_* in an account.
struct SsoMatcher {
  std::string permission_set_name;
  std::string account_id;
  std::string partition;  // "" means aws
};

struct AwsAuthMapping {
  Section section = Section::kMapRoles;  // kMapRoles or kMapUsers
  size_t index = 0;                      // position of the item in its section
  std::string arn;                       // rolearn / userarn as written ("" for an sso item)
  std::optional<SsoMatcher> sso;
  std::string username;  // template as written; "" when absent
  std::vector<std::string> groups;
  Origin origin;                      // the item
  Origin arn_origin;                  // its rolearn/userarn (or sso) value
  Origin username_origin;             // its username value (the item when absent)
  std::vector<Origin> group_origins;  // one per group
  // False when the authenticator never uses this item: a later item has the same key.
  bool effective = true;
  // The key the authenticator stores it under: lower-cased role ARN, the SSO pattern, or the
  // user ARN as written (user keys are not lower-cased upstream).
  std::string key;
};

struct AccountMapping {
  std::string account;
  Origin origin;
};

// Why part of the ConfigMap does not take effect as written.
enum class AwsAuthProblem : uint8_t {
  kSectionSyntax,  // the section's YAML does not parse: the whole section is ignored
  kSectionShape,   // the section is not a list (or not a string): ignored
  kItemDropped,    // an item fails validation and is ignored
  kFieldIgnored,   // a field of the wrong type is read as empty
  kIgnoredKey,     // a key no field matches, or a data key in the wrong case
};

struct AwsAuthDiagnostic {
  AwsAuthProblem problem;
  std::string code;  // stable: aws-auth.section.syntax, aws-auth.item.dropped, ...
  std::string message;
  Origin origin;
};

struct AwsAuth {
  k8s::ObjectRef ref;
  Origin origin;                                // the ConfigMap object
  bool has_section[3] = {false, false, false};  // present and not empty, by Section
  std::vector<AwsAuthMapping> roles;
  std::vector<AwsAuthMapping> users;
  std::vector<AccountMapping> accounts;
  std::vector<AwsAuthDiagnostic> diagnostics;
};

// True for the ConfigMap kube-system/aws-auth (a manifest without a namespace counts).
bool is_aws_auth(const k8s::Object& object);

// Parses the ConfigMap. `source` is the text of the object's file when available: it lets
// positions inside a block scalar (`mapRoles: |`) point at the line in that file; without it
// they point at the section's value.
AwsAuth parse_aws_auth(const k8s::Object& object, std::string_view source = {},
                       const doc::Limits& limits = {});

}  // namespace eksguard::identity
