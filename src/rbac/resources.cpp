// The built-in resource table and kubectl-style resource name resolution.
#include "rbac/resources.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"

namespace eksguard::rbac {
namespace {

struct BuiltIn {
  std::string_view group;
  std::string_view resource;
  std::string_view singular;
  std::string_view short_names;  // comma-separated
  bool namespaced;
};

// The resources the API server of Kubernetes 1.31 serves by default (`kubectl api-resources`
// without aggregated APIs), core group first as kubectl prefers it.
constexpr BuiltIn kBuiltIns[] = {
    {"", "bindings", "binding", "", true},
    {"", "componentstatuses", "componentstatus", "cs", false},
    {"", "configmaps", "configmap", "cm", true},
    {"", "endpoints", "endpoints", "ep", true},
    {"", "events", "event", "ev", true},
    {"", "limitranges", "limitrange", "limits", true},
    {"", "namespaces", "namespace", "ns", false},
    {"", "nodes", "node", "no", false},
    {"", "persistentvolumeclaims", "persistentvolumeclaim", "pvc", true},
    {"", "persistentvolumes", "persistentvolume", "pv", false},
    {"", "pods", "pod", "po", true},
    {"", "podtemplates", "podtemplate", "", true},
    {"", "replicationcontrollers", "replicationcontroller", "rc", true},
    {"", "resourcequotas", "resourcequota", "quota", true},
    {"", "secrets", "secret", "", true},
    {"", "serviceaccounts", "serviceaccount", "sa", true},
    {"", "services", "service", "svc", true},
    {"admissionregistration.k8s.io", "mutatingwebhookconfigurations",
     "mutatingwebhookconfiguration", "", false},
    {"admissionregistration.k8s.io", "validatingadmissionpolicies", "validatingadmissionpolicy", "",
     false},
    {"admissionregistration.k8s.io", "validatingadmissionpolicybindings",
     "validatingadmissionpolicybinding", "", false},
    {"admissionregistration.k8s.io", "validatingwebhookconfigurations",
     "validatingwebhookconfiguration", "", false},
    {"apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition", "crd,crds",
     false},
    {"apiregistration.k8s.io", "apiservices", "apiservice", "", false},
    {"apps", "controllerrevisions", "controllerrevision", "", true},
    {"apps", "daemonsets", "daemonset", "ds", true},
    {"apps", "deployments", "deployment", "deploy", true},
    {"apps", "replicasets", "replicaset", "rs", true},
    {"apps", "statefulsets", "statefulset", "sts", true},
    {"authentication.k8s.io", "selfsubjectreviews", "selfsubjectreview", "", false},
    {"authentication.k8s.io", "tokenreviews", "tokenreview", "", false},
    {"authorization.k8s.io", "localsubjectaccessreviews", "localsubjectaccessreview", "", true},
    {"authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectaccessreview", "", false},
    {"authorization.k8s.io", "selfsubjectrulesreviews", "selfsubjectrulesreview", "", false},
    {"authorization.k8s.io", "subjectaccessreviews", "subjectaccessreview", "", false},
    {"autoscaling", "horizontalpodautoscalers", "horizontalpodautoscaler", "hpa", true},
    {"batch", "cronjobs", "cronjob", "cj", true},
    {"batch", "jobs", "job", "", true},
    {"certificates.k8s.io", "certificatesigningrequests", "certificatesigningrequest", "csr",
     false},
    {"coordination.k8s.io", "leases", "lease", "", true},
    {"discovery.k8s.io", "endpointslices", "endpointslice", "", true},
    {"events.k8s.io", "events", "event", "ev", true},
    {"flowcontrol.apiserver.k8s.io", "flowschemas", "flowschema", "", false},
    {"flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", "prioritylevelconfiguration",
     "", false},
    {"networking.k8s.io", "ingressclasses", "ingressclass", "", false},
    {"networking.k8s.io", "ingresses", "ingress", "ing", true},
    {"networking.k8s.io", "networkpolicies", "networkpolicy", "netpol", true},
    {"node.k8s.io", "runtimeclasses", "runtimeclass", "", false},
    {"policy", "poddisruptionbudgets", "poddisruptionbudget", "pdb", true},
    {"rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding", "", false},
    {"rbac.authorization.k8s.io", "clusterroles", "clusterrole", "", false},
    {"rbac.authorization.k8s.io", "rolebindings", "rolebinding", "", true},
    {"rbac.authorization.k8s.io", "roles", "role", "", true},
    {"scheduling.k8s.io", "priorityclasses", "priorityclass", "pc", false},
    {"storage.k8s.io", "csidrivers", "csidriver", "", false},
    {"storage.k8s.io", "csinodes", "csinode", "", false},
    {"storage.k8s.io", "csistoragecapacities", "csistoragecapacity", "", true},
    {"storage.k8s.io", "storageclasses", "storageclass", "sc", false},
    {"storage.k8s.io", "volumeattachments", "volumeattachment", "", false},
};

bool names(const ApiResource& resource, std::string_view name) {
  if (resource.resource == name || resource.singular == name) return true;
  return std::find(resource.short_names.begin(), resource.short_names.end(), name) !=
         resource.short_names.end();
}

}  // namespace

std::string ApiResource::qualified_name() const {
  return group.empty() ? resource : resource + "." + group;
}

ResourceCatalog::ResourceCatalog() {
  for (const BuiltIn& entry : kBuiltIns) {
    ApiResource resource;
    resource.group = std::string(entry.group);
    resource.resource = std::string(entry.resource);
    resource.singular = std::string(entry.singular);
    for (std::string_view short_name : split_list(entry.short_names))
      resource.short_names.emplace_back(short_name);
    resource.namespaced = entry.namespaced;
    add(std::move(resource));
  }
}

void ResourceCatalog::add(ApiResource resource) {
  if (known_.insert(resource.group + "/" + resource.resource).second)
    resources_.push_back(std::move(resource));
}

void ResourceCatalog::add_inputs(const Inputs& inputs) {
  for (const CustomResource& crd : inputs.custom_resources) {
    add(ApiResource{crd.group, crd.plural, crd.singular, crd.short_names, crd.namespaced, "CRD"});
  }
  for (const Role& role : inputs.roles) {
    for (const PolicyRule& rule : role.rules) {
      for (const std::string& group : rule.api_groups) {
        if (group == "*") continue;
        for (const std::string& name : rule.resources) {
          if (name == "*" || name.find('/') != std::string::npos) continue;
          add(ApiResource{group, name, {}, {}, true, "rules"});
        }
      }
    }
  }
}

Result<ApiResource> ResourceCatalog::resolve(std::string_view name) const {
  if (name.empty()) return fail("empty resource name");
  if (name == "*") return ApiResource{"*", "*", {}, {}, true, "query"};
  // kubectl's RESOURCE.GROUP form: the longest known group suffix wins ("foos.example.com").
  for (const ApiResource& resource : resources_) {
    if (resource.group.empty() || resource.group.size() + 1 >= name.size()) continue;
    if (name.ends_with(resource.group) && name[name.size() - resource.group.size() - 1] == '.' &&
        names(resource, name.substr(0, name.size() - resource.group.size() - 1))) {
      return resource;
    }
  }
  for (const ApiResource& resource : resources_) {
    if (names(resource, name)) return resource;
  }
  // Unknown: `plural.group` is taken as written, as kubectl-who-can cannot do offline either.
  const size_t dot = name.find('.');
  if (dot != std::string_view::npos && dot > 0 && dot + 1 < name.size()) {
    return ApiResource{
        std::string(name.substr(dot + 1)), std::string(name.substr(0, dot)), {}, {}, true, "query"};
  }
  return fail(fmt::format(
      "unknown resource `{}`: not a built-in Kubernetes resource, a CRD in the inputs or a "
      "resource named by their rules; name it as RESOURCE.GROUP (e.g. `widgets.example.com`, "
      "or `pods` for the core group)",
      name));
}

}  // namespace eksguard::rbac
