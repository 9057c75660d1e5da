#include "k8s/image_ref.h"

#include <gtest/gtest.h>

namespace eksguard::k8s {
namespace {

constexpr std::string_view kHex =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Parsed {
  std::string_view text;
  std::string_view registry;
  std::string_view repository;
  std::string_view tag;
  bool digest;
  std::string_view canonical;
};

TEST(ImageRefTest, SplitsRegistryRepositoryTagAndDigest) {
  const std::string pinned = "nginx:1.25@sha256:" + std::string(kHex);
  const std::string pinned_port = "localhost:5000/app@sha256:" + std::string(kHex);
  for (const Parsed& p : std::initializer_list<Parsed>{
           {"nginx", "", "nginx", "", false, "docker.io/library/nginx"},
           {"nginx:1.25", "", "nginx", "1.25", false, "docker.io/library/nginx"},
           {"library/nginx:latest", "", "library/nginx", "latest", false,
            "docker.io/library/nginx"},
           {"bitnami/redis:7.2", "", "bitnami/redis", "7.2", false, "docker.io/bitnami/redis"},
           {"docker.io/nginx", "docker.io", "nginx", "", false, "docker.io/library/nginx"},
           {"index.docker.io/library/nginx", "index.docker.io", "library/nginx", "", false,
            "docker.io/library/nginx"},
           {"localhost:5000/app", "localhost:5000", "app", "", false, "localhost:5000/app"},
           {"localhost/app:v1", "localhost", "app", "v1", false, "localhost/app"},
           {"localhost:5000", "", "localhost", "5000", false, "docker.io/library/localhost"},
           {"registry.example.com:443/team/sub/app:1.0-rc.1", "registry.example.com:443",
            "team/sub/app", "1.0-rc.1", false, "registry.example.com:443/team/sub/app"},
           {"[::1]:5000/app:1", "[::1]:5000", "app", "1", false, "[::1]:5000/app"},
           {"Registry/app", "Registry", "app", "", false, "Registry/app"},
           {"a__b/c--d.e_f:tag_1", "", "a__b/c--d.e_f", "tag_1", false, "docker.io/a__b/c--d.e_f"},
           {pinned, "", "nginx", "1.25", true, "docker.io/library/nginx"},
           {pinned_port, "localhost:5000", "app", "", true, "localhost:5000/app"},
       }) {
    const auto ref = parse_image_ref(p.text);
    ASSERT_TRUE(ref.has_value()) << p.text;
    EXPECT_EQ(ref->registry, p.registry) << p.text;
    EXPECT_EQ(ref->repository, p.repository) << p.text;
    EXPECT_EQ(ref->tag, p.tag) << p.text;
    EXPECT_EQ(!ref->digest.empty(), p.digest) << p.text;
    EXPECT_EQ(ref->canonical_name(), p.canonical) << p.text;
  }
}

TEST(ImageRefTest, DockerHubAliases) {
  EXPECT_EQ(parse_image_ref("nginx")->domain(), "docker.io");
  EXPECT_EQ(parse_image_ref("registry-1.docker.io/library/nginx")->domain(), "docker.io");
  EXPECT_TRUE(parse_image_ref("index.docker.io/nginx")->has_implicit_library());
  EXPECT_FALSE(parse_image_ref("quay.io/nginx")->has_implicit_library());
  EXPECT_FALSE(parse_image_ref("quay.io/nginx")->is_docker_hub());
}

TEST(ImageRefTest, RejectsWhatTheKubeletCannotPull) {
  const std::string short_digest = "nginx@sha256:" + std::string(kHex.substr(0, 63));
  const std::string upper_digest = "nginx@sha256:" + std::string(64, 'A');
  for (std::string_view text :
       std::initializer_list<std::string_view>{"",
                                               " nginx",
                                               "nginx ",
                                               "Nginx",
                                               "nginx:",
                                               "nginx:-tag",
                                               "nginx@",
                                               "nginx@sha256:abc",
                                               std::string_view(short_digest),
                                               std::string_view(upper_digest),
                                               "nginx@md5",
                                               "/nginx",
                                               "nginx/",
                                               "team//app",
                                               "team/-app",
                                               "team/app-",
                                               "a...b",
                                               "host:port/app",
                                               "localhost:/app",
                                               "[::1/app",
                                               "exa_mple.com/app",
                                               "a__b.c/app",
                                               "{{ .Values.image }}",
                                               "${IMAGE}",
                                               "nginx:1.0:2.0",
                                               "nginx:a/b"}) {
    EXPECT_FALSE(parse_image_ref(text).has_value()) << text;
  }
  EXPECT_FALSE(parse_image_ref(std::string(2000, 'a')).has_value());
}

TEST(ImageRefTest, RegistryPatternsMatchOnBoundaries) {
  const auto ecr = *parse_image_ref("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1");
  EXPECT_TRUE(registry_pattern_matches("123456789012.dkr.ecr.us-east-1.amazonaws.com", ecr));
  EXPECT_TRUE(registry_pattern_matches("123456789012.DKR.ecr.us-east-1.amazonaws.com/", ecr));
  EXPECT_TRUE(registry_pattern_matches("123456789012.dkr.ecr.us-east-1.amazonaws.com/app", ecr));
  EXPECT_FALSE(registry_pattern_matches("123456789012.dkr.ecr.us-east-1.amazonaws.com/ap", ecr));
  EXPECT_FALSE(registry_pattern_matches("123456789012.dkr.ecr.us-east-1.amazonaws", ecr));
  EXPECT_TRUE(registry_pattern_matches("*.dkr.ecr.*.amazonaws.com", ecr));
  EXPECT_FALSE(registry_pattern_matches("*.ecr.*.amazonaws.com", ecr));
  EXPECT_FALSE(registry_pattern_matches("", ecr));

  const auto evil = *parse_image_ref("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.io/x");
  EXPECT_FALSE(registry_pattern_matches("123456789012.dkr.ecr.us-east-1.amazonaws.com", evil));
  EXPECT_FALSE(registry_pattern_matches("*.dkr.ecr.*.amazonaws.com", evil));

  const auto nested = *parse_image_ref("ghcr.io/acme-evil/app");
  EXPECT_FALSE(registry_pattern_matches("ghcr.io/acme", nested));
  EXPECT_TRUE(registry_pattern_matches("ghcr.io/acme-evil", nested));

  const auto hub = *parse_image_ref("nginx:1.25");
  EXPECT_TRUE(registry_pattern_matches("docker.io", hub));
  EXPECT_TRUE(registry_pattern_matches("index.docker.io", hub));
  EXPECT_TRUE(registry_pattern_matches("docker.io/library", hub));
  EXPECT_TRUE(registry_pattern_matches("docker.io/library/nginx", hub));
  EXPECT_FALSE(registry_pattern_matches("docker.io/library/ngin", hub));
  EXPECT_FALSE(registry_pattern_matches("docker.io/bitnami", hub));

  const auto port = *parse_image_ref("localhost:5000/app");
  EXPECT_TRUE(registry_pattern_matches("localhost:5000", port));
  EXPECT_FALSE(registry_pattern_matches("localhost", port));
  EXPECT_FALSE(registry_pattern_matches("localhost:5001", port));
  EXPECT_FALSE(registry_pattern_matches("localhost:5000", *parse_image_ref("localhost/app")));
}

TEST(ImageRefTest, RegistryPatternErrors) {
  for (std::string_view ok : {"docker.io", "ghcr.io/acme/", "*.dkr.ecr.*.amazonaws.com",
                              "localhost:5000", "registry.example.com:443/team", "[::1]:5000"}) {
    EXPECT_EQ(registry_pattern_error(ok), "") << ok;
  }
  for (std::string_view bad :
       {"", "/", "https://ghcr.io", "nginx", "library/nginx", "ghcr.io/Acme", "ghcr.io/acme:1.0",
        "bad_host.io", "host:port", "ghcr.io/*", "localhost:"}) {
    EXPECT_NE(registry_pattern_error(bad), "") << bad;
  }
}

TEST(ImageRefTest, ParsesEcrRegistryHosts) {
  const auto ecr = parse_ecr_registry("602401143452.dkr.ecr.us-west-2.amazonaws.com");
  ASSERT_TRUE(ecr.has_value());
  EXPECT_EQ(ecr->account, "602401143452");
  EXPECT_EQ(ecr->region, "us-west-2");
  EXPECT_EQ(parse_ecr_registry("918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn")->region,
            "cn-north-1");
  EXPECT_EQ(parse_ecr_registry("602401143452.dkr.ecr-fips.us-east-1.amazonaws.com")->region,
            "us-east-1");
  EXPECT_EQ(parse_ecr_registry("602401143452.dkr-ecr.us-east-1.on.aws")->region, "us-east-1");
  EXPECT_EQ(parse_ecr_registry("877088126301.dkr.ecr.eusc-de-east-1.amazonaws.eu")->region,
            "eusc-de-east-1");
  EXPECT_TRUE(parse_ecr_registry("602401143452.dkr.ecr.us-west-2.amazonaws.com:443"));
  for (std::string_view host :
       {"602401143452.dkr.ecr.us-west-2.amazonaws.com.evil.io",
        "60240114345.dkr.ecr.us-west-2.amazonaws.com", "602401143452.ecr.us-west-2.amazonaws.com",
        "602401143452.dkr.ecr..amazonaws.com", "public.ecr.aws", "docker.io",
        "602401143452.dkr-ecr.us-east-1.amazonaws.com"}) {
    EXPECT_FALSE(parse_ecr_registry(host).has_value()) << host;
  }
}

}  // namespace
}  // namespace eksguard::k8s
