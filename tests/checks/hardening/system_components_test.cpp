#include "checks/hardening/system_components.h"

#include <gtest/gtest.h>

#include <optional>

#include "support/test_support.h"

namespace eksguard::testing {
namespace {

using hardening::is_aws_registry_image;
using hardening::is_known_system_component;
using hardening::match_system_component;

// The component `yaml` is recognised as, or nullopt.
std::optional<std::string> component_of(std::string_view yaml) {
  auto document = parse_one(yaml);
  if (document.root() == nullptr) return std::nullopt;
  const k8s::Object object = k8s::make_object(*document.root(), document.file());
  auto pod = k8s::extract_pod_template(object);
  if (!pod || !pod->has_value()) {
    ADD_FAILURE() << "no pod template";
    return std::nullopt;
  }
  EXPECT_EQ(is_known_system_component(object, **pod),
            match_system_component(object, **pod).has_value());
  const auto match = match_system_component(object, **pod);
  return match ? std::optional<std::string>(std::string(*match)) : std::nullopt;
}

constexpr std::string_view kAwsNode = R"(apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: aws-node
  namespace: kube-system
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
      - name: aws-vpc-cni-init
        image: 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni-init:v1.18.3-eksbuild.1
        securityContext: {privileged: true}
      containers:
      - name: aws-node
        image: 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1
      - name: aws-eks-nodeagent
        image: 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.2-eksbuild.1
)";

TEST(SystemComponentTest, RecognisesTheVpcCni) {
  EXPECT_EQ(component_of(kAwsNode), "aws-node");
}

TEST(SystemComponentTest, RecognisesComponentsFromOtherRegistriesAndNamespaces) {
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ebs-csi-node, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - {name: ebs-plugin, image: "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.35.0"}
      - {name: node-driver-registrar, image: "public.ecr.aws/eks-distro/kubernetes-csi/node-driver-registrar:v2.11.1-eks-1-31-4"}
      - {name: liveness-probe, image: "public.ecr.aws/csi-components/livenessprobe:v2.14.0-eksbuild.1"}
)"),
            "ebs-csi-node");
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluent-bit, namespace: amazon-cloudwatch}
spec:
  template:
    spec:
      containers:
      - {name: fluent-bit, image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0"}
)"),
            "fluent-bit");
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-guardduty-agent, namespace: amazon-guardduty}
spec:
  template:
    spec:
      containers:
      - {name: agent, image: "602401143452.dkr.ecr.eu-west-1.amazonaws.com/aws-guardduty-agent:v1.8.1"}
)"),
            "aws-guardduty-agent");
  // China partition registry, no namespace in the manifest.
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy}
spec:
  template:
    spec:
      containers:
      - {name: kube-proxy, image: "918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/eks/kube-proxy:v1.31.0-minimal-eksbuild.2"}
)"),
            "kube-proxy");
}

TEST(SystemComponentTest, RecognisesPodsAndReplicaSetsByTheirGeneratedNames) {
  EXPECT_EQ(component_of(R"(apiVersion: v1
kind: Pod
metadata: {name: aws-node-7xk2p, namespace: kube-system}
spec:
  containers:
  - {name: aws-node, image: "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.18.3"}
)"),
            "aws-node");
  EXPECT_EQ(component_of(R"(apiVersion: v1
kind: Pod
metadata: {name: coredns-5d8f7b9c6d-x2x9v, namespace: kube-system}
spec:
  containers:
  - {name: coredns, image: "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.1"}
)"),
            "coredns");
  EXPECT_EQ(component_of(R"(apiVersion: v1
kind: Pod
metadata: {name: ebs-csi-node-windows-k2x9v, namespace: kube-system}
spec:
  containers:
  - {name: ebs-plugin, image: "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.35.0"}
)"),
            "ebs-csi-node-windows");
  // A Deployment's name is its own: no generated suffix.
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns-custom, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - {name: coredns, image: "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.3"}
)"),
            std::nullopt);
}

TEST(SystemComponentTest, NameSpoofingWithAForeignImageIsRefused) {
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - {name: aws-node, image: "docker.io/attacker/miner:1.0"}
)"),
            std::nullopt);
  // One foreign container beside genuine ones is enough to refuse.
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - {name: aws-node, image: "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3"}
      - {name: extra, image: "ghcr.io/attacker/sidecar:1.0"}
)"),
            std::nullopt);
  // Another AWS account's ECR repository named like EKS's is not AWS's.
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - {name: kube-proxy, image: "111122223333.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.31.0"}
)"),
            std::nullopt);
}

TEST(SystemComponentTest, WrongNamespaceOrUnknownNameIsRefused) {
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: default}
spec:
  template:
    spec:
      containers:
      - {name: aws-node, image: "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3"}
)"),
            std::nullopt);
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluent-bit, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - {name: fluent-bit, image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0"}
)"),
            std::nullopt);
  EXPECT_EQ(component_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: my-agent, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - {name: agent, image: "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3"}
)"),
            std::nullopt);
  EXPECT_EQ(component_of(R"(apiVersion: v1
kind: Pod
metadata: {name: aws-node-termination-handler-7xk2p, namespace: kube-system}
spec:
  containers:
  - {name: nth, image: "public.ecr.aws/aws-ec2/aws-node-termination-handler:v1.22.0"}
)"),
            std::nullopt);
}

TEST(SystemComponentTest, AwsRegistries) {
  for (std::string_view image :
       {"602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3",
        "602401143452.dkr.ecr-fips.us-gov-west-1.amazonaws.com/eks/kube-proxy:v1",
        "013241004608.dkr.ecr.us-gov-west-1.amazonaws.com/eks/coredns:v1.11.3",
        "961992271922.dkr.ecr.cn-northwest-1.amazonaws.com.cn/eks/pause:3.9",
        "public.ecr.aws/eks/aws-load-balancer-controller:v2.8.2",
        "public.ecr.aws/eks-distro/kubernetes-csi/livenessprobe:v2.13.1-eks-1-31-4",
        "public.ecr.aws/efs-csi-driver/amazon/aws-efs-csi-driver:v2.0.7",
        "public.ecr.aws/mountpoint-s3-csi-driver/aws-mountpoint-s3-csi-driver:v1.9.0",
        "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300045.0b810",
        "PUBLIC.ECR.AWS/eks/coredns:v1"}) {
    EXPECT_TRUE(is_aws_registry_image(image)) << image;
  }
  for (std::string_view image :
       {"nginx:1.25", "docker.io/amazon/aws-cli:2.17.0", "public.ecr.aws/someone/eks:1",
        "public.ecr.aws/eks", "public.ecr.aws/eksx/tool:1",
        "111122223333.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1",
        "602401143452.dkr.ecr.us-west-2.amazonaws.com.evil.io/amazon-k8s-cni:v1",
        "evil.io/602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1",
        "{{ .Values.image }}", ""}) {
    EXPECT_FALSE(is_aws_registry_image(image)) << image;
  }
}

}  // namespace
}  // namespace eksguard::testing
