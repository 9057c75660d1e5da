// AWS- and EKS-managed components that legitimately need privileges: the VPC CNI sets up pod
// networking, the CSI node plugins mount volumes, agents read node logs. AWS's guidance is to
// "limit, not eliminate" privileged pods; the scanner reports findings on these workloads at
// info severity with a note instead of hiding or inflating them.
#pragma once

#include <optional>
#include <string_view>

#include "k8s/object.h"
#include "k8s/workload.h"

namespace eksguard::hardening {

// The component a workload is, or nullopt. A workload is recognised only when all hold:
//  1. its name is a component's (aws-node, kube-proxy, coredns, ebs-csi-node, ...). A Pod or
//     ReplicaSet may carry its controller's generated suffix: "aws-node-7xk2p",
//     "coredns-5d8f7b9c6d" and "coredns-5d8f7b9c6d-x2x9v" are coredns;
//  2. it is in that component's namespace (kube-system, amazon-cloudwatch, amazon-guardduty),
//     or the manifest names no namespace;
//  3. every container image (init, regular and ephemeral) comes from a registry only AWS
//     publishes to (see is_aws_registry_image). One foreign image is enough to refuse: a
//     look-alike "aws-node" DaemonSet running an attacker's image keeps its full findings.
// Images mirrored into a private registry are therefore not recognised; their findings keep
// the catalog severity, which errs on the side of reporting.
std::optional<std::string_view> match_system_component(const k8s::Object& object,
                                                       const k8s::PodTemplate& pod);

inline bool is_known_system_component(const k8s::Object& object, const k8s::PodTemplate& pod) {
  return match_system_component(object, pod).has_value();
}

// The image comes from a registry only AWS can publish to:
//  - private Amazon ECR registries of AWS-owned accounts: the EKS add-on registries of every
//    region (602401143452 and the opt-in / partition accounts, AWS docs "View Amazon container
//    image registries for Amazon EKS add-ons") and the CloudWatch agent / Fluent Bit
//    registries of the China and GovCloud partitions;
//  - Amazon ECR Public repositories of AWS-owned aliases: public.ecr.aws/eks,
//    eks-distro, csi-components, ebs-csi-driver, efs-csi-driver, fsx-csi-driver,
//    mountpoint-s3-csi-driver, aws-observability, cloudwatch-agent, neuron, aws-ec2.
// Another account's ECR repository named "eks/..." does not count: the account owns the host.
bool is_aws_registry_image(std::string_view image);

}  // namespace eksguard::hardening
