#include "cli/rbac_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/app.h"
#include "common/strings.h"
#include "identity/resolver.h"
#include "rbac/authorizer.h"
#include "rbac/model.h"
#include "rbac/policy.h"
#include "rbac/queries.h"
#include "rbac/render.h"
#include "rbac/resources.h"
#include "scan/cluster_inputs.h"
#include "scan/exceptions.h"

namespace eksguard::cli {
namespace {

constexpr size_t kMaxWarningsShown = 20;

int usage_error(std::string_view command, const std::string& message) {
  std::cerr << "eksguard rbac " << command << ": " << message << "\n";
  return kExitInput;
}

enum class Format { kText, kWide, kAscii, kJson };

std::optional<Format> parse_format(std::string_view name, bool ascii_allowed) {
  if (name == "text") return Format::kText;
  if (name == "wide") return Format::kWide;
  if (name == "json") return Format::kJson;
  if (ascii_allowed && name == "ascii") return Format::kAscii;
  return std::nullopt;
}

// The inputs, compiled, with the names a query may use.
struct Loaded {
  rbac::Policy policy;
  rbac::ResourceCatalog catalog;
  // aws-auth, access entries and describe-cluster among the inputs (IAM principals).
  identity::IdentityInputs identity;
  rbac::Diagnostics diagnostics() const { return {&policy.inputs().errors, &policy.warnings()}; }
  bool had_errors() const { return !policy.inputs().errors.empty(); }
};

std::optional<Loaded> load(std::string_view command, const std::vector<std::string>& paths) {
  scan::ClusterInputs cluster = scan::load_cluster_inputs(paths);
  rbac::Inputs inputs = std::move(cluster.rbac);
  if (inputs.roles.empty() && inputs.bindings.empty()) {
    for (const InputError& error : inputs.errors)
      std::cerr << fmt::format("{}:{}:{}: error: {}\n", error.file, error.line, error.column,
                               error.message);
    std::cerr << fmt::format(
        "eksguard rbac {}: no RBAC objects (Roles, ClusterRoles, RoleBindings, "
        "ClusterRoleBindings) in the inputs ({} Kubernetes objects read from {} files); give "
        "manifests or a dump such as `kubectl get roles,clusterroles,rolebindings,"
        "clusterrolebindings -A -o json`\n",
        command, inputs.objects, inputs.files.size());
    return std::nullopt;
  }
  rbac::ResourceCatalog catalog;
  catalog.add_inputs(inputs);
  return Loaded{rbac::Policy::compile(std::move(inputs)), std::move(catalog),
                std::move(cluster.identity)};
}

// For text output: errors and (a bounded number of) warnings on stderr.
void print_diagnostics(const Loaded& loaded) {
  for (const InputError& error : loaded.policy.inputs().errors)
    std::cerr << fmt::format("{}:{}:{}: error: {}\n", error.file, error.line, error.column,
                             error.message);
  const auto& warnings = loaded.policy.warnings();
  for (size_t i = 0; i < warnings.size() && i < kMaxWarningsShown; ++i)
    std::cerr << fmt::format("{}:{}:{}: warning: {}\n", warnings[i].file, warnings[i].line,
                             warnings[i].column, warnings[i].message);
  if (warnings.size() > kMaxWarningsShown)
    std::cerr << fmt::format("… and {} more warnings (all of them are in --format json)\n",
                             warnings.size() - kMaxWarningsShown);
}

// Splits `VERB RESOURCE [NAME] PATH...` (see the header for how NAME is told from a path).
struct QueryArgs {
  std::string verb;
  std::string resource;
  std::string name;
  std::vector<std::string> paths;
};

std::optional<QueryArgs> split_query_args(const std::vector<std::string>& args,
                                          const std::string& explicit_name, std::string& error) {
  if (args.size() < 3) {
    error = "expected VERB RESOURCE[/SUBRESOURCE] [NAME] PATH... (at least one input)";
    return std::nullopt;
  }
  QueryArgs out{args[0], args[1], explicit_name, {}};
  size_t first_path = 2;
  std::error_code ec;
  if (explicit_name.empty() && args.size() > 3 && args[2] != "-" &&
      !std::filesystem::exists(args[2], ec)) {
    out.name = args[2];
    first_path = 3;
  }
  out.paths.assign(args.begin() + static_cast<std::ptrdiff_t>(first_path), args.end());
  return out;
}

std::optional<rbac::UserInfo> user_from_flags(const std::string& as,
                                              const std::string& service_account,
                                              const std::vector<std::string>& groups,
                                              std::string& error) {
  std::string name = as;
  if (!service_account.empty()) {
    if (!as.empty()) {
      error = "give --as or --sa, not both";
      return std::nullopt;
    }
    const size_t colon = service_account.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == service_account.size()) {
      error = fmt::format("--sa must be NAMESPACE:NAME, not `{}`", service_account);
      return std::nullopt;
    }
    name = std::string(rbac::kServiceAccountPrefix) + service_account;
  }
  if (name.empty()) {
    error = "say whose permissions to check: --as USER or --sa NAMESPACE:NAME";
    return std::nullopt;
  }
  if (name.starts_with("arn:") && !groups.empty()) {
    error = "an IAM principal gets its groups from aws-auth or its access entry: drop --as-group";
    return std::nullopt;
  }
  return rbac::make_user(std::move(name), groups);
}

// An IAM principal as the cluster authenticates it: username and groups from the access entry or
// aws-auth mapping in effect (the authentication mode decides), or an error saying why not.
struct IamIdentity {
  identity::Resolution resolution;
  rbac::UserInfo user;
};

std::optional<IamIdentity> resolve_arn(const Loaded& loaded, const std::string& arn,
                                       std::string& error) {
  if (loaded.identity.empty()) {
    error = fmt::format(
        "`{}` is an IAM principal: give the aws-auth ConfigMap and/or the access entries "
        "(aws eks describe-access-entry JSON) among the inputs to map it to a Kubernetes user",
        arn);
    return std::nullopt;
  }
  const identity::Resolver resolver(loaded.identity);
  identity::Resolution resolution = resolver.resolve(arn);
  if (!resolution.authenticated) {
    error = fmt::format(
        "`{}` is not mapped to a Kubernetes user by aws-auth or an access entry in the inputs "
        "(authentication mode {}): the cluster would refuse its requests",
        arn, identity::to_string(resolver.mode()));
    return std::nullopt;
  }
  rbac::UserInfo user = rbac::make_user(resolution.username, resolution.groups);
  return IamIdentity{std::move(resolution), std::move(user)};
}

// "arn:… authenticates as user U with groups [g] (access entry at file:line)".
std::string describe_resolution(const identity::Resolution& r) {
  std::string groups;
  for (const std::string& group : r.groups) groups += (groups.empty() ? "" : " ") + group;
  std::string text = fmt::format("{} authenticates as user {} with groups [{}] ({} at {}:{})",
                                 r.input_arn, r.username, groups, identity::to_string(r.source),
                                 r.origin.file, r.origin.position.line);
  for (const std::string& note : r.notes) text += "; " + note;
  return text;
}

// EKS authorizes access policy associations after RBAC: a policy whose Kubernetes equivalent is
// cluster-admin allows everything in its scope; others allow what their equivalent ClusterRole
// in the inputs allows. Returns the reason when the association allows the request.
// `any_namespace`: who-can -A, where a namespace scope grants in the namespaces it names.
std::optional<std::string> association_allows(const Loaded& loaded,
                                              const identity::PolicyAssociation& association,
                                              const rbac::RequestAttributes& request,
                                              bool any_namespace, std::vector<std::string>& notes) {
  const identity::AccessPolicyInfo* info = association.policy;
  if (info == nullptr) {
    notes.push_back(fmt::format("access policy {} is not a known managed policy: not evaluated",
                                association.policy_arn));
    return std::nullopt;
  }
  const bool cluster_scope = association.scope.type != "namespace";
  const auto& namespaces = association.scope.namespaces;
  if (!cluster_scope && !any_namespace) {
    if (request.namespace_.empty()) return std::nullopt;  // never covers cluster-wide requests
    if (std::none_of(namespaces.begin(), namespaces.end(), [&](const std::string& pattern) {
          return scan::wildcard_match(pattern, request.namespace_);
        }))
      return std::nullopt;
  }
  const std::string scope = cluster_scope
                                ? std::string("cluster")
                                : fmt::format("namespace {}", fmt::join(namespaces, ", "));
  const std::string reason =
      fmt::format("EKS: allowed by access policy {} ({} scope, associated at {}:{})", info->name,
                  scope, association.origin.file, association.origin.position.line);
  if (info->cluster_admin) return reason;
  if (info->reads_everything) {
    static const rbac::PolicyRule kReadEverything{{"get", "list", "watch"}, {"*"}, {"*"}, {}, {}};
    if (rbac::rule_allows(request, kReadEverything)) return reason;
    return std::nullopt;
  }
  if (info->k8s_equivalent.empty()) {
    notes.push_back(fmt::format("access policy {} ({}) has no Kubernetes equivalent: not evaluated",
                                info->name, info->meaning));
    return std::nullopt;
  }
  const uint32_t role =
      loaded.policy.find_role(rbac::RoleKind::kClusterRole, "", info->k8s_equivalent);
  if (role == rbac::kNone) {
    notes.push_back(fmt::format(
        "access policy {} grants about what ClusterRole {} does, which is not in the inputs: not "
        "evaluated",
        info->name, info->k8s_equivalent));
    return std::nullopt;
  }
  for (const rbac::PolicyRule& rule : loaded.policy.rules_of(role))
    if (rbac::rule_allows(request, rule))
      return fmt::format("{}, evaluated as ClusterRole {}", reason, info->k8s_equivalent);
  return std::nullopt;
}

std::optional<std::string> access_policy_allows(const Loaded& loaded,
                                                const identity::Resolution& resolution,
                                                const rbac::RequestAttributes& request,
                                                std::vector<std::string>& notes) {
  for (const identity::PolicyAssociation& association : resolution.access_policies)
    if (auto reason = association_allows(loaded, association, request, false, notes)) return reason;
  return std::nullopt;
}

// who-can: the access entries whose policy associations allow the request, as User subjects
// (the entry's username) with source access-policy and the principal in `iam`.
void add_access_policy_subjects(const Loaded& loaded, const rbac::WhoCanQuery& query,
                                rbac::WhoCanAnswer& answer) {
  if (loaded.identity.empty()) return;
  const identity::Resolver resolver(loaded.identity);
  std::vector<std::string> notes;
  for (const identity::PolicyGrant& grant : resolver.policy_grants()) {
    auto reason = association_allows(loaded, *grant.association, query.request.attributes,
                                     query.all_namespaces, notes);
    if (!reason) continue;
    rbac::SubjectGrants subject;
    subject.kind = rbac::SubjectKind::kUser;
    subject.name = grant.username;
    subject.via.push_back(rbac::Via{rbac::GrantSource::kAccessPolicy});
    subject.iam.push_back(grant.principal_arn);
    answer.subjects.push_back(std::move(subject));
    answer.notes.push_back(
        fmt::format("{} (user {}): {}", grant.principal_arn, grant.username, *reason));
  }
  std::sort(notes.begin(), notes.end());
  notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
  answer.notes.insert(answer.notes.end(), notes.begin(), notes.end());
}

// Fills `iam` of User and Group subjects with the IAM principals that reach them.
void add_iam_principals(const Loaded& loaded, std::vector<rbac::SubjectGrants>& subjects) {
  if (loaded.identity.empty()) return;
  const identity::Resolver resolver(loaded.identity);
  for (rbac::SubjectGrants& subject : subjects) {
    if (subject.kind == rbac::SubjectKind::kServiceAccount) continue;
    subject.iam = resolver.principals_for_subject(rbac::to_string(subject.kind), subject.name);
  }
}

}  // namespace

