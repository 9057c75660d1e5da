// Container image references as the kubelet and containerd resolve them (the grammar of
// github.com/distribution/reference): [registry[:port]/]path[:tag][@algorithm:hex].
// Parsing never allocates: every part is a view into the text it was given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eksguard::k8s {

struct ImageRef {
  std::string_view registry;    // host[:port] as written; "" when the reference names none
  std::string_view repository;  // path as written: "nginx", "library/nginx", "team/app"
  std::string_view tag;         // "" when absent
  std::string_view digest;      // "sha256:<hex>"; "" when absent

  // The registry the image is pulled from: `registry`, or "docker.io" when none is named.
  // Docker Hub's aliases (index.docker.io, registry-1.docker.io) are reported as docker.io.
  std::string_view domain() const;
  bool is_docker_hub() const;
  // Docker Hub official images ("nginx", "docker.io/nginx") live under an implicit "library/".
  bool has_implicit_library() const;
  // The fully qualified name without tag or digest: "docker.io/library/nginx".
  std::string canonical_name() const;
};

// Parses a reference; nullopt when the text is not one the kubelet could pull (empty, blanks,
// upper-case path components, a malformed tag or digest, a template placeholder ...).
std::optional<ImageRef> parse_image_ref(std::string_view text);

// Registry allow-list entries: "host[:port][/path/prefix]".
//  - The host is compared case-insensitively; Docker Hub aliases are equal to docker.io.
//  - A host label may be "*", which stands for exactly one DNS label: "*.dkr.ecr.*.amazonaws.com"
//    matches "123456789012.dkr.ecr.us-east-1.amazonaws.com" but not "a.b.dkr.ecr...", and never
//    "....amazonaws.com.evil.io" (the label counts differ).
//  - A port must match exactly ("localhost:5000" does not allow "localhost" or "localhost:5001").
//  - The path prefix matches whole components: "ghcr.io/acme" allows "ghcr.io/acme/app", not
//    "ghcr.io/acme-evil/app". Docker Hub official images are "docker.io/library/<name>".
//  - A trailing "/" is ignored.
bool registry_pattern_matches(std::string_view pattern, const ImageRef& image);

// Why an allow-list entry is unusable ("" when it is fine), for configuration loaders.
std::string registry_pattern_error(std::string_view pattern);

// A private Amazon ECR registry host: <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn],
// .amazonaws.eu (European Sovereign Cloud) or the dual-stack <account>.dkr-ecr.<region>.on.aws.
struct EcrRegistry {
  std::string_view account;  // 12 digits
  std::string_view region;   // e.g. us-west-2
};
std::optional<EcrRegistry> parse_ecr_registry(std::string_view host);

}  // namespace eksguard::k8s
