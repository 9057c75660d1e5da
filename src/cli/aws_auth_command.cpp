#include "cli/aws_auth_command.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/app.h"
#include "identity/inputs.h"
#include "identity/migrate.h"
#include "identity/resolver.h"
#include "report/json_writer.h"

namespace eksguard::cli {
namespace {

using identity::IdentityInputs;

// Prints input errors to stderr; true when there were any.
bool print_errors(std::string_view command, const IdentityInputs& inputs) {
  for (const InputError& error : inputs.errors) {
    std::cerr << fmt::format("eksguard aws-auth {}: {}", command, error.file);
    if (error.line > 0) std::cerr << fmt::format(":{}:{}", error.line, error.column);
    std::cerr << ": " << error.message << "\n";
  }
  return !inputs.errors.empty();
}

void write_location(report::JsonWriter& json, const identity::Origin& origin) {
  json.key("location").begin_object();
  json.member("file", origin.file);
  json.member("line", origin.position.line);
  json.member("column", origin.position.column);
  if (!origin.path.empty()) json.member("path", origin.path);
  json.end_object();
}

std::string scope_text(const identity::PolicyAssociation& association) {
  if (association.scope.type == "cluster") return "cluster";
  return fmt::format("namespaces {}", fmt::join(association.scope.namespaces, ", "));
}

void write_json(const identity::Resolution& result, const identity::Resolver& resolver,
                const IdentityInputs& inputs) {
  report::JsonWriter json(std::cout, {.indent = 2});
  json.begin_object();
  json.member("principal", result.input_arn);
  json.member("caller_arn", result.caller_arn);
  json.member("authentication_mode", identity::to_string(resolver.mode()));
  json.member("authenticated", result.authenticated);
  json.member("source", identity::to_string(result.source));
  if (result.authenticated) write_location(json, result.origin);
  json.member("username", result.username);
  json.member("username_template", result.username_template);
  json.key("groups").begin_array();
  for (const std::string& group : result.groups) json.value(group);
  json.end_array();
  json.key("access_policies").begin_array();
  for (const identity::PolicyAssociation& association : result.access_policies) {
    json.begin_object();
    json.member("policy_arn", association.policy_arn);
    json.member("known", association.policy != nullptr);
    if (association.policy != nullptr) {
      json.member("name", association.policy->name);
      json.member("kubernetes_equivalent", association.policy->k8s_equivalent);
    }
    json.key("scope").begin_object().member("type", association.scope.type);
    json.key("namespaces").begin_array();
    for (const std::string& ns : association.scope.namespaces) json.value(ns);
    json.end_array().end_object();
    write_location(json, association.origin);
    json.end_object();
  }
  json.end_array();
  json.key("notes").begin_array();
  for (const std::string& note : result.notes) json.value(note);
  json.end_array();
  json.key("missing_inputs").begin_array();
  for (const std::string& missing : inputs.missing()) json.value(missing);
  json.end_array();
  json.key("errors").begin_array();
  for (const InputError& error : inputs.errors) {
    json.begin_object().member("file", error.file).member("line", error.line);
    json.member("column", error.column).member("message", error.message).end_object();
  }
  json.end_array();
  json.end_object();
  json.end_line();
}

void write_text(const identity::Resolution& result, const identity::Resolver& resolver,
                const IdentityInputs& inputs) {
  std::cout << fmt::format("principal:  {}\n", result.input_arn);
  if (!result.caller_arn.empty() && result.caller_arn != result.input_arn)
    std::cout << fmt::format("compared:   {}\n", result.caller_arn);
  std::cout << fmt::format("mode:       {}\n", identity::to_string(resolver.mode()));
  if (!result.authenticated) {
    std::cout << "result:     not authenticated: no access entry or aws-auth mapping in the "
                 "inputs admits this principal\n";
  } else {
    std::cout << fmt::format("source:     {} ({}:{}:{})\n", identity::to_string(result.source),
                             result.origin.file, result.origin.position.line,
                             result.origin.position.column);
    std::cout << fmt::format("username:   {}\n",
                             result.username.empty() ? "(empty)" : result.username);
    if (result.username != result.username_template)
      std::cout << fmt::format("template:   {}\n", result.username_template);
    std::cout << fmt::format("groups:     {}\n", fmt::join(result.groups, ", "));
    if (!result.access_policies.empty()) std::cout << "access policies:\n";
    for (const identity::PolicyAssociation& association : result.access_policies) {
      const identity::AccessPolicyInfo* policy = association.policy;
      std::cout << fmt::format(
          "  {} — {}{}\n", policy != nullptr ? std::string(policy->name) : association.policy_arn,
          scope_text(association),
          policy == nullptr ? " (unknown policy: review)"
          : policy->k8s_equivalent.empty()
              ? fmt::format(" ({})", policy->meaning)
              : fmt::format(" (like ClusterRole {})", policy->k8s_equivalent));
    }
  }
  if (!result.notes.empty()) std::cout << "notes:\n";
  for (const std::string& note : result.notes) std::cout << "  - " << note << "\n";
  const auto missing = inputs.missing();
  if (!missing.empty()) std::cout << "missing inputs:\n";
  for (const std::string& item : missing) std::cout << "  - " << item << "\n";
}

}  // namespace

AwsAuthCommand::AwsAuthCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "aws-auth", "The aws-auth ConfigMap and EKS access entries: migrate, resolve principals");
  command_->require_subcommand(1);

  migrate_ = command_->add_subcommand("migrate",
                                      "Write access entries equivalent to an aws-auth ConfigMap");
  migrate_->add_option("--format,-f", migrate_format_, "cli|eksctl|terraform")
      ->capture_default_str();
  migrate_->add_option("--cluster", cluster_, "Cluster name (default: from describe-cluster)");
  migrate_->add_option("--account", account_,
                       "The cluster's AWS account (default: from describe-cluster)");
  migrate_
      ->add_option("paths", migrate_paths_, "aws-auth ConfigMap (YAML/JSON) or dumps holding it")
      ->required();

  resolve_ = command_->add_subcommand(
      "resolve", "Show the Kubernetes identity an IAM principal gets, and where it comes from");
  resolve_->add_option("arn", principal_, "IAM user, role or assumed-role session ARN")->required();
  resolve_
      ->add_option("paths", resolve_paths_, "aws-auth, access entry and describe-cluster exports")
      ->required();
  resolve_->add_option("--format,-f", resolve_format_, "text|json")->capture_default_str();
}

