#include "k8s/image_ref.h"

#include <array>

#include "common/strings.h"

namespace eksguard::k8s {
namespace {

constexpr size_t kMaxNameLength = 255;  // registry + path, as distribution/reference limits it
constexpr size_t kMaxTagLength = 128;
constexpr size_t kMaxReferenceLength = 1024;  // name, tag and digest together
constexpr std::string_view kDockerHub = "docker.io";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || is_digit(c);
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_lower_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool has_upper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// Path component: [a-z0-9]+ joined by ".", "_", "__" or a run of "-".
bool valid_path_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  size_t i = 0;
  while (i < c.size()) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !is_lower_alnum(c[j])) ++j;
    const std::string_view sep = c.substr(i, j - i);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!dashes && sep != "." && sep != "_" && sep != "__") return false;
    i = j;
  }
  return true;
}

bool valid_path(std::string_view path) {
  while (true) {
    const size_t slash = path.find('/');
    if (!valid_path_component(path.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

// DNS label as registries accept it: alphanumerics with inner dashes (any case).
bool valid_host_label(std::string_view label) {
  if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
  for (char c : label) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

bool valid_port(std::string_view port) {
  return !port.empty() && port.size() <= 5 && all_of(port, is_digit);
}

struct HostPort {
  std::string_view host;
  std::string_view port;  // "" when absent
  bool ok = true;
};

// "host:port", "host", "[v6]:port" or "[v6]".
HostPort split_host_port(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return {text, {}, false};
    const std::string_view tail = text.substr(close + 1);
    if (tail.empty()) return {text, {}};
    if (tail.front() != ':') return {text, {}, false};
    return {text.substr(0, close + 1), tail.substr(1)};
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return {text, {}};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

bool valid_ipv6_literal(std::string_view host) {
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  for (char c : host.substr(1, host.size() - 2)) {
    if (!is_hex(c) && c != ':' && c != '.') return false;
  }
  return true;
}

bool valid_host(std::string_view host) {
  if (!host.empty() && host.front() == '[') return valid_ipv6_literal(host);
  while (true) {
    const size_t dot = host.find('.');
    if (!valid_host_label(host.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

bool valid_domain(std::string_view domain) {
  const HostPort hp = split_host_port(domain);
  if (!hp.ok || !valid_host(hp.host)) return false;
  return hp.port.empty() ? domain.back() != ':' : valid_port(hp.port);
}

// The first component names a registry when it could not be a repository path component:
// it has a dot or a colon, is "localhost", or has upper-case letters (as containerd decides).
bool names_registry(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
         has_upper(first);
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  if (!is_alnum(tag.front()) && tag.front() != '_') return false;
  for (char c : tag) {
    if (!is_alnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

// algorithm ":" hex, with the exact lengths of the registered algorithms.
bool valid_digest(std::string_view digest) {
  const size_t colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view algorithm = digest.substr(0, colon);
  const std::string_view encoded = digest.substr(colon + 1);
  constexpr std::array<std::pair<std::string_view, size_t>, 3> kRegistered{
      {{"sha256", 64}, {"sha384", 96}, {"sha512", 128}}};
  for (const auto& [name, length] : kRegistered) {
    if (algorithm == name) return encoded.size() == length && all_of(encoded, is_lower_hex);
  }
  // Unregistered algorithms: [A-Za-z][A-Za-z0-9]* joined by [-_+.], then 32+ hex digits.
  if (!is_alnum(algorithm.front()) || is_digit(algorithm.front())) return false;
  for (char c : algorithm) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '+' && c != '.') return false;
  }
  return encoded.size() >= 32 && all_of(encoded, is_hex);
}

bool is_hub_alias(std::string_view host) {
  return iequals(host, kDockerHub) || iequals(host, "index.docker.io") ||
         iequals(host, "registry-1.docker.io");
}

// Compares host names label by label; a pattern label "*" matches any one label.
bool host_matches(std::string_view pattern, std::string_view host) {
  if (is_hub_alias(pattern) && is_hub_alias(host)) return true;
  while (true) {
    const size_t pdot = pattern.find('.');
    const size_t hdot = host.find('.');
    const std::string_view plabel = pattern.substr(0, pdot);
    const std::string_view hlabel = host.substr(0, hdot);
    if (plabel == "*" ? hlabel.empty() : !iequals(plabel, hlabel)) return false;
    if ((pdot == std::string_view::npos) != (hdot == std::string_view::npos)) return false;
    if (pdot == std::string_view::npos) return true;
    pattern.remove_prefix(pdot + 1);
    host.remove_prefix(hdot + 1);
  }
}

// True when `prefix` is a whole-component prefix of lead + rest (lead is "" or "library/").
bool path_has_prefix(std::string_view lead, std::string_view rest, std::string_view prefix) {
  const size_t total = lead.size() + rest.size();
  if (prefix.size() > total) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = i < lead.size() ? lead[i] : rest[i - lead.size()];
    if (c != prefix[i]) return false;
  }
  if (prefix.size() == total) return true;
  const size_t i = prefix.size();
  return (i < lead.size() ? lead[i] : rest[i - lead.size()]) == '/';
}

std::string_view strip_trailing_slashes(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

// A host whose labels may be "*".
bool valid_pattern_host(std::string_view host) {
  if (!host.empty() && host.front() == '[') return valid_ipv6_literal(host);
  while (true) {
    const size_t dot = host.find('.');
    const std::string_view label = host.substr(0, dot);
    if (label != "*" && !valid_host_label(label)) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace

std::string_view ImageRef::domain() const {
  if (registry.empty() || is_hub_alias(registry)) return kDockerHub;
  return registry;
}

bool ImageRef::is_docker_hub() const {
  return domain() == kDockerHub;
}

bool ImageRef::has_implicit_library() const {
  return is_docker_hub() && repository.find('/') == std::string_view::npos;
}

std::string ImageRef::canonical_name() const {
  std::string name(domain());
  name.push_back('/');
  if (has_implicit_library()) name.append("library/");
  name.append(repository);
  return name;
}

std::optional<ImageRef> parse_image_ref(std::string_view text) {
  if (text.empty() || text.size() > kMaxReferenceLength) return std::nullopt;
  ImageRef ref;
  std::string_view name = text;
  if (const size_t at = name.find('@'); at != std::string_view::npos) {
    ref.digest = name.substr(at + 1);
    name = name.substr(0, at);
    if (!valid_digest(ref.digest)) return std::nullopt;
  }
  if (const size_t slash = name.find('/');
      slash != std::string_view::npos && names_registry(name.substr(0, slash))) {
    ref.registry = name.substr(0, slash);
    name.remove_prefix(slash + 1);
    if (!valid_domain(ref.registry)) return std::nullopt;
  }
  // Past the registry, a colon can only start the tag.
  if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
    ref.tag = name.substr(colon + 1);
    name = name.substr(0, colon);
    if (!valid_tag(ref.tag)) return std::nullopt;
  }
  ref.repository = name;
  if (ref.registry.size() + 1 + ref.repository.size() > kMaxNameLength) return std::nullopt;
  if (!valid_path(ref.repository)) return std::nullopt;
  return ref;
}

bool registry_pattern_matches(std::string_view pattern, const ImageRef& image) {
  pattern = strip_trailing_slashes(pattern);
  if (pattern.empty()) return false;
  const size_t slash = pattern.find('/');
  const HostPort want = split_host_port(pattern.substr(0, slash));
  const HostPort have = split_host_port(image.domain());
  if (!want.ok || want.port != have.port || !host_matches(want.host, have.host)) return false;
  if (slash == std::string_view::npos) return true;
  const std::string_view lead = image.has_implicit_library() ? "library/" : "";
  return path_has_prefix(lead, image.repository, pattern.substr(slash + 1));
}

std::string registry_pattern_error(std::string_view pattern) {
  const std::string quoted = "registry pattern \"" + std::string(pattern) + "\"";
  if (pattern.find("://") != std::string_view::npos) {
    return quoted + " must not have a URL scheme; write the registry host, e.g. ghcr.io/acme";
  }
  pattern = strip_trailing_slashes(pattern);
  if (pattern.empty()) return "registry pattern is empty";
  const size_t slash = pattern.find('/');
  const std::string_view host_port = pattern.substr(0, slash);
  if (host_port.empty()) return quoted + " does not start with a registry host";
  const HostPort hp = split_host_port(host_port);
  const bool port_ok = hp.port.empty() ? host_port.back() != ':' : valid_port(hp.port);
  const bool host_ok = hp.ok && port_ok && valid_pattern_host(hp.host);
  if (!host_ok) return quoted + " does not start with a valid registry host[:port]";
  if (!names_registry(host_port) && host_port.find('*') == std::string_view::npos) {
    return quoted + " does not start with a registry host; Docker Hub images are " +
           "docker.io/library/<name> or docker.io/<user>/<name>";
  }
  if (slash != std::string_view::npos && !valid_path(pattern.substr(slash + 1))) {
    return quoted + " has an invalid repository path (lower-case components, no tag or '*')";
  }
  return {};
}

std::optional<EcrRegistry> parse_ecr_registry(std::string_view host) {
  host = split_host_port(host).host;
  if (host.size() < 14 || host[12] != '.' || !all_of(host.substr(0, 12), is_digit)) {
    return std::nullopt;
  }
  EcrRegistry ecr{host.substr(0, 12), {}};
  std::string_view rest = host.substr(13);
  bool dual_stack = false;
  if (istarts_with(rest, "dkr.ecr.")) {
    rest.remove_prefix(8);
  } else if (istarts_with(rest, "dkr.ecr-fips.")) {
    rest.remove_prefix(13);
  } else if (istarts_with(rest, "dkr-ecr.") || istarts_with(rest, "dkr-ecr-fips.")) {
    rest.remove_prefix(rest[7] == '.' ? 8 : 13);
    dual_stack = true;
  } else {
    return std::nullopt;
  }
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  ecr.region = rest.substr(0, dot);
  for (char c : ecr.region) {
    if (!is_alnum(c) && c != '-') return std::nullopt;
  }
  const std::string_view suffix = rest.substr(dot + 1);
  const bool known = dual_stack ? iequals(suffix, "on.aws")
                                : iequals(suffix, "amazonaws.com") ||
                                      iequals(suffix, "amazonaws.com.cn") ||
                                      iequals(suffix, "amazonaws.eu");
  if (!known) return std::nullopt;
  return ecr;
}

}  // namespace eksguard::k8s
