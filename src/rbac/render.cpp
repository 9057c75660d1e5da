// Tables and JSON for the rbac commands.
#include "rbac/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <ostream>

#include "common/utf8.h"
#include "report/json_writer.h"

namespace eksguard::rbac {
namespace {

using report::JsonWriter;

// Columns padded to their widest cell and separated by three spaces, as Go's tabwriter lays out
// the peer tools' tables; the last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  void write(std::ostream& out) const {
    std::vector<size_t> widths;
    for (const auto& row : rows_) {
      widths.resize(std::max(widths.size(), row.size()), 0);
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], utf8_length(row[i]));
    }
    std::string line;
    for (const auto& row : rows_) {
      line.clear();
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line.append(widths[i] - utf8_length(row[i]) + 3, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string join(const std::vector<std::string>& items, std::string_view separator = " ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i].empty() ? "\"\"" : items[i];
  }
  return out;
}

void write_strings(JsonWriter& json, const std::vector<std::string>& items) {
  json.begin_array();
  for (const std::string& item : items) json.value(item);
  json.end_array();
}

void write_input_errors(JsonWriter& json, std::string_view key,
                        const std::vector<InputError>* errors) {
  json.key(key).begin_array();
  if (errors != nullptr) {
    for (const InputError& error : *errors) {
      json.begin_object().member("file", error.file).member("line", error.line);
      json.member("column", error.column).member("message", error.message).end_object();
    }
  }
  json.end_array();
}

void write_diagnostics(JsonWriter& json, const Diagnostics& diagnostics,
                       const std::vector<std::string>& notes) {
  json.key("notes");
  write_strings(json, notes);
  write_input_errors(json, "warnings", diagnostics.warnings);
  write_input_errors(json, "errors", diagnostics.errors);
}

void write_via(JsonWriter& json, const Policy& policy, const Via& via) {
  json.begin_object().member("source", to_string(via.source));
  if (via.source == GrantSource::kRbacBinding) {
    const Binding& binding = policy.bindings()[via.binding];
    json.member("binding_kind", to_string(binding.kind)).member("binding", binding.name);
    json.member("role_kind", to_string(binding.role_kind)).member("role", binding.role_name);
    json.member("namespace", binding.namespace_);
    if (via.role == kNone) json.member("role_missing", true);
  } else {
    // Not a binding: the API server's privileged-group authorizer.
    json.member("binding_kind", "").member("binding", "").member("role_kind", "");
    json.member("role", "").member("namespace", "");
  }
  json.end_object();
}

void write_subjects(JsonWriter& json, const Policy& policy,
                    const std::vector<SubjectGrants>& subjects) {
  json.key("subjects").begin_array();
  for (const SubjectGrants& subject : subjects) {
    json.begin_object().member("kind", to_string(subject.kind)).member("name", subject.name);
    json.member("namespace", subject.namespace_).key("via").begin_array();
    for (const Via& via : subject.via) write_via(json, policy, via);
    json.end_array().key("iam");
    write_strings(json, subject.iam);
    json.end_object();
  }
  json.end_array();
}

void write_request(JsonWriter& json, const RequestAttributes& request) {
  json.key("request").begin_object().member("verb", request.verb);
  if (request.resource_request) {
    json.member("api_group", request.api_group).member("resource", request.resource);
    json.member("subresource", request.subresource).member("name", request.name);
    json.member("namespace", request.namespace_);
  } else {
    json.member("path", request.path);
  }
  json.end_object();
}

void write_user(JsonWriter& json, const UserInfo& user) {
  json.key("user").begin_object().member("name", user.name).key("groups");
  write_strings(json, user.groups);
  json.end_object();
}

std::string role_cell(const Binding& binding) {
  return fmt::format("{}/{}", to_string(binding.role_kind), binding.role_name);
}

std::string subject_type(SubjectKind kind) {
  return std::string(to_string(kind));
}

}  // namespace

std::string describe_request(const RequestAttributes& request) {
  if (!request.resource_request) return request.verb + " " + request.path;
  std::string out = request.verb + " " + request.resource;
  if (!request.api_group.empty() && request.api_group != "*") out += "." + request.api_group;
  if (!request.subresource.empty()) out += "/" + request.subresource;
  if (!request.name.empty()) out += " " + request.name;
  return out;
}

std::string describe_rule(const PolicyRule& rule) {
  std::string out = "verbs=[" + join(rule.verbs) + "]";
  if (!rule.non_resource_urls.empty())
    return out + " nonResourceURLs=[" + join(rule.non_resource_urls) + "]";
  out += " apiGroups=[" + join(rule.api_groups) + "] resources=[" + join(rule.resources) + "]";
  if (!rule.resource_names.empty()) out += " resourceNames=[" + join(rule.resource_names) + "]";
  return out;
}

