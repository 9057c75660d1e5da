#include "checks/hardening/pod_hardening.h"

#include <fmt/format.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/hardening/env_secrets.h"
#include "checks/hardening/host_paths.h"
#include "k8s/image_ref.h"

// Which containers each check looks at:
//   check                                 init  regular  ephemeral
//   003 read-only root filesystem           x      x        -   (1)
//   006 writable hostPath mount             x      x        x
//   008/009 secrets in env                  x      x        x
//   010/011 digest, latest tag              x      x        -   (2)
//   012 allowed registries                  x      x        x
//   013/014 requests and limits             x      x        -   (3)
// (1) Ephemeral containers are debugging tools attached to a running pod by `kubectl debug`;
//     their filesystem dies with them and they are not part of the deployed workload.
// (2) The debug image is chosen at debug time, not pinned in the workload; where it comes from
//     still matters, hence 012.
// (3) The API forbids resources on ephemeral containers.

namespace eksguard::hardening {
namespace {

using k8s::Container;
using k8s::ContainerType;

struct Context {
  const k8s::Object& object;
  const k8s::PodTemplate& pod;
  const Options& options;
  FindingEmitter& emitter;
};

// `container "app"`, or `container [0]` when unnamed.
std::string describe(const Container& c) {
  if (c.name.empty()) return fmt::format("{} [{}]", c.type_name(), c.index);
  return fmt::format("{} \"{}\"", c.type_name(), c.name);
}

const doc::Node* mapping_at(const doc::Node* node, std::string_view key) {
  const doc::Node* value = node != nullptr ? node->get(key) : nullptr;
  return value != nullptr && value->is_mapping() ? value : nullptr;
}

std::span<const doc::Node* const> items_at(const doc::Node* node, std::string_view key) {
  const doc::Node* value = node->get(key);
  return value != nullptr ? value->items() : std::span<const doc::Node* const>{};
}

// A resource quantity (or any field) that is present and not blank.
bool has_value(const doc::Node* mapping, std::string_view key) {
  const doc::Node* value = mapping != nullptr ? mapping->get(key) : nullptr;
  if (value == nullptr || value->is_null()) return false;
  return !value->is_string() || !value->text().empty();
}

// ---- pod-level checks -----------------------------------------------------------------------

void check_token_automount(const Context& ctx) {
  const doc::Node* spec = ctx.pod.spec;
  const doc::Node* field = spec->get("automountServiceAccountToken");
  if (field != nullptr && field->is_false()) return;
  const bool explicit_true = field != nullptr && field->is_true();
  std::string message =
      explicit_true ? "pod sets automountServiceAccountToken: true, so every container gets a "
                      "Kubernetes API token"
                    : "pod does not set automountServiceAccountToken: false, so every container "
                      "gets a Kubernetes API token unless its service account sets "
                      "automountServiceAccountToken: false";
  Finding& finding =
      ctx.emitter.emit(CheckId::kEksSaTokenAutomount, explicit_true ? field : spec,
                       ctx.pod.field_path("automountServiceAccountToken"), std::move(message));
  if (!explicit_true) {
    // The pod inherits its service account's setting; the scanner drops this finding when that
    // ServiceAccount is among the inputs and disables automounting.
    std::string_view account = spec->string_at("serviceAccountName");
    if (account.empty()) account = spec->string_at("serviceAccount");
    if (account.empty()) account = "default";
    finding.set_depends_on(fmt::format("ServiceAccount/{}/{}", ctx.object.ref.namespace_, account));
  }
}

void check_default_service_account(const Context& ctx) {
  const doc::Node* spec = ctx.pod.spec;
  std::string_view field = "serviceAccountName";
  const doc::Node* node = spec->get(field);
  if (node == nullptr || !node->is_string() || node->text().empty()) {
    // The deprecated field still names the account when serviceAccountName is empty.
    if (const doc::Node* old = spec->get("serviceAccount"); old != nullptr && old->is_string()) {
      field = "serviceAccount";
      node = old;
    }
  }
  const std::string_view name = node != nullptr && node->is_string() ? node->text() : "";
  if (!name.empty() && name != "default") return;
  std::string message = name.empty() ? "pod does not set serviceAccountName, so it runs as the "
                                       "namespace's default service account"
                                     : fmt::format("pod sets {}: default", field);
  ctx.emitter.emit(CheckId::kEksDefaultServiceAccount, name.empty() ? spec : node,
                   ctx.pod.field_path(name.empty() ? "serviceAccountName" : field),
                   std::move(message));
}

void check_host_network(const Context& ctx) {
  const doc::Node* field = ctx.pod.spec->get("hostNetwork");
  if (field == nullptr || !field->is_true()) return;
  ctx.emitter.emit(CheckId::kEksHostNetworkImds, field, ctx.pod.field_path("hostNetwork"),
                   "pod uses hostNetwork: true, so it reaches the instance metadata service "
                   "(169.254.169.254) and the node role's credentials whatever the IMDSv2 hop "
                   "limit");
}

void check_default_namespace(const Context& ctx) {
  const doc::Node* ns =
      ctx.object.metadata != nullptr ? ctx.object.metadata->get("namespace") : nullptr;
  if (ns == nullptr || !ns->is_string() || ns->text() != "default") return;
  ctx.emitter.emit(CheckId::kEksDefaultNamespace, ns,
                   k8s::join_path(ctx.object.path_prefix, "metadata.namespace"),
                   fmt::format("{} \"{}\" is deployed to the default namespace",
                               ctx.object.ref.kind, ctx.object.ref.name));
}

// ---- hostPath volumes -----------------------------------------------------------------------

struct HostPathVolume {
  std::string_view name;
  std::string_view path;  // as written
};

std::string shown_path(std::string_view raw, const std::string& normalized) {
  if (raw == normalized) return normalized;
  return fmt::format("{} (written \"{}\")", normalized, raw);
}

std::string sensitive_message(std::string_view volume, const std::string& shown,
                              const SensitiveHostPath& hit) {
  switch (hit.relation) {
    case HostPathRelation::kEqual:
      return fmt::format("hostPath volume \"{}\" mounts {}: {}", volume, shown, hit.reason);
    case HostPathRelation::kInside:
      return fmt::format("hostPath volume \"{}\" mounts {}, inside {} ({})", volume, shown,
                         hit.path, hit.reason);
    case HostPathRelation::kContains:
    case HostPathRelation::kNone:
      break;
  }
  return fmt::format("hostPath volume \"{}\" mounts {}, which contains {} ({})", volume, shown,
                     hit.path, hit.reason);
}

void check_host_path(const Context& ctx, uint32_t index, std::string_view volume,
                     const doc::Node& path_node) {
  const std::string_view raw = path_node.text();
  const std::string normalized = normalize_host_path(raw);
  auto path = [&] { return ctx.pod.field_path(fmt::format("volumes[{}].hostPath.path", index)); };
  if (is_runtime_socket_path(normalized)) {
    const bool socket = normalized.ends_with(".sock") || normalized.front() != '/';
    ctx.emitter.emit(
        CheckId::kEksRuntimeSocketMount, &path_node, path(),
        fmt::format("hostPath volume \"{}\" mounts {}{}", volume, shown_path(raw, normalized),
                    socket ? ", the container runtime socket"
                           : ", a directory holding the container runtime socket"));
    return;
  }
  const SensitiveHostPath hit = find_sensitive_host_path(normalized);
  if (hit.relation == HostPathRelation::kNone) return;
  ctx.emitter.emit(CheckId::kEksSensitiveHostPath, &path_node, path(),
                   sensitive_message(volume, shown_path(raw, normalized), hit));
}

// Runs EKS-POD-004/005 on every hostPath volume and returns them for EKS-POD-006.
std::vector<HostPathVolume> check_volumes(const Context& ctx) {
  std::vector<HostPathVolume> host_paths;
  uint32_t index = 0;
  for (const doc::Node* volume : items_at(ctx.pod.spec, "volumes")) {
    const doc::Node* host_path = mapping_at(volume, "hostPath");
    const doc::Node* path = host_path != nullptr ? host_path->get("path") : nullptr;
    if (path != nullptr && path->is_string()) {
      const std::string_view name = volume->string_at("name");
      host_paths.push_back({name, path->text()});
      if (!path->text().empty()) check_host_path(ctx, index, name, *path);
    }
    ++index;
  }
  return host_paths;
}

// ---- container checks -----------------------------------------------------------------------

void check_read_only_root(const Context& ctx, const Container& c) {
  const doc::Node* security = mapping_at(c.node, "securityContext");
  const doc::Node* field = security != nullptr ? security->get("readOnlyRootFilesystem") : nullptr;
  if (field != nullptr && field->is_true()) return;
  const doc::Node* at = field != nullptr ? field : security != nullptr ? security : c.node;
  ctx.emitter.emit(
      CheckId::kEksWritableRootFilesystem, at, c.path + ".securityContext.readOnlyRootFilesystem",
      fmt::format("{} does not set securityContext.readOnlyRootFilesystem=true", describe(c)));
}

void check_writable_host_mounts(const Context& ctx, const Container& c,
                                const std::vector<HostPathVolume>& host_paths) {
  uint32_t index = 0;
  for (const doc::Node* mount : items_at(c.node, "volumeMounts")) {
    const uint32_t i = index++;
    const std::string_view name = mount->string_at("name");
    const doc::Node* read_only = mount->get("readOnly");
    if (read_only != nullptr && read_only->is_true()) continue;
    for (const HostPathVolume& volume : host_paths) {
      if (volume.name != name) continue;
      ctx.emitter.emit(
          CheckId::kEksWritableHostPath, read_only != nullptr ? read_only : mount,
          fmt::format("{}.volumeMounts[{}].readOnly", c.path, i),
          fmt::format("{} mounts hostPath volume \"{}\" ({}) at {} without readOnly: true",
                      describe(c), name, volume.path, mount->string_at("mountPath")));
      break;
    }
  }
}

void check_env_secret_refs(const Context& ctx, const Container& c) {
  uint32_t index = 0;
  for (const doc::Node* env : items_at(c.node, "env")) {
    const uint32_t i = index++;
    const doc::Node* ref = mapping_at(mapping_at(env, "valueFrom"), "secretKeyRef");
    if (ref == nullptr) continue;
    ctx.emitter.emit(CheckId::kEksSecretInEnvRef, ref,
                     fmt::format("{}.env[{}].valueFrom.secretKeyRef", c.path, i),
                     fmt::format("{} reads key \"{}\" of secret \"{}\" into environment "
                                 "variable {}",
                                 describe(c), ref->string_at("key"), ref->string_at("name"),
                                 env->string_at("name")));
  }
  index = 0;
  for (const doc::Node* from : items_at(c.node, "envFrom")) {
    const uint32_t i = index++;
    const doc::Node* ref = mapping_at(from, "secretRef");
    if (ref == nullptr) continue;
    ctx.emitter.emit(CheckId::kEksSecretInEnvRef, ref,
                     fmt::format("{}.envFrom[{}].secretRef", c.path, i),
                     fmt::format("{} loads every key of secret \"{}\" into its environment "
                                 "(envFrom)",
                                 describe(c), ref->string_at("name")));
  }
}

void check_env_literals(const Context& ctx, const Container& c) {
  uint32_t index = 0;
  for (const doc::Node* env : items_at(c.node, "env")) {
    const uint32_t i = index++;
    const doc::Node* value = env->get("value");
    if (value == nullptr || !(value->is_string() || value->is_number())) continue;
    const std::string_view text = value->text();
    const std::string_view name = env->string_at("name");
    std::string message;
    if (const std::optional<SecretShape> shape = find_secret_shape(text)) {
      message = fmt::format(
          "{} sets environment variable {} to what looks like {} ({}..., {} "
          "characters) in plain text",
          describe(c), name, shape->kind, shape->shown, text.size());
    } else if (is_credential_name(name) && !is_placeholder_value(text)) {
      message = fmt::format(
          "{} sets environment variable {} to a literal value ({} "
          "characters) in the manifest",
          describe(c), name, text.size());
    } else {
      continue;
    }
    ctx.emitter.emit(CheckId::kEksSecretLiteralInEnv, value,
                     fmt::format("{}.env[{}].value", c.path, i), std::move(message));
  }
}

std::string image_path(const Container& c) {
  return c.path + ".image";
}

void check_image_pinning(const Context& ctx, const Container& c, const doc::Node* image,
                         const k8s::ImageRef& ref) {
  if (!ref.digest.empty()) return;  // a digest pins the image whatever the tag says
  ctx.emitter.emit(
      CheckId::kEksImageNoDigest, image, image_path(c),
      fmt::format("{} image \"{}\" is not pinned by digest", describe(c), image->text()));
  if (ref.tag.empty()) {
    ctx.emitter.emit(CheckId::kEksImageLatestTag, image, image_path(c),
                     fmt::format("{} image \"{}\" has no tag, so it runs whatever latest "
                                 "points to when the node pulls it",
                                 describe(c), image->text()));
  } else if (ref.tag == "latest") {
    ctx.emitter.emit(
        CheckId::kEksImageLatestTag, image, image_path(c),
        fmt::format("{} image \"{}\" uses the mutable latest tag", describe(c), image->text()));
  }
}

void check_image_registry(const Context& ctx, const Container& c, const doc::Node* image,
                          const k8s::ImageRef& ref) {
  for (const std::string& pattern : ctx.options.allowed_registries) {
    if (k8s::registry_pattern_matches(pattern, ref)) return;
  }
  ctx.emitter.emit(CheckId::kEksImageRegistryNotAllowed, image, image_path(c),
                   fmt::format("{} image \"{}\" comes from {}, which is not an allowed "
                               "registry",
                               describe(c), image->text(), ref.canonical_name()));
}

void check_image(const Context& ctx, const Container& c) {
  const doc::Node* image = c.node->get("image");
  if (image == nullptr || !image->is_string()) return;
  // A reference the kubelet could not pull (a template placeholder, say) is not judged here.
  const std::optional<k8s::ImageRef> ref = k8s::parse_image_ref(image->text());
  if (!ref) return;
  if (c.type != ContainerType::kEphemeral) check_image_pinning(ctx, c, image, *ref);
  if (!ctx.options.allowed_registries.empty()) check_image_registry(ctx, c, image, *ref);
}

// One finding listing the missing keys of resources.<kind> (kind: requests or limits).
void report_missing(const Context& ctx, const Container& c, CheckId check, std::string_view kind,
                    bool cpu_missing, bool memory_missing) {
  if (!cpu_missing && !memory_missing) return;
  const doc::Node* resources = mapping_at(c.node, "resources");
  const doc::Node* block = mapping_at(resources, kind);
  const doc::Node* at = block != nullptr ? block : resources != nullptr ? resources : c.node;
  const std::string base = fmt::format("{}.resources.{}", c.path, kind);
  const std::string path = cpu_missing && memory_missing ? base
                           : cpu_missing                 ? base + ".cpu"
                                                         : base + ".memory";
  const std::string what =
      cpu_missing && memory_missing
          ? fmt::format("resources.{0}.cpu and resources.{0}.memory", kind)
          : fmt::format("resources.{}.{}", kind, cpu_missing ? "cpu" : "memory");
  ctx.emitter.emit(check, at, path, fmt::format("{} does not set {}", describe(c), what));
}

// Requests default to the limits when only limits are set, and pod-level resources
// (spec.resources) cover containers that set none.
void check_resources(const Context& ctx, const Container& c) {
  const doc::Node* resources = mapping_at(c.node, "resources");
  const doc::Node* requests = mapping_at(resources, "requests");
  const doc::Node* limits = mapping_at(resources, "limits");
  const doc::Node* pod_resources = mapping_at(ctx.pod.spec, "resources");
  const doc::Node* pod_requests = mapping_at(pod_resources, "requests");
  const doc::Node* pod_limits = mapping_at(pod_resources, "limits");
  auto limited = [&](std::string_view key) {
    return has_value(limits, key) || has_value(pod_limits, key);
  };
  auto requested = [&](std::string_view key) {
    return has_value(requests, key) || has_value(pod_requests, key) || limited(key);
  };
  report_missing(ctx, c, CheckId::kEksMissingRequests, "requests", !requested("cpu"),
                 !requested("memory"));
  report_missing(ctx, c, CheckId::kEksMissingLimits, "limits", !limited("cpu"), !limited("memory"));
}

bool is_windows_pod(const k8s::PodTemplate& pod) {
  const doc::Node* os = mapping_at(pod.spec, "os");
  return os != nullptr && os->string_at("name") == "windows";
}

void check_container(const Context& ctx, const Container& c,
                     const std::vector<HostPathVolume>& host_paths, bool windows) {
  const bool deployed = c.type != ContainerType::kEphemeral;
  // readOnlyRootFilesystem is not supported for Windows containers (the API rejects it).
  if (deployed && !windows) check_read_only_root(ctx, c);
  if (!host_paths.empty()) check_writable_host_mounts(ctx, c, host_paths);
  check_env_secret_refs(ctx, c);
  check_env_literals(ctx, c);
  check_image(ctx, c);
  if (deployed) check_resources(ctx, c);
}

}  // namespace

void check_pod_hardening(const k8s::Object& object, const k8s::PodTemplate& pod,
                         const Options& options, FindingEmitter& emitter) {
  if (pod.spec == nullptr || !pod.spec->is_mapping()) return;
  const Context ctx{object, pod, options, emitter};
  check_token_automount(ctx);
  check_default_service_account(ctx);
  check_host_network(ctx);
  check_default_namespace(ctx);
  const std::vector<HostPathVolume> host_paths = check_volumes(ctx);
  const bool windows = is_windows_pod(pod);
  for (const Container& container : pod.containers) {
    check_container(ctx, container, host_paths, windows);
  }
}

}  // namespace eksguard::hardening
