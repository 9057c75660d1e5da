#include "k8s/pod_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

namespace eksguard::k8s {
namespace {

// ---- the schema -----------------------------------------------------------------------------
// A declarative description of the core/v1 types, reduced to the fields eksguard reads and
// their ancestors. The JSON type of each follows the Go type the API server decodes it into.

enum class Shape : uint8_t {
  kBool,
  kString,
  kInt32,
  kInt64,
  kIntOrString,  // intstr.IntOrString: an int32 or a string
  kQuantity,     // resource.Quantity: a string or a number
  kObject,       // a struct: the listed fields are checked, any other field is not
  kList,         // a slice of `element`
  kMap,          // a map from string to `element`
};

struct Field;

struct Type {
  Shape shape;
  std::span<const Field> fields = {};  // kObject
  const Type* element = nullptr;       // kList, kMap
  bool bracket_keys = false;           // kMap: entries named ['key'] even when the key is plain
};

struct Field {
  std::string_view name;
  const Type* type;
};

constexpr Type object(std::span<const Field> fields) {
  return Type{Shape::kObject, fields};
}
constexpr Type list_of(const Type& element) {
  return Type{Shape::kList, {}, &element};
}
constexpr Type map_of(const Type& element, bool bracket_keys = false) {
  return Type{Shape::kMap, {}, &element, bracket_keys};
}

constexpr Type kBool{Shape::kBool};
constexpr Type kString{Shape::kString};
constexpr Type kInt32{Shape::kInt32};
constexpr Type kInt64{Shape::kInt64};
constexpr Type kIntOrString{Shape::kIntOrString};
constexpr Type kQuantity{Shape::kQuantity};
constexpr Type kStruct = object({});  // a struct none of whose fields eksguard reads
constexpr Type kStrings = list_of(kString);
constexpr Type kInt64s = list_of(kInt64);

// Pod template metadata: annotations are map[string]string, named as findings name them.
constexpr Type kAnnotations = map_of(kString, /*bracket_keys=*/true);
constexpr Field kMetadataFields[] = {{"annotations", &kAnnotations}};
constexpr Type kMetadata = object(kMetadataFields);

// SeccompProfile and AppArmorProfile.
constexpr Field kProfileFields[] = {{"type", &kString}, {"localhostProfile", &kString}};
constexpr Type kProfile = object(kProfileFields);
constexpr Field kSELinuxOptionsFields[] = {
    {"user", &kString}, {"role", &kString}, {"type", &kString}, {"level", &kString}};
constexpr Type kSELinuxOptions = object(kSELinuxOptionsFields);
constexpr Field kWindowsOptionsFields[] = {{"gmsaCredentialSpecName", &kString},
                                           {"gmsaCredentialSpec", &kString},
                                           {"runAsUserName", &kString},
                                           {"hostProcess", &kBool}};
constexpr Type kWindowsOptions = object(kWindowsOptionsFields);
constexpr Field kSysctlFields[] = {{"name", &kString}, {"value", &kString}};
constexpr Type kSysctl = object(kSysctlFields);
constexpr Type kSysctls = list_of(kSysctl);

constexpr Field kPodSecurityContextFields[] = {{"runAsNonRoot", &kBool},
                                               {"runAsUser", &kInt64},
                                               {"runAsGroup", &kInt64},
                                               {"fsGroup", &kInt64},
                                               {"supplementalGroups", &kInt64s},
                                               {"seccompProfile", &kProfile},
                                               {"seLinuxOptions", &kSELinuxOptions},
                                               {"appArmorProfile", &kProfile},
                                               {"windowsOptions", &kWindowsOptions},
                                               {"sysctls", &kSysctls}};
constexpr Type kPodSecurityContext = object(kPodSecurityContextFields);

constexpr Field kCapabilitiesFields[] = {{"add", &kStrings}, {"drop", &kStrings}};
constexpr Type kCapabilities = object(kCapabilitiesFields);
constexpr Field kSecurityContextFields[] = {{"privileged", &kBool},
                                            {"allowPrivilegeEscalation", &kBool},
                                            {"readOnlyRootFilesystem", &kBool},
                                            {"runAsNonRoot", &kBool},
                                            {"runAsUser", &kInt64},
                                            {"runAsGroup", &kInt64},
                                            {"procMount", &kString},
                                            {"capabilities", &kCapabilities},
                                            {"seccompProfile", &kProfile},
                                            {"seLinuxOptions", &kSELinuxOptions},
                                            {"appArmorProfile", &kProfile},
                                            {"windowsOptions", &kWindowsOptions}};
constexpr Type kSecurityContext = object(kSecurityContextFields);

// Every VolumeSource of core/v1; only hostPath's fields are read.
constexpr Field kHostPathFields[] = {{"path", &kString}, {"type", &kString}};
constexpr Type kHostPath = object(kHostPathFields);
constexpr Field kVolumeFields[] = {{"name", &kString},
                                   {"hostPath", &kHostPath},
                                   {"emptyDir", &kStruct},
                                   {"gcePersistentDisk", &kStruct},
                                   {"awsElasticBlockStore", &kStruct},
                                   {"gitRepo", &kStruct},
                                   {"secret", &kStruct},
                                   {"nfs", &kStruct},
                                   {"iscsi", &kStruct},
                                   {"glusterfs", &kStruct},
                                   {"persistentVolumeClaim", &kStruct},
                                   {"rbd", &kStruct},
                                   {"flexVolume", &kStruct},
                                   {"cinder", &kStruct},
                                   {"cephfs", &kStruct},
                                   {"flocker", &kStruct},
                                   {"downwardAPI", &kStruct},
                                   {"fc", &kStruct},
                                   {"azureFile", &kStruct},
                                   {"configMap", &kStruct},
                                   {"vsphereVolume", &kStruct},
                                   {"quobyte", &kStruct},
                                   {"azureDisk", &kStruct},
                                   {"photonPersistentDisk", &kStruct},
                                   {"projected", &kStruct},
                                   {"portworxVolume", &kStruct},
                                   {"scaleIO", &kStruct},
                                   {"storageos", &kStruct},
                                   {"csi", &kStruct},
                                   {"ephemeral", &kStruct},
                                   {"image", &kStruct}};
constexpr Type kVolume = object(kVolumeFields);
constexpr Type kVolumes = list_of(kVolume);

// ResourceRequirements (containers) and the pod-level resources share a type.
constexpr Type kResourceList = map_of(kQuantity);
constexpr Field kResourcesFields[] = {{"requests", &kResourceList}, {"limits", &kResourceList}};
constexpr Type kResources = object(kResourcesFields);

constexpr Field kPortFields[] = {{"containerPort", &kInt32},
                                 {"hostPort", &kInt32},
                                 {"protocol", &kString},
                                 {"hostIP", &kString},
                                 {"name", &kString}};
constexpr Type kPort = object(kPortFields);
constexpr Type kPorts = list_of(kPort);

// SecretKeySelector and ConfigMapKeySelector; SecretEnvSource and ConfigMapEnvSource.
constexpr Field kKeySelectorFields[] = {
    {"name", &kString}, {"key", &kString}, {"optional", &kBool}};
constexpr Type kKeySelector = object(kKeySelectorFields);
constexpr Field kEnvSourceFields[] = {{"name", &kString}, {"optional", &kBool}};
constexpr Type kEnvSource = object(kEnvSourceFields);
constexpr Field kEnvVarSourceFields[] = {{"secretKeyRef", &kKeySelector},
                                         {"configMapKeyRef", &kKeySelector},
                                         {"fieldRef", &kStruct},
                                         {"resourceFieldRef", &kStruct}};
constexpr Type kEnvVarSource = object(kEnvVarSourceFields);
constexpr Field kEnvVarFields[] = {
    {"name", &kString}, {"value", &kString}, {"valueFrom", &kEnvVarSource}};
constexpr Type kEnvVar = object(kEnvVarFields);
constexpr Type kEnv = list_of(kEnvVar);
constexpr Field kEnvFromFields[] = {
    {"prefix", &kString}, {"secretRef", &kEnvSource}, {"configMapRef", &kEnvSource}};
constexpr Type kEnvFromSource = object(kEnvFromFields);
constexpr Type kEnvFrom = list_of(kEnvFromSource);

constexpr Field kVolumeMountFields[] = {
    {"name", &kString}, {"mountPath", &kString}, {"readOnly", &kBool}};
constexpr Type kVolumeMount = object(kVolumeMountFields);
constexpr Type kVolumeMounts = list_of(kVolumeMount);

// Probe and LifecycleHandler: the actions whose host the PSS check reads, and the others.
constexpr Field kHttpGetFields[] = {
    {"host", &kString}, {"port", &kIntOrString}, {"path", &kString}, {"scheme", &kString}};
constexpr Type kHttpGet = object(kHttpGetFields);
constexpr Field kTcpSocketFields[] = {{"host", &kString}, {"port", &kIntOrString}};
constexpr Type kTcpSocket = object(kTcpSocketFields);
constexpr Field kProbeFields[] = {
    {"httpGet", &kHttpGet}, {"tcpSocket", &kTcpSocket}, {"exec", &kStruct}, {"grpc", &kStruct}};
constexpr Type kProbe = object(kProbeFields);
constexpr Field kLifecycleHandlerFields[] = {
    {"httpGet", &kHttpGet}, {"tcpSocket", &kTcpSocket}, {"exec", &kStruct}, {"sleep", &kStruct}};
constexpr Type kLifecycleHandler = object(kLifecycleHandlerFields);
constexpr Field kLifecycleFields[] = {{"postStart", &kLifecycleHandler},
                                      {"preStop", &kLifecycleHandler}};
constexpr Type kLifecycle = object(kLifecycleFields);

// Container and EphemeralContainer (the same fields, as far as eksguard reads them).
constexpr Field kContainerFields[] = {{"name", &kString},
                                      {"image", &kString},
                                      {"securityContext", &kSecurityContext},
                                      {"ports", &kPorts},
                                      {"env", &kEnv},
                                      {"envFrom", &kEnvFrom},
                                      {"volumeMounts", &kVolumeMounts},
                                      {"resources", &kResources},
                                      {"livenessProbe", &kProbe},
                                      {"readinessProbe", &kProbe},
                                      {"startupProbe", &kProbe},
                                      {"lifecycle", &kLifecycle}};
constexpr Type kContainer = object(kContainerFields);
constexpr Type kContainers = list_of(kContainer);

constexpr Field kPodOSFields[] = {{"name", &kString}};
constexpr Type kPodOS = object(kPodOSFields);

constexpr Field kPodSpecFields[] = {
    {"hostNetwork", &kBool},
    {"hostPID", &kBool},
    {"hostIPC", &kBool},
    {"hostUsers", &kBool},
    {"automountServiceAccountToken", &kBool},
    {"serviceAccountName", &kString},
    {"serviceAccount", &kString},
    {"os", &kPodOS},
    {"securityContext", &kPodSecurityContext},
    {"volumes", &kVolumes},
    {"resources", &kResources},
    {"initContainers", &kContainers},
    {"containers", &kContainers},
    {"ephemeralContainers", &kContainers},
};
constexpr Type kPodSpec = object(kPodSpecFields);

// Path segments below a node of `type`: what bounds the validator's path stack.
constexpr size_t depth(const Type& type) {
  switch (type.shape) {
    case Shape::kObject: {
      size_t deepest = 0;
      for (const Field& field : type.fields) deepest = std::max(deepest, 1 + depth(*field.type));
      return deepest;
    }
    case Shape::kList:
    case Shape::kMap:
      return 1 + depth(*type.element);
    default:
      return 0;
  }
}

constexpr size_t kMaxDepth = std::max(depth(kPodSpec), depth(kMetadata));
static_assert(kMaxDepth <= 8, "the schema is deeper than expected");

// ---- numbers --------------------------------------------------------------------------------

enum class Integer : uint8_t { kValid, kNotIntegral, kOutOfRange };

constexpr int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

// Integer spellings the YAML loader types as numbers but Node::as_int does not read: 0x1F,
// 0o17, 0b101 and digits with underscores (1_000), all integers to Kubernetes' YAML decoder;
// also decimal digits beyond int64. nullopt when `text` is no integer spelling.
std::optional<Integer> classify_integer_spelling(std::string_view text, int64_t min, int64_t max) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0') {
    if (text[1] == 'x') base = 16;
    if (text[1] == 'o') base = 8;
    if (text[1] == 'b') base = 2;
    if (base != 10) text.remove_prefix(2);
  }
  uint64_t magnitude = 0;
  bool overflow = false;
  bool digits = false;
  for (const char c : text) {
    if (c == '_') continue;
    const int digit = digit_value(c);
    if (digit >= base) return std::nullopt;
    digits = true;
    const auto d = static_cast<uint64_t>(digit);
    if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / static_cast<uint64_t>(base)) {
      overflow = true;
    } else {
      magnitude = magnitude * static_cast<uint64_t>(base) + d;
    }
  }
  if (!digits) return std::nullopt;
  const bool fits = !overflow && (negative ? magnitude <= static_cast<uint64_t>(-(min + 1)) + 1
                                           : magnitude <= static_cast<uint64_t>(max));
  return fits ? Integer::kValid : Integer::kOutOfRange;
}