namespace {
// The IAM principals behind users and groups (aws-auth, access entries), after a table.
void write_iam_notes(std::ostream& out, const std::vector<SubjectGrants>& subjects) {
  bool first = true;
  for (const SubjectGrants& subject : subjects) {
    if (subject.iam.empty()) continue;
    if (first) out << "\nIAM principals (aws-auth, access entries):\n";
    first = false;
    out << "  " << to_string(subject.kind) << ' ' << subject.name << ": ";
    for (size_t i = 0; i < subject.iam.size(); ++i) out << (i ? ", " : "") << subject.iam[i];
    out << '\n';
  }
}
}  // namespace

void write_who_can_text(std::ostream& out, const Policy& policy, const WhoCanQuery& query,
                        const WhoCanAnswer& answer, bool wide) {
  const std::string action = describe_request(query.request.attributes);
  const std::vector<Binding>& bindings = policy.bindings();
  if (answer.role_bindings_consulted) {
    if (answer.role_bindings.empty()) {
      out << "No subjects found with permissions to " << action
          << " assigned through RoleBindings\n";
    } else {
      Table table(wide ? std::vector<std::string>{"ROLEBINDING", "ROLE", "NAMESPACE", "SUBJECT",
                                                  "TYPE", "SA-NAMESPACE"}
                       : std::vector<std::string>{"ROLEBINDING", "NAMESPACE", "SUBJECT", "TYPE",
                                                  "SA-NAMESPACE"});
      for (const BindingRow& row : answer.role_bindings) {
        const Binding& binding = bindings[row.binding];
        const Subject& subject = binding.subjects[row.subject];
        std::vector<std::string> cells{binding.name};
        if (wide) cells.push_back(role_cell(binding));
        cells.insert(cells.end(), {binding.namespace_, subject.name, subject_type(subject.kind),
                                   std::string(Policy::subject_namespace(binding, subject))});
        table.add(std::move(cells));
      }
      table.write(out);
    }
    out << '\n';
  }
  if (answer.cluster_bindings.empty()) {
    out << "No subjects found with permissions to " << action
        << " assigned through ClusterRoleBindings\n";
  } else {
    Table table(
        wide ? std::vector<std::string>{"CLUSTERROLEBINDING", "ROLE", "SUBJECT", "TYPE",
                                        "SA-NAMESPACE"}
             : std::vector<std::string>{"CLUSTERROLEBINDING", "SUBJECT", "TYPE", "SA-NAMESPACE"});
    for (const BindingRow& row : answer.cluster_bindings) {
      const Binding& binding = bindings[row.binding];
      const Subject& subject = binding.subjects[row.subject];
      std::vector<std::string> cells{binding.name};
      if (wide) cells.push_back(role_cell(binding));
      cells.insert(cells.end(), {subject.name, subject_type(subject.kind), subject.namespace_});
      table.add(std::move(cells));
    }
    table.write(out);
  }
  if (query.privileged_groups) {
    out << "\nGroup system:masters may " << action
        << " regardless of RBAC: the API server allows that group everything before RBAC is "
           "asked.\n";
  }
  for (const std::string& note : answer.notes) out << "Note: " << note << ".\n";
  write_iam_notes(out, answer.subjects);
}

void write_who_can_json(std::ostream& out, const Policy& policy, const WhoCanQuery& query,
                        const WhoCanAnswer& answer, const Diagnostics& diagnostics) {
  JsonWriter json(out, {.indent = 2});
  json.begin_object();
  write_request(json, query.request.attributes);
  json.member("all_namespaces", query.all_namespaces);
  json.member("role_bindings_consulted", answer.role_bindings_consulted);
  write_subjects(json, policy, answer.subjects);
  write_diagnostics(json, diagnostics, answer.notes);
  json.end_object().end_line();
}

void write_lookup_text(std::ostream& out, const Policy& policy, const LookupAnswer& answer,
                       bool wide) {
  if (answer.subjects.empty()) {
    out << "No RBAC bindings found for the given subject\n";
  } else {
    Table table(wide ? std::vector<std::string>{"SUBJECT", "SCOPE", "ROLE", "SOURCE"}
                     : std::vector<std::string>{"SUBJECT", "SCOPE", "ROLE"});
    for (const SubjectGrants& subject : answer.subjects) {
      std::string name = subject.kind == SubjectKind::kServiceAccount
                             ? subject.namespace_ + ":" + subject.name
                             : subject.name;
      if (wide) name = fmt::format("{}/{}", to_string(subject.kind), name);
      for (const Via& via : subject.via) {
        const Binding& binding = policy.bindings()[via.binding];
        std::string role = role_cell(binding);
        if (via.role == kNone) role += " (missing)";
        std::vector<std::string> cells{
            name,
            binding.kind == BindingKind::kClusterRoleBinding ? "cluster-wide" : binding.namespace_,
            std::move(role)};
        if (wide) cells.push_back(fmt::format("{}/{}", to_string(binding.kind), binding.name));
        table.add(std::move(cells));
      }
    }
    table.write(out);
  }
  for (const std::string& note : answer.notes) out << "Note: " << note << ".\n";
  write_iam_notes(out, answer.subjects);
}