RbacCommand::RbacCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "rbac", "Kubernetes RBAC analysis: who-can, lookup, can-i, matrix, to-cedar");
  command_->require_subcommand(1);

  who_can_ = command_->add_subcommand(
      "who-can", "Subjects allowed VERB on RESOURCE[/SUBRESOURCE] [NAME] (or a non-resource URL)");
  lookup_ = command_->add_subcommand("lookup", "Roles bound to subjects, and where from");
  can_i_ = command_->add_subcommand("can-i", "Whether a user may do something, and why");
  matrix_ = command_->add_subcommand("matrix", "What a user may do: resources × verbs");
  to_cedar_.emplace(*command_);

  for (CLI::App* sub : {who_can_, lookup_, can_i_, matrix_}) {
    sub->add_option("args", args_,
                    sub == lookup_   ? "[SUBJECT] PATH..."
                    : sub == matrix_ ? "PATH... (files, directories, - for stdin)"
                                     : "VERB RESOURCE[/SUBRESOURCE] [NAME] PATH...")
        ->required();
    sub->add_option("--format,-o", format_, sub == matrix_ ? "text|ascii|json" : "text|wide|json")
        ->capture_default_str();
    sub->add_flag("--no-privileged-groups", no_privileged_groups_,
                  "RBAC alone: do not allow system:masters before RBAC as the API server does");
  }
  for (CLI::App* sub : {who_can_, can_i_, matrix_})
    sub->add_option("--namespace,-n", namespace_, "Namespace of the request");
  for (CLI::App* sub : {who_can_, can_i_})
    sub->add_option("--name", name_, "Object name (instead of the NAME positional)");
  who_can_->add_flag("--all-namespaces,-A", all_namespaces_, "RoleBindings of every namespace");
  lookup_->add_option("--kind,-k", kind_, "Only subjects of this kind: user|group|serviceaccount");
  for (CLI::App* sub : {can_i_, matrix_}) {
    sub->add_option("--as", as_, "User name (system:serviceaccount:NS:NAME for a service account)");
    // One value per occurrence, so the inputs that follow are not taken for groups.
    sub->add_option("--as-group", as_groups_, "Group of the user (repeatable)")
        ->allow_extra_args(false);
  }
  matrix_->add_option("--sa", service_account_, "Service account NAMESPACE:NAME");
  matrix_->add_option("--verbs", verbs_,
                      "Comma-separated verbs (default list,create,update,delete)");
}

