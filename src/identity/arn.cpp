#include "identity/arn.h"

#include <array>
#include <vector>

namespace eksguard::identity {
namespace {

struct PlaceholderName {
  std::string_view text;
  Placeholder bit;
};
constexpr std::array<PlaceholderName, 5> kPlaceholders{{
    {"{{AccountID}}", kAccountId},
    {"{{SessionName}}", kSessionName},
    {"{{SessionNameRaw}}", kSessionNameRaw},
    {"{{EC2PrivateDNSName}}", kEc2PrivateDnsName},
    {"{{AccessKeyID}}", kAccessKeyId},
}};

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// Splits "role/a/b/Name" into type word, path "a/b/" and name.
void classify_iam(Arn& arn) {
  const std::string_view resource = arn.resource;
  if (resource == "root") {
    arn.type = PrincipalType::kRoot;
    return;
  }
  const size_t slash = resource.find('/');
  if (slash == std::string_view::npos) return;
  const std::string_view kind = resource.substr(0, slash);
  const std::string_view rest = resource.substr(slash + 1);
  if (kind != "role" && kind != "user") return;
  const size_t last = rest.rfind('/');
  arn.type = kind == "role" ? PrincipalType::kRole : PrincipalType::kUser;
  arn.name = std::string(last == std::string_view::npos ? rest : rest.substr(last + 1));
  arn.path = last == std::string_view::npos ? std::string() : std::string(rest.substr(0, last + 1));
  if (arn.name.empty()) arn.type = PrincipalType::kUnknown;
}

void classify_sts(Arn& arn) {
  const std::string_view resource = arn.resource;
  if (resource.starts_with("federated-user/")) {
    arn.type = PrincipalType::kFederatedUser;
    arn.name = std::string(resource.substr(15));
    return;
  }
  if (!resource.starts_with("assumed-role/")) return;
  const std::string_view rest = resource.substr(13);
  const size_t last = rest.rfind('/');
  if (last == std::string_view::npos || last == 0) return;  // the session is required
  arn.type = PrincipalType::kAssumedRole;
  arn.name = std::string(rest.substr(0, last));
  arn.session = std::string(rest.substr(last + 1));
}

}  // namespace

std::optional<Arn> parse_arn(std::string_view text) {
  std::array<std::string_view, 5> head;
  for (std::string_view& part : head) {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  if (head[0] != "arn" || head[1].empty() || head[2].empty() || text.empty()) return std::nullopt;
  Arn arn;
  arn.partition = std::string(head[1]);
  arn.service = std::string(head[2]);
  arn.account = std::string(head[4]);
  arn.resource = std::string(text);
  if (arn.service == "iam") classify_iam(arn);
  if (arn.service == "sts") classify_sts(arn);
  return arn;
}

bool is_known_partition(std::string_view partition) {
  constexpr std::array<std::string_view, 8> kKnown{
      "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"};
  for (std::string_view known : kKnown)
    if (partition == known) return true;
  return false;
}

std::string caller_arn(const Arn& arn) {
  const std::string prefix = "arn:" + arn.partition + ":iam::" + arn.account + ":";
  switch (arn.type) {
    case PrincipalType::kRole:
    case PrincipalType::kAssumedRole:
      return prefix + "role/" + arn.name;
    case PrincipalType::kUser:
      return prefix + arn.resource;
    case PrincipalType::kRoot:
      return prefix + "root";
    case PrincipalType::kFederatedUser:
      return "arn:" + arn.partition + ":sts::" + arn.account + ":" + arn.resource;
    case PrincipalType::kUnknown:
      break;
  }
  return {};
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

TemplateInfo scan_template(std::string_view text) {
  TemplateInfo info;
  for (size_t at = text.find("{{"); at != std::string_view::npos; at = text.find("{{", at + 2)) {
    const size_t end = text.find("}}", at + 2);
    if (end == std::string_view::npos) break;
    const std::string_view token = text.substr(at, end + 2 - at);
    bool known = false;
    for (const PlaceholderName& placeholder : kPlaceholders) {
      if (token == placeholder.text) {
        info.placeholders |= placeholder.bit;
        known = true;
      }
    }
    if (!known && info.unknown.empty()) info.unknown = std::string(token);
  }
  return info;
}

std::string render_template(std::string_view text, const CallerFacts& facts) {
  std::string out(text);
  if (!facts.account.empty()) replace_all(out, "{{AccountID}}", facts.account);
  if (facts.session_name) {
    std::string dashed = *facts.session_name;
    for (char& c : dashed)
      if (c == '@') c = '-';
    replace_all(out, "{{SessionName}}", dashed);
    replace_all(out, "{{SessionNameRaw}}", *facts.session_name);
  }
  if (facts.access_key_id) replace_all(out, "{{AccessKeyID}}", *facts.access_key_id);
  return out;
}

bool template_matches(std::string_view pattern, std::string_view value) {
  // A placeholder renders to some non-empty text: it becomes "?*" of a glob, and the glob is
  // matched with the usual two-pointer backtracking (linear in practice, no recursion).
  enum : int { kAnyOne = -1, kAnyRun = -2 };
  std::vector<int> glob;
  for (size_t i = 0; i < pattern.size();) {
    bool placeholder = false;
    for (const PlaceholderName& name : kPlaceholders) {
      if (pattern.substr(i).starts_with(name.text)) {
        glob.push_back(kAnyOne);
        glob.push_back(kAnyRun);
        i += name.text.size();
        placeholder = true;
        break;
      }
    }
    if (!placeholder) glob.push_back(static_cast<unsigned char>(pattern[i++]));
  }
  size_t g = 0;
  size_t v = 0;
  size_t star = std::string_view::npos;
  size_t star_v = 0;
  while (v < value.size()) {
    if (g < glob.size() && glob[g] == kAnyRun) {
      star = g++;
      star_v = v;
    } else if (g < glob.size() &&
               (glob[g] == kAnyOne || glob[g] == static_cast<unsigned char>(value[v]))) {
      ++g;
      ++v;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      v = ++star_v;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == kAnyRun) ++g;
  return g == glob.size();
}

}  // namespace eksguard::identity