void write_lookup_json(std::ostream& out, const Policy& policy, const LookupAnswer& answer,
                       const Diagnostics& diagnostics) {
  JsonWriter json(out, {.indent = 2});
  json.begin_object();
  write_subjects(json, policy, answer.subjects);
  write_diagnostics(json, diagnostics, answer.notes);
  json.end_object().end_line();
}

namespace {

std::string describe_user(const UserInfo& user) {
  std::string out = fmt::format("\"{}\"", user.name);
  if (!user.groups.empty()) out += " (groups: " + join(user.groups, ", ") + ")";
  return out;
}

}  // namespace

void write_can_i_text(std::ostream& out, const Policy& policy, const UserInfo& user,
                      const RequestAttributes& request, const Decision& decision) {
  out << (decision.allowed ? "yes" : "no") << '\n';
  const std::string where = request.namespace_.empty()
                                ? std::string(request.resource_request ? " cluster-wide" : "")
                                : " in namespace " + request.namespace_;
  for (const std::string& note : decision.notes) out << "note: " << note << '\n';
  if (decision.allowed) {
    out << decision.reason << '\n';
    if (decision.grant.source == GrantSource::kRbacBinding) {
      out << "rule: " << describe_rule(policy.rules_of(decision.grant.role)[decision.grant.rule])
          << '\n';
    }
    return;
  }
  out << "no RBAC rule in the inputs allows " << describe_user(user) << " to "
      << describe_request(request) << where << '\n';
  for (const std::string& error : decision.errors) out << "note: " << error << '\n';
}

void write_can_i_json(std::ostream& out, const Policy& policy, const UserInfo& user,
                      const RequestAttributes& request, const Decision& decision,
                      const Diagnostics& diagnostics) {
  JsonWriter json(out, {.indent = 2});
  json.begin_object().member("allowed", decision.allowed).member("reason", decision.reason);
  json.key("via");
  if (decision.allowed) {
    write_via(json, policy,
              Via{decision.grant.source, decision.grant.binding, decision.grant.role});
  } else {
    json.null();
  }
  if (decision.allowed && decision.grant.source == GrantSource::kRbacBinding) {
    json.member("rule", describe_rule(policy.rules_of(decision.grant.role)[decision.grant.rule]));
  }
  write_user(json, user);
  write_request(json, request);
  json.key("role_errors");
  write_strings(json, decision.errors);
  write_diagnostics(json, diagnostics, decision.notes);
  json.end_object().end_line();
}

void write_matrix_text(std::ostream& out, const MatrixQuery& query,
                       const std::vector<MatrixRow>& rows, bool ascii) {
  std::vector<std::string> header{"NAME"};
  for (const std::string& verb : query.verbs) {
    std::string upper = verb;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    header.push_back(std::move(upper));
  }
  Table table(std::move(header));
  std::map<std::string_view, size_t> origins;
  for (const MatrixRow& row : rows) {
    std::vector<std::string> cells{row.resource.qualified_name()};
    for (const bool allowed : row.allowed)
      cells.emplace_back(ascii ? (allowed ? "yes" : "no") : (allowed ? "✔" : "✖"));
    table.add(std::move(cells));
    ++origins[row.resource.origin];
  }
  table.write(out);
  std::string sources;
  for (const auto& [origin, count] : origins) {
    if (!sources.empty()) sources += ", ";
    sources += fmt::format("{} {}", count,
                           origin == "built-in" ? "built-in (Kubernetes 1.31 API)"
                           : origin == "CRD"    ? "from CRDs in the inputs"
                                                : "named by rules in the inputs");
  }
  out << "\nResources: " << sources << (query.namespace_.empty() ? "; cluster-wide" : "")
      << (query.namespace_.empty() ? "" : "; namespaced ones in namespace " + query.namespace_)
      << ".\n";
}

void write_matrix_json(std::ostream& out, const MatrixQuery& query,
                       const std::vector<MatrixRow>& rows, const Diagnostics& diagnostics) {
  JsonWriter json(out, {.indent = 2});
  json.begin_object();
  write_user(json, query.user);
  json.member("namespace", query.namespace_).key("verbs");
  write_strings(json, query.verbs);
  json.key("resources").begin_array();
  for (const MatrixRow& row : rows) {
    json.begin_object().member("name", row.resource.qualified_name());
    json.member("group", row.resource.group).member("resource", row.resource.resource);
    json.member("namespaced", row.resource.namespaced).member("origin", row.resource.origin);
    json.key("allowed").begin_object();
    for (size_t i = 0; i < row.allowed.size(); ++i) json.member(query.verbs[i], row.allowed[i]);
    json.end_object().end_object();
  }
  json.end_array();
  write_diagnostics(json, diagnostics, {});
  json.end_object().end_line();
}

}  // namespace eksguard::rbac
