// IAM principal ARNs as the EKS authenticator sees them: parsing, the canonical form a caller's
// STS identity takes (an assumed-role session becomes its role, without a path), and the
// username templates of aws-auth and access entries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eksguard::identity {

enum class PrincipalType : uint8_t {
  kUnknown,        // parsed as an ARN, but not an IAM identity
  kRole,           // arn:P:iam::A:role[/path/]Name
  kUser,           // arn:P:iam::A:user[/path/]Name
  kRoot,           // arn:P:iam::A:root
  kAssumedRole,    // arn:P:sts::A:assumed-role/Role/Session
  kFederatedUser,  // arn:P:sts::A:federated-user/Name
};

struct Arn {
  std::string partition;
  std::string service;
  std::string account;
  std::string resource;  // everything after the account: "role/team/Admin"
  PrincipalType type = PrincipalType::kUnknown;
  std::string path;     // "team/" for role/team/Admin; "" when there is none
  std::string name;     // role or user name (for an assumed role: the role)
  std::string session;  // assumed-role session name
};

// Splits "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"; nullopt when `text` is not one.
std::optional<Arn> parse_arn(std::string_view text);

// True for the partitions the authenticator accepts.
bool is_known_partition(std::string_view partition);

// The IAM ARN a caller presents to the authenticator, as aws-iam-authenticator's Canonicalize
// makes it: assumed-role → arn:P:iam::A:role/Role. A role ARN given with a path is reduced to
// the path-less form, since the STS identity of a session never carries the path. Users, root
// and federated users pass through. "" when the ARN is not an IAM identity.
std::string caller_arn(const Arn& arn);

// ASCII lower case: ARN comparison in aws-auth is case-insensitive.
std::string to_lower(std::string_view text);

// Username/group templates rendered by the authenticator.
enum Placeholder : uint8_t {
  kAccountId = 1 << 0,          // {{AccountID}}
  kSessionName = 1 << 1,        // {{SessionName}} ('@' replaced by '-')
  kSessionNameRaw = 1 << 2,     // {{SessionNameRaw}}
  kEc2PrivateDnsName = 1 << 3,  // {{EC2PrivateDNSName}} (looked up through the EC2 API)
  kAccessKeyId = 1 << 4,        // {{AccessKeyID}}
};

struct TemplateInfo {
  uint8_t placeholders = 0;  // Placeholder bits found
  std::string unknown;       // first "{{...}}" that is not a placeholder ("" when none)
};
// The placeholders in `text`; an unknown one (e.g. "{{sessionName}}": placeholders are
// case-sensitive) is kept literally by the authenticator.
TemplateInfo scan_template(std::string_view text);

// What is known of one caller when rendering a template offline.
struct CallerFacts {
  std::string account;
  std::optional<std::string> session_name;
  std::optional<std::string> access_key_id;
};
// Renders the placeholders that the facts determine; the others stay as written.
std::string render_template(std::string_view text, const CallerFacts& facts);

// True when some rendering of `pattern` (placeholders match any non-empty text) equals `value`.
bool template_matches(std::string_view pattern, std::string_view value);

}  // namespace eksguard::identity
