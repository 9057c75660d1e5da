#include "checks/hardening/system_components.h"

#include <array>

#include "common/strings.h"
#include "k8s/image_ref.h"

namespace eksguard::hardening {
namespace {

struct Component {
  std::string_view name;
  std::string_view namespace_;
};

constexpr std::string_view kKubeSystem = "kube-system";
constexpr std::string_view kCloudWatch = "amazon-cloudwatch";

constexpr auto kComponents = std::to_array<Component>({
    // Amazon VPC CNI (with the network policy agent), kube-proxy, CoreDNS.
    {"aws-node", kKubeSystem},
    {"kube-proxy", kKubeSystem},
    {"coredns", kKubeSystem},
    // EKS Pod Identity and node health.
    {"eks-pod-identity-agent", kKubeSystem},
    {"eks-node-monitoring-agent", kKubeSystem},
    // CSI drivers: EBS, EFS, FSx for Lustre, Mountpoint for Amazon S3, snapshots.
    // Windows variants first: "ebs-csi-node-windows-x2x9v" is not an ebs-csi-node pod.
    {"ebs-csi-node-windows", kKubeSystem},
    {"ebs-csi-node", kKubeSystem},
    {"ebs-csi-controller", kKubeSystem},
    {"efs-csi-node", kKubeSystem},
    {"efs-csi-controller", kKubeSystem},
    {"fsx-csi-node", kKubeSystem},
    {"fsx-csi-controller", kKubeSystem},
    {"s3-csi-node", kKubeSystem},
    {"s3-csi-controller", kKubeSystem},
    {"snapshot-controller", kKubeSystem},
    {"aws-load-balancer-controller", kKubeSystem},
    // Amazon CloudWatch Observability add-on.
    {"cloudwatch-agent-windows", kCloudWatch},
    {"cloudwatch-agent", kCloudWatch},
    {"fluent-bit-windows", kCloudWatch},
    {"fluent-bit", kCloudWatch},
    {"amazon-cloudwatch-observability-controller-manager", kCloudWatch},
    {"neuron-monitor", kCloudWatch},
    // GuardDuty EKS Runtime Monitoring.
    {"aws-guardduty-agent", "amazon-guardduty"},
});

// AWS-owned accounts whose private ECR registries publish EKS add-on and agent images.
constexpr auto kAwsAccounts = std::to_array<std::string_view>({
    "602401143452",  // EKS add-ons: most commercial regions
    "877085696533",  // af-south-1
    "800184023465",  // ap-east-1
    "533267051163",  // ap-east-2
    "296578399912",  // ap-southeast-3
    "900889452093",  // ap-south-2
    "491585149902",  // ap-southeast-4
    "151610086707",  // ap-southeast-5
    "333609536671",  // ap-southeast-6
    "121268973566",  // ap-southeast-7
    "918309763551",  // cn-north-1
    "961992271922",  // cn-northwest-1
    "590381155156",  // eu-south-1
    "455263428931",  // eu-south-2
    "900612956339",  // eu-central-2
    "066635153087",  // il-central-1
    "730335286997",  // mx-central-1
    "558608220178",  // me-south-1
    "759879836304",  // me-central-1
    "761377655185",  // ca-west-1
    "151742754352",  // us-gov-east-1
    "013241004608",  // us-gov-west-1
    "877088126301",  // eusc-de-east-1
    "128054284489",  // aws-for-fluent-bit, China regions
    "161423150738",  // aws-for-fluent-bit, GovCloud
    "934860584483",  // CloudWatch agent, China regions
    "743662458514",  // CloudWatch agent, GovCloud
});

// Amazon ECR Public aliases owned by AWS teams.
constexpr auto kAwsPublicAliases = std::to_array<std::string_view>({
    "eks",
    "eks-distro",
    "csi-components",
    "ebs-csi-driver",
    "efs-csi-driver",
    "fsx-csi-driver",
    "mountpoint-s3-csi-driver",
    "aws-observability",
    "cloudwatch-agent",
    "neuron",
    "aws-ec2",
});

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// A name generated from `base`: base-<suffix>[-<suffix>], suffixes of lower-case alphanumerics
// (ReplicaSet pod-template hashes, pod random suffixes).
bool is_generated_from(std::string_view name, std::string_view base) {
  if (name.size() <= base.size() + 1 || !name.starts_with(base) || name[base.size()] != '-') {
    return false;
  }
  std::string_view rest = name.substr(base.size() + 1);
  for (int part = 0; part < 2 && !rest.empty(); ++part) {
    const size_t dash = rest.find('-');
    const std::string_view suffix = rest.substr(0, dash);
    if (suffix.empty() || suffix.size() > 10) return false;
    for (char c : suffix) {
      if (!is_lower_alnum(c)) return false;
    }
    if (dash == std::string_view::npos) return true;
    rest.remove_prefix(dash + 1);
  }
  return false;
}

bool name_matches(const k8s::Object& object, std::string_view base) {
  const std::string_view name = object.ref.name;
  if (name == base) return true;
  const std::string_view kind = object.ref.kind;
  if (kind != "Pod" && kind != "ReplicaSet") return false;
  // generateName-only objects carry a trailing "*" (see k8s::make_object).
  if (name.size() == base.size() + 2 && name.starts_with(base) && name.ends_with("-*")) {
    return true;
  }
  return is_generated_from(name, base);
}

const Component* find_component(const k8s::Object& object) {
  const std::string_view ns = object.ref.namespace_;
  for (const Component& component : kComponents) {
    if (!ns.empty() && ns != component.namespace_) continue;
    if (name_matches(object, component.name)) return &component;
  }
  return nullptr;
}

bool is_aws_account(std::string_view account) {
  for (std::string_view known : kAwsAccounts) {
    if (account == known) return true;
  }
  return false;
}

bool is_aws_public_alias(std::string_view repository) {
  const std::string_view alias = repository.substr(0, repository.find('/'));
  if (alias.size() == repository.size()) return false;  // a repository below the alias
  for (std::string_view known : kAwsPublicAliases) {
    if (alias == known) return true;
  }
  return false;
}

}  // namespace

bool is_aws_registry_image(std::string_view image) {
  const std::optional<k8s::ImageRef> ref = k8s::parse_image_ref(image);
  if (!ref || ref->registry.empty()) return false;
  if (iequals(ref->registry, "public.ecr.aws")) return is_aws_public_alias(ref->repository);
  const std::optional<k8s::EcrRegistry> ecr = k8s::parse_ecr_registry(ref->registry);
  return ecr && is_aws_account(ecr->account);
}

std::optional<std::string_view> match_system_component(const k8s::Object& object,
                                                       const k8s::PodTemplate& pod) {
  const Component* component = find_component(object);
  if (component == nullptr) return std::nullopt;
  // Ephemeral containers count too: a debugger's foreign image in aws-node is no AWS component.
  bool any = false;
  for (const k8s::Container& container : pod.containers) {
    const doc::Node* image = container.node->get("image");
    if (image == nullptr || !image->is_string() || !is_aws_registry_image(image->text())) {
      return std::nullopt;
    }
    any = true;
  }
  if (!any) return std::nullopt;
  return component->name;
}

}  // namespace eksguard::hardening