// Whether a number node holds an integer in [min, max]. Integral floats (8080.0, 1e3) are
// integers, as Node::as_int (and the checks) read them.
Integer classify_integer(const doc::Node& node, int64_t min, int64_t max) {
  if (const std::optional<int64_t> value = node.as_int()) {
    return *value >= min && *value <= max ? Integer::kValid : Integer::kOutOfRange;
  }
  std::string_view text = node.text();
  if (const std::optional<Integer> spelled = classify_integer_spelling(text, min, max)) {
    return *spelled;
  }
  // A float: integral ones that as_int refused are beyond int64 (1e30).
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size()) return Integer::kNotIntegral;  // .inf, .nan
  if (ec == std::errc::result_out_of_range) {
    // Too large (1e400) or too small (1e-400) for a double.
    const size_t exponent = text.find_first_of("eE");
    const bool tiny = exponent != std::string_view::npos && exponent + 1 < text.size() &&
                      text[exponent + 1] == '-';
    return tiny ? Integer::kNotIntegral : Integer::kOutOfRange;
  }
  if (ec != std::errc() || !std::isfinite(value)) return Integer::kNotIntegral;
  return value == std::trunc(value) ? Integer::kOutOfRange : Integer::kNotIntegral;
}

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// ---- the walk -------------------------------------------------------------------------------