int RbacCommand::execute() const {
  if (who_can_->parsed()) return who_can();
  if (lookup_->parsed()) return lookup();
  if (can_i_->parsed()) return can_i();
  if (matrix_->parsed()) return matrix();
  if (to_cedar_->selected()) return to_cedar_->execute();
  return kExitInput;
}

int RbacCommand::who_can() const {
  const auto format = parse_format(format_, false);
  if (!format)
    return usage_error("who-can", fmt::format("unknown format `{}` (text, wide, json)", format_));
  if (all_namespaces_ && !namespace_.empty())
    return usage_error("who-can", "give -n NAMESPACE or -A, not both");
  std::string error;
  const auto args = split_query_args(args_, name_, error);
  if (!args) return usage_error("who-can", error);
  auto loaded = load("who-can", args->paths);
  if (!loaded) return kExitInput;
  // Without -n, the namespace kubectl uses when the kubeconfig names none.
  const std::string ns = all_namespaces_      ? std::string()
                         : namespace_.empty() ? "default"
                                              : namespace_;
  auto request = rbac::parse_request(loaded->catalog, args->verb, args->resource, args->name, ns);
  if (!request) return usage_error("who-can", request.error().message);
  const rbac::WhoCanQuery query{std::move(*request), all_namespaces_, !no_privileged_groups_};
  rbac::WhoCanAnswer answer = rbac::who_can(loaded->policy, query);
  add_iam_principals(*loaded, answer.subjects);
  add_access_policy_subjects(*loaded, query, answer);
  if (*format == Format::kJson) {
    rbac::write_who_can_json(std::cout, loaded->policy, query, answer, loaded->diagnostics());
  } else {
    print_diagnostics(*loaded);
    rbac::write_who_can_text(std::cout, loaded->policy, query, answer, *format == Format::kWide);
  }
  std::cout.flush();
  return loaded->had_errors() ? kExitInput : kExitOk;
}

