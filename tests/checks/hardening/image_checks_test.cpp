// EKS-POD-010 digest pinning, EKS-POD-011 latest / missing tag, EKS-POD-012 allowed registries.
#include "checks/hardening/hardening_test_util.h"

namespace eksguard::testing {
namespace {

constexpr std::string_view kImages = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: latest
        image: nginx:latest
      - name: registry-port
        image: localhost:5000/team/app
      - name: tagged
        image: ghcr.io/acme/web:1.4.2
      - name: pinned
        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      - name: latest-pinned
        image: nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      - name: templated
        image: "{{ .Values.image }}"
      ephemeralContainers:
      - name: debug
        image: busybox
)";

TEST(HardeningImageTest, ImagesWithoutDigest) {
  HardeningRun run(kImages);
  const auto found = run.of(CheckId::kEksImageNoDigest);
  ASSERT_EQ(found.size(), 4u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-010");
  EXPECT_EQ(found[0].path, "spec.template.spec.initContainers[0].image");
  EXPECT_EQ(found[0].position.line, line_of(kImages, "image: busybox"));
  EXPECT_EQ(found[0].message, "initContainer \"init\" image \"busybox\" is not pinned by digest");
  EXPECT_EQ(found[1].path, "spec.template.spec.containers[0].image");
  EXPECT_EQ(found[2].path, "spec.template.spec.containers[1].image");
  EXPECT_EQ(found[3].path, "spec.template.spec.containers[2].image");
  EXPECT_EQ(found[3].position.line, line_of(kImages, "ghcr.io/acme/web:1.4.2"));
}

TEST(HardeningImageTest, LatestOrMissingTag) {
  HardeningRun run(kImages);
  const auto found = run.of(CheckId::kEksImageLatestTag);
  ASSERT_EQ(found.size(), 3u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-011");
  EXPECT_EQ(found[0].path, "spec.template.spec.initContainers[0].image");
  EXPECT_EQ(found[0].message,
            "initContainer \"init\" image \"busybox\" has no tag, so it runs whatever latest "
            "points to when the node pulls it");
  EXPECT_EQ(found[1].path, "spec.template.spec.containers[0].image");
  EXPECT_EQ(found[1].position.line, line_of(kImages, "nginx:latest\n"));
  EXPECT_EQ(found[1].message,
            "container \"latest\" image \"nginx:latest\" uses the mutable latest tag");
  // localhost:5000 is a registry with a port, not a tag.
  EXPECT_EQ(found[2].path, "spec.template.spec.containers[1].image");
  EXPECT_NE(found[2].message.find("has no tag"), std::string::npos);
}

TEST(HardeningImageTest, RegistryCheckIsOffWithoutAllowList) {
  HardeningRun run(kImages);
  EXPECT_TRUE(run.of(CheckId::kEksImageRegistryNotAllowed).empty());
}

TEST(HardeningImageTest, ImagesOutsideAllowedRegistries) {
  hardening::Options options;
  options.allowed_registries = {"123456789012.dkr.ecr.us-east-1.amazonaws.com", "ghcr.io/acme/"};
  HardeningRun run(kImages, options);
  const auto found = run.of(CheckId::kEksImageRegistryNotAllowed);
  // busybox (init), nginx:latest, localhost:5000, nginx@digest, busybox (ephemeral).
  ASSERT_EQ(found.size(), 5u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-012");
  EXPECT_EQ(found[0].path, "spec.template.spec.initContainers[0].image");
  EXPECT_EQ(found[0].message,
            "initContainer \"init\" image \"busybox\" comes from docker.io/library/busybox, "
            "which is not an allowed registry");
  EXPECT_EQ(found[2].path, "spec.template.spec.containers[1].image");
  EXPECT_EQ(found[2].position.line, line_of(kImages, "localhost:5000/team/app"));
  EXPECT_EQ(found[3].path, "spec.template.spec.containers[4].image");
  EXPECT_EQ(found[4].path, "spec.template.spec.ephemeralContainers[0].image");
}

TEST(HardeningImageTest, WildcardAndDockerHubEntries) {
  hardening::Options options;
  options.allowed_registries = {"*.dkr.ecr.*.amazonaws.com", "docker.io/library", "localhost:5000",
                                "ghcr.io"};
  HardeningRun run(kImages, options);
  EXPECT_TRUE(run.of(CheckId::kEksImageRegistryNotAllowed).empty()) << ids(run.findings());
}

TEST(HardeningImageTest, LookAlikeRegistryHostIsNotAllowed) {
  constexpr std::string_view kYaml = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.io/app:1.0
)";
  hardening::Options options;
  options.allowed_registries = {"123456789012.dkr.ecr.us-east-1.amazonaws.com",
                                "*.dkr.ecr.*.amazonaws.com"};
  HardeningRun run(kYaml, options);
  const auto found = run.of(CheckId::kEksImageRegistryNotAllowed);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "spec.containers[0].image");
  EXPECT_EQ(found[0].position.line, line_of(kYaml, "image:"));
}

}  // namespace
}  // namespace eksguard::testing