// A map key that reads unambiguously after a dot (cpu, ephemeral-storage); others, such as
// nvidia.com/gpu, are written ['key'].
bool is_plain_key(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

class Validator {
 public:
  Validator(std::string_view root, std::vector<ShapeError>& errors)
      : root_(root), errors_(errors) {}

  void check(const Type& type, const doc::Node& node) {
    if (node.is_null()) return;  // an explicit null decodes as an absent field
    switch (type.shape) {
      case Shape::kBool:
        if (!node.is_bool()) mismatch(node, "a boolean");
        return;
      case Shape::kString:
        if (!node.is_string()) mismatch(node, "a string");
        return;
      case Shape::kInt32:
        check_integer(node, kInt32Min, kInt32Max, "an integer", "a 32-bit integer");
        return;
      case Shape::kInt64:
        check_integer(node, kInt64Min, kInt64Max, "an integer", "a 64-bit integer");
        return;
      case Shape::kIntOrString:
        if (node.is_string()) return;
        check_integer(node, kInt32Min, kInt32Max, "an integer or a string",
                      "a 32-bit integer or a string");
        return;
      case Shape::kQuantity:
        if (!node.is_string() && !node.is_number()) {
          mismatch(node, "a quantity (a string or a number)");
        }
        return;
      case Shape::kObject:
        check_object(type, node);
        return;
      case Shape::kList:
        check_list(type, node);
        return;
      case Shape::kMap:
        check_map(type, node);
        return;
    }
  }

 private:
  enum class Step : uint8_t { kField, kIndex, kKey, kBracketKey };
  struct Segment {
    Step step;
    uint32_t index;
    std::string_view key;
  };

  void check_object(const Type& type, const doc::Node& node) {
    if (!node.is_mapping()) return mismatch(node, "a mapping");
    if (type.fields.empty()) return;
    for (const doc::MapEntry& entry : node.entries()) {
      for (const Field& field : type.fields) {
        if (field.name != entry.key) continue;
        descend({Step::kField, 0, field.name}, *field.type, *entry.value);
        break;
      }
    }
  }

  void check_list(const Type& type, const doc::Node& node) {
    if (!node.is_sequence()) return mismatch(node, "a list");
    uint32_t index = 0;
    for (const doc::Node* item : node.items())
      descend({Step::kIndex, index++, {}}, *type.element, *item);
  }

  void check_map(const Type& type, const doc::Node& node) {
    if (!node.is_mapping()) return mismatch(node, "a mapping");
    for (const doc::MapEntry& entry : node.entries()) {
      const bool bracket = type.bracket_keys || !is_plain_key(entry.key);
      descend({bracket ? Step::kBracketKey : Step::kKey, 0, entry.key}, *type.element,
              *entry.value);
    }
  }

  void descend(const Segment& segment, const Type& type, const doc::Node& node) {
    path_[depth_++] = segment;  // depth(kPodSpec) bounds depth_: the schema has no cycles
    check(type, node);
    --depth_;
  }

  void check_integer(const doc::Node& node, int64_t min, int64_t max, std::string_view expected,
                     std::string_view expected_sized) {
    if (!node.is_number()) return mismatch(node, expected);
    switch (classify_integer(node, min, max)) {
      case Integer::kValid:
        return;
      case Integer::kNotIntegral:
        return fail(node, fmt::format("must be {}, found a non-integral number ({})", expected,
                                      node.text()));
      case Integer::kOutOfRange:
        return fail(node, fmt::format("must be {}, found a number out of range ({})",
                                      expected_sized, node.text()));
    }
  }

  void mismatch(const doc::Node& node, std::string_view expected) {
    // A YAML scalar's spelling shows why it is not a string ("yes" and 1.0 are not).
    if (node.is_bool() || node.is_number()) {
      return fail(node, fmt::format("must be {}, found {} ({})", expected,
                                    doc::describe(node.kind()), node.text()));
    }
    fail(node, fmt::format("must be {}, found {}", expected, doc::describe(node.kind())));
  }

  void fail(const doc::Node& node, std::string_view problem) {
    std::string path = current_path();
    std::string message = fmt::format("{} {}", path, problem);
    errors_.push_back(ShapeError{&node, std::move(path), std::move(message)});
  }

  std::string current_path() const {
    std::string out(root_);
    auto inserter = std::back_inserter(out);
    for (size_t i = 0; i < depth_; ++i) {
      const Segment& segment = path_[i];
      switch (segment.step) {
        case Step::kField:
        case Step::kKey:
          if (!out.empty()) out.push_back('.');
          out.append(segment.key);
          break;
        case Step::kIndex:
          fmt::format_to(inserter, "[{}]", segment.index);
          break;
        case Step::kBracketKey:
          fmt::format_to(inserter, "['{}']", segment.key);
          break;
      }
    }
    return out;
  }

  std::string_view root_;
  std::vector<ShapeError>& errors_;
  std::array<Segment, kMaxDepth> path_{};
  size_t depth_ = 0;
};

}  // namespace

std::vector<ShapeError> validate_pod_template(const PodTemplate& pod) {
  std::vector<ShapeError> errors;
  if (pod.metadata != nullptr) Validator(pod.metadata_path, errors).check(kMetadata, *pod.metadata);
  if (pod.spec != nullptr) Validator(pod.spec_path, errors).check(kPodSpec, *pod.spec);
  if (errors.size() > 1) {
    // Metadata and spec each come out in document order; merge them.
    std::stable_sort(errors.begin(), errors.end(), [](const ShapeError& a, const ShapeError& b) {
      const doc::Position pa = a.node->position();
      const doc::Position pb = b.node->position();
      return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
  }
  return errors;
}

}  // namespace eksguard::k8s