int RbacCommand::lookup() const {
  const auto format = parse_format(format_, false);
  if (!format)
    return usage_error("lookup", fmt::format("unknown format `{}` (text, wide, json)", format_));
  rbac::LookupQuery query;
  if (!kind_.empty()) {
    if (kind_ == "user") {
      query.kind = rbac::SubjectKind::kUser;
    } else if (kind_ == "group") {
      query.kind = rbac::SubjectKind::kGroup;
    } else if (kind_ == "serviceaccount") {
      query.kind = rbac::SubjectKind::kServiceAccount;
    } else {
      return usage_error(
          "lookup", fmt::format("--kind must be user, group or serviceaccount, not `{}`", kind_));
    }
  }
  // The first positional is the SUBJECT text unless it is an input.
  std::vector<std::string> paths = args_;
  std::error_code ec;
  if (paths.size() > 1 && paths[0] != "-" && !std::filesystem::exists(paths[0], ec)) {
    query.text = paths[0];
    paths.erase(paths.begin());
  }
  auto loaded = load("lookup", paths);
  if (!loaded) return kExitInput;
  rbac::LookupAnswer answer;
  if (query.text.starts_with("arn:")) {
    std::string error;
    const auto iam = resolve_arn(*loaded, query.text, error);
    if (!iam) return usage_error("lookup", error);
    answer = rbac::lookup_identity(loaded->policy, iam->user);
    answer.notes.insert(answer.notes.begin(), describe_resolution(iam->resolution));
    for (const identity::PolicyAssociation& association : iam->resolution.access_policies)
      answer.notes.push_back(fmt::format(
          "access policy {} ({} scope) is authorized by EKS after RBAC",
          association.policy != nullptr ? association.policy->name : association.policy_arn,
          association.scope.type.empty() ? "cluster" : association.scope.type));
  } else {
    answer = rbac::lookup(loaded->policy, query);
  }
  add_iam_principals(*loaded, answer.subjects);
  if (*format == Format::kJson) {
    rbac::write_lookup_json(std::cout, loaded->policy, answer, loaded->diagnostics());
  } else {
    print_diagnostics(*loaded);
    rbac::write_lookup_text(std::cout, loaded->policy, answer, *format == Format::kWide);
  }
  std::cout.flush();
  return loaded->had_errors() ? kExitInput : kExitOk;
}

