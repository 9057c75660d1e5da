// Identity resolution for one EKS cluster: which Kubernetes username, groups and access policies
// an IAM principal gets, and from where (an access entry, or an aws-auth mapping at its line);
// and the reverse, which IAM principals reach a Kubernetes user or group (the `iam` column of
// `rbac who-can`). The cluster's authenticationMode decides which sources count: CONFIG_MAP
// reads only aws-auth, API only access entries, API_AND_CONFIG_MAP both with the access entry
// winning for the same principal; an unknown mode is treated like API_AND_CONFIG_MAP and said so.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "identity/arn.h"
#include "identity/inputs.h"

namespace eksguard::identity {

enum class AccessSource : uint8_t {
  kNone,            // not authenticated
  kAccessEntry,     // an EKS access entry
  kAwsAuthRole,     // aws-auth mapRoles (rolearn)
  kAwsAuthSso,      // aws-auth mapRoles (sso)
  kAwsAuthUser,     // aws-auth mapUsers
  kAwsAuthAccount,  // aws-auth mapAccounts: username is the ARN, no groups
};
std::string_view to_string(AccessSource source);

struct Resolution {
  std::string input_arn;
  std::string caller_arn;  // the identity the authenticator compares (see caller_arn())
  bool authenticated = false;
  AccessSource source = AccessSource::kNone;
  Origin origin;                    // the entry or mapping that decided
  std::string username_template;    // as configured
  std::string username;             // rendered as far as the ARN tells (session name, account)
  std::vector<std::string> groups;  // including system:authenticated when authenticated
  std::vector<PolicyAssociation> access_policies;
  std::vector<std::string> notes;  // shadowed mappings, unrendered placeholders, unknown mode, ...
};

// One IAM principal (or pattern) that reaches a Kubernetes subject.
struct Reach {
  std::string
      principal;  // an ARN; an SSO or wildcard pattern; arn:P:iam::ACCOUNT:root for mapAccounts
  AccessSource source = AccessSource::kNone;
  Origin origin;
  std::string note;  // e.g. "any principal of the account", "username template system:node:{{...}}"
};

// An access policy association seen as a grant, for RBAC-style analysis: EKS authorizes it after
// RBAC, with the rights of `policy->k8s_equivalent` (when known) at the given scope.
struct PolicyGrant {
  std::string principal_arn;
  std::string username;  // the entry's username (or the default EKS gives it)
  const AccessEntry* entry = nullptr;
  const PolicyAssociation* association = nullptr;
};

class Resolver {
 public:
  // Keeps a reference: `inputs` must outlive the resolver.
  explicit Resolver(const IdentityInputs& inputs);

  AuthenticationMode mode() const { return mode_; }
  bool uses_aws_auth() const { return mode_ != AuthenticationMode::kApi; }
  bool uses_access_entries() const { return mode_ != AuthenticationMode::kConfigMap; }
  // The aws-auth in effect (the last one in the inputs), or nullptr.
  const AwsAuth* aws_auth() const { return aws_auth_; }

  Resolution resolve(std::string_view principal_arn) const;

  std::vector<Reach> principals_for_user(std::string_view username) const;
  std::vector<Reach> principals_for_group(std::string_view group) const;
  // For RBAC subjects: kind "User" or "Group" (ServiceAccounts are never reached through IAM).
  // Distinct principals, sorted.
  std::vector<std::string> principals_for_subject(std::string_view kind,
                                                  std::string_view name) const;

  // Every access policy association of the access entries in effect.
  std::vector<PolicyGrant> policy_grants() const;

  // The username EKS gives an access entry that does not set one.
  static std::string default_username(const AccessEntry& entry);
  // Groups EKS adds for node entry types (EC2_LINUX, ... : system:nodes).
  static std::vector<std::string> implicit_groups(const AccessEntry& entry);
  // The access entry for a caller ARN (role/user by account and name, ignoring case and path).
  const AccessEntry* find_entry(const Arn& caller) const;

 private:
  bool resolve_access_entry(const Arn& caller, Resolution& out) const;
  bool resolve_aws_auth(const Arn& caller, Resolution& out) const;
  void note_dead_path_mappings(const Arn& caller, Resolution& out) const;

  const IdentityInputs& inputs_;
  const AwsAuth* aws_auth_ = nullptr;
  AuthenticationMode mode_ = AuthenticationMode::kUnknown;
  bool mode_known_ = false;
};

// Glob match as aws-iam-authenticator's ArnLike: each of the six ARN fields is matched on its
// own, `*` any run and `?` one character, case-insensitively.
bool arn_like(std::string_view arn, std::string_view pattern);

}  // namespace eksguard::identity