int AwsAuthCommand::execute() const {
  if (migrate_->parsed()) return migrate();
  if (resolve_->parsed()) return resolve();
  return kExitInput;
}

int AwsAuthCommand::migrate() const {
  identity::MigrationFormat format = identity::MigrationFormat::kCli;
  if (migrate_format_ == "eksctl") {
    format = identity::MigrationFormat::kEksctl;
  } else if (migrate_format_ == "terraform") {
    format = identity::MigrationFormat::kTerraform;
  } else if (migrate_format_ != "cli") {
    std::cerr << "eksguard aws-auth migrate: unknown format `" << migrate_format_
              << "` (cli, eksctl, terraform)\n";
    return kExitInput;
  }
  const IdentityInputs inputs = identity::collect_identity_inputs(migrate_paths_);
  const bool errors = print_errors("migrate", inputs);
  if (inputs.aws_auth.empty()) {
    std::cerr << "eksguard aws-auth migrate: no ConfigMap kube-system/aws-auth in the inputs\n";
    return kExitInput;
  }
  if (inputs.aws_auth.size() > 1) {
    std::cerr << fmt::format(
        "eksguard aws-auth migrate: {} aws-auth ConfigMaps in the inputs; migrating the last one "
        "({})\n",
        inputs.aws_auth.size(), inputs.aws_auth.back().origin.file);
  }
  identity::MigrationOptions options{cluster_, account_};
  if (inputs.cluster) {
    if (options.cluster_name.empty()) options.cluster_name = inputs.cluster->name;
    if (options.account.empty()) options.account = inputs.cluster->account;
  }
  const identity::MigrationPlan plan = identity::plan_migration(inputs.aws_auth.back(), options);
  std::cout << identity::render_migration(plan, format);
  std::cerr << fmt::format(
      "eksguard aws-auth migrate: {} of {} items migrated, {} not migrated "
      "(see the comments)\n",
      plan.migrated(), plan.entries.size(), plan.entries.size() - plan.migrated());
  return errors ? kExitInput : kExitOk;
}

int AwsAuthCommand::resolve() const {
  if (resolve_format_ != "text" && resolve_format_ != "json") {
    std::cerr << "eksguard aws-auth resolve: unknown format `" << resolve_format_
              << "` (text, json)\n";
    return kExitInput;
  }
  const IdentityInputs inputs = identity::collect_identity_inputs(resolve_paths_);
  const bool errors = print_errors("resolve", inputs);
  const identity::Resolver resolver(inputs);
  const identity::Resolution result = resolver.resolve(principal_);
  if (resolve_format_ == "json") {
    write_json(result, resolver, inputs);
  } else {
    write_text(result, resolver, inputs);
  }
  return errors ? kExitInput : kExitOk;
}

}  // namespace eksguard::cli