int RbacCommand::can_i() const {
  const auto format = parse_format(format_, false);
  if (!format || *format == Format::kWide)
    return usage_error("can-i", fmt::format("unknown format `{}` (text, json)", format_));
  std::string error;
  const auto args = split_query_args(args_, name_, error);
  if (!args) return usage_error("can-i", error);
  auto user = user_from_flags(as_, {}, as_groups_, error);
  if (!user) return usage_error("can-i", error);
  auto loaded = load("can-i", args->paths);
  if (!loaded) return kExitInput;
  std::optional<IamIdentity> iam;
  if (user->name.starts_with("arn:")) {
    iam = resolve_arn(*loaded, user->name, error);
    if (!iam) return usage_error("can-i", error);
    *user = iam->user;
  }
  auto request =
      rbac::parse_request(loaded->catalog, args->verb, args->resource, args->name, namespace_);
  if (!request) return usage_error("can-i", request.error().message);
  const rbac::Authorizer authorizer(loaded->policy, {.privileged_groups = !no_privileged_groups_});
  rbac::Decision decision = authorizer.authorize(*user, request->attributes);
  if (iam) {
    decision.notes.push_back(describe_resolution(iam->resolution));
    if (!decision.allowed) {
      if (auto reason =
              access_policy_allows(*loaded, iam->resolution, request->attributes, decision.notes)) {
        decision.allowed = true;
        decision.reason = std::move(*reason);
        decision.grant = rbac::Grant{rbac::GrantSource::kAccessPolicy};
      }
    }
  }
  if (*format == Format::kJson) {
    rbac::write_can_i_json(std::cout, loaded->policy, *user, request->attributes, decision,
                           loaded->diagnostics());
  } else {
    print_diagnostics(*loaded);
    rbac::write_can_i_text(std::cout, loaded->policy, *user, request->attributes, decision);
  }
  std::cout.flush();
  // RBAC only adds: a yes stands whatever else the inputs held; a no may be incomplete.
  if (decision.allowed) return kExitOk;
  return loaded->had_errors() ? kExitInput : kExitFindings;
}

int RbacCommand::matrix() const {
  const auto format = parse_format(format_, true);
  if (!format || *format == Format::kWide)
    return usage_error("matrix", fmt::format("unknown format `{}` (text, ascii, json)", format_));
  std::string error;
  auto user = user_from_flags(as_, service_account_, as_groups_, error);
  if (!user) return usage_error("matrix", error);
  auto loaded = load("matrix", args_);
  if (!loaded) return kExitInput;
  rbac::MatrixQuery query{std::move(*user), namespace_, {}};
  if (verbs_.empty()) {
    query.verbs = {"list", "create", "update", "delete"};
  } else {
    for (std::string_view verb : split_list(verbs_)) query.verbs.emplace_back(verb);
    if (query.verbs.empty()) return usage_error("matrix", "--verbs names no verb");
  }
  const auto rows = rbac::matrix(loaded->policy, loaded->catalog, query,
                                 {.privileged_groups = !no_privileged_groups_});
  if (*format == Format::kJson) {
    rbac::write_matrix_json(std::cout, query, rows, loaded->diagnostics());
  } else {
    print_diagnostics(*loaded);
    rbac::write_matrix_text(std::cout, query, rows, *format == Format::kAscii);
  }
  std::cout.flush();
  return loaded->had_errors() ? kExitInput : kExitOk;
}

}  // namespace eksguard::cli
