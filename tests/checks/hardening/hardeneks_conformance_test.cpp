// Conformance with the hardeneks test data (aws-samples/hardeneks tests/data, copied to
// ../shared/conformance/eks/hardeneks; see its NOTICE.md and expected.tsv). Each hardeneks rule
// whose meaning corresponds to eksguard checks is a row of kCases: the recorded Kubernetes API
// responses of the rule's folder are scanned with scan::Scanner, and the resources the mapped
// eksguard checks report must be exactly the ones upstream flags (named "bad…", or
// "shared-sa…"), never one it passes ("good…"). Where eksguard deliberately differs, the row
// says so, resource by resource, with the reason, and the test asserts eksguard's own verdict.
// Rule folders with nothing for eksguard to judge are listed in kUnmapped, with the reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "scan/scanner.h"
#include "support/test_support.h"

namespace eksguard::testing {
namespace {

namespace fs = std::filesystem;

// Where upstream and eksguard differ on one resource, and why.
struct Difference {
  std::string_view resource;
  std::string_view reason;
};

// What names a resource in the rule's verdict: its name, or, where upstream judges a namespace
// (its default ServiceAccount), the namespace.
enum class Key { kName, kNamespace };

struct Case {
  std::string_view rule{};                 // the rule folder, named after the hardeneks rule
  std::vector<std::string_view> files{};   // recorded API responses scanned, relative to the folder
  std::vector<std::string_view> checks{};  // the eksguard checks that stand for the rule
  pss::Level level = pss::Level::kRestricted;  // PSS level the checks run at
  std::vector<std::string_view> flagged{};     // what upstream flags
  std::vector<std::string_view> passed{};      // what upstream does not flag
  std::vector<Difference> also_flagged{};      // upstream passes it, eksguard reports it
  std::vector<Difference> not_flagged{};       // upstream flags it, eksguard does not
  Key key = Key::kName;
  // A recorded NamespaceList: the test adds one pod to each of its namespaces that inherits the
  // namespace's default ServiceAccount (hardeneks judges the ServiceAccount; eksguard judges the
  // pods that would mount its token, taking the ServiceAccount in the inputs into account).
  std::string_view probe_namespaces{};
};

constexpr std::string_view kRunAsNonRootReason =
    "PSS restricted requires runAsNonRoot: true; a non-zero runAsUser alone does not satisfy it";
constexpr std::string_view kRunAsUserReason =
    "PSS-RUN-AS-USER reports only an explicit UID 0; an unset runAsUser is PSS-RUN-AS-NON-ROOT's";

// clang-format off
const std::vector<Case> kCases = {
  {.rule = "check_read_only_root_file_system",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"EKS-POD-003"},
   .flagged = {"bad1", "bad2"}, .passed = {"good"}},
  {.rule = "disallow_container_socket_mount",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"EKS-POD-004"},
   .flagged = {"bad"}, .passed = {"good"}},
  {.rule = "disallow_host_path_or_make_it_read_only",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"EKS-POD-006"},
   .flagged = {"bad"}, .passed = {"good1", "good2"}},
  {.rule = "disallow_host_path_or_make_it_read_only",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"PSS-HOST-PATH-VOLUMES"}, .level = pss::Level::kBaseline,
   .flagged = {"bad"}, .passed = {"good1", "good2"},
   .also_flagged = {{"good2", "PSS baseline forbids every hostPath volume, read-only or not"}}},
  {.rule = "disallow_host_path_or_make_it_read_only",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"EKS-POD-005"},
   .flagged = {"bad"}, .passed = {"good1", "good2"},
   .also_flagged = {{"good2", "/home holds users' credentials: mounting it read-only still exposes "
                              "them (the prefix restriction of the same guidance)"}}},
  {.rule = "disallow_privilege_escalation",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"PSS-ALLOW-PRIVILEGE-ESCALATION"},
   .flagged = {"bad"}, .passed = {"good"}},
  {.rule = "disallow_secrets_from_env_vars",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"EKS-POD-008"},
   .flagged = {"bad"}, .passed = {"good"}},
  {.rule = "set_requests_limits_for_containers",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"EKS-POD-013", "EKS-POD-014"},
   .flagged = {"bad1", "bad2"}, .passed = {"good"}},
  {.rule = "disable_run_as_root_user",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"PSS-RUN-AS-NON-ROOT"},
   .flagged = {"bad1", "bad2"}, .passed = {"good1", "good2", "good3"},
   .also_flagged = {{"good1", kRunAsNonRootReason}, {"good2", kRunAsNonRootReason},
                    {"good3", kRunAsNonRootReason}}},
  {.rule = "disable_run_as_root_user",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"PSS-RUN-AS-USER"},
   .flagged = {"bad1", "bad2"}, .passed = {"good1", "good2", "good3"},
   .not_flagged = {{"bad1", kRunAsUserReason}, {"bad2", kRunAsUserReason}}},
  {.rule = "disallow_linux_capabilities",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"PSS-CAPABILITIES-BASELINE"}, .level = pss::Level::kBaseline,
   .flagged = {"bad"}, .passed = {"good"}},
  {.rule = "disallow_linux_capabilities",
   .files = {"cluster/pod_api_response.json"},
   .checks = {"PSS-CAPABILITIES-RESTRICTED"},
   .flagged = {"bad"}, .passed = {"good"},
   .also_flagged = {{"good", "PSS restricted requires drop [ALL] and adds back only "
                             "NET_BIND_SERVICE; good adds KILL and SETFCAP"}}},
  // The workloads share the service account by leaving it unset, so they run as "default",
  // which EKS-POD-002 reports (two workloads sharing a dedicated account is not an eksguard check).
  {.rule = "use_dedicated_service_accounts_for_each_deployment",
   .files = {"cluster/deployment_api_response.json"},
   .checks = {"EKS-POD-002"},
   .flagged = {"shared-sa-1", "shared-sa-2"}},
  {.rule = "use_dedicated_service_accounts_for_each_stateful_set",
   .files = {"cluster/statefulset_api_response.json"},
   .checks = {"EKS-POD-002"},
   .flagged = {"shared-sa-1", "shared-sa-2"}},
  {.rule = "use_dedicated_service_accounts_for_each_daemon_set",
   .files = {"cluster/daemonset_api_response.json"},
   .checks = {"EKS-POD-002"},
   .flagged = {"shared-sa-1", "shared-sa-2"}},
  {.rule = "disable_service_account_token_mounts",
   .files = {"cluster/serviceaccount_api_response.json"},
   .checks = {"EKS-POD-001"},
   .flagged = {"bad1", "bad2"}, .passed = {"good"},
   .key = Key::kNamespace,
   .probe_namespaces = "cluster/namespace_api_response.json"},
};
// clang-format on

// Rule folders eksguard has no check for: it scans workloads, not AWS account state, RBAC,
// namespaces, services, storage or availability settings.
struct Unmapped {
  std::string_view rule;
  std::string_view reason;
};
constexpr std::string_view kAws = "AWS API state (EKS, EC2, ECR, IAM, Inspector), not manifests";
constexpr std::string_view kPodIdentity = "IRSA / Pod Identity bindings of add-on service accounts";
constexpr std::string_view kRbac = "RBAC objects";
constexpr std::string_view kNamespaceObjects =
    "namespace-level objects (NetworkPolicy, PSA, quotas)";
constexpr std::string_view kNetworkStorage = "Services, StorageClasses and PersistentVolumes";
constexpr std::string_view kReliability = "reliability and autoscaling, not security";
constexpr Unmapped kUnmapped[] = {
    {"check_access_to_instance_profile", kAws},
    {"check_endpoint_public_access", kAws},
    {"check_logs_are_enabled", kAws},
    {"check_vpc_flow_logs", kAws},
    {"deploy_workers_onto_private_subnets", kAws},
    {"make_sure_inspector_is_enabled", kAws},
    {"use_immutable_tags_with_ecr", kAws},
    {"employ_least_privileged_access_cluster_autoscaler_role", kAws},
    {"ensure_cluster_autoscaler_and_cluster_versions_match", kAws},
    {"check_aws_node_daemonset_service_account", kPodIdentity},
    {"use_separate_iam_role_for_cluster_autoscaler", kPodIdentity},
    {"disable_anonymous_access_for_cluster_roles", kRbac},
    {"disable_anonymous_access_for_roles", kRbac},
    {"restrict_wildcard_for_cluster_roles", kRbac},
    {"restrict_wildcard_for_roles", kRbac},
    {"check_default_deny_policy_exists", kNamespaceObjects},
    {"ensure_namespace_psa_exist", kNamespaceObjects},
    {"ensure_namespace_quotas_exist", kNamespaceObjects},
    {"check_awspca_exists", kNetworkStorage},
    {"use_encryption_with_aws_load_balancers", kNetworkStorage},
    {"use_encryption_with_ebs", kNetworkStorage},
    {"use_encryption_with_efs", kNetworkStorage},
    {"use_efs_access_points", kNetworkStorage},
    {"avoid_running_singleton_pods", kReliability},
    {"check_any_cluster_autoscaler_exists", kReliability},
    {"check_horizontal_pod_autoscaling_exists", kReliability},
    {"check_liveness_probes", kReliability},
    {"check_metrics_server_is_running", kReliability},
    {"check_readiness_probes", kReliability},
    {"check_vertical_pod_autoscaler_exists", kReliability},
    {"ensure_cluster_autoscaler_has_autodiscovery_mode", kReliability},
    {"run_multiple_replicas", kReliability},
    {"schedule_replicas_across_nodes", kReliability},
    {"use_managed_nodegroups", kReliability},
};

std::string join(const auto& values, std::string_view separator = ", ") {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

// How gtest prints a case in failure messages.
void PrintTo(const Case& c, std::ostream* out) {
  *out << c.rule << " -> " << join(c.checks, " + ") << " (" << pss::to_string(c.level) << ")";
}

// "disallow_linux_capabilities_PSS_CAPABILITIES_BASELINE": a gtest parameter name.
std::string case_name(const Case& c) {
  std::string name = std::string(c.rule) + "_" + join(c.checks, "_");
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The rows of expected.tsv: data_dir -> expected.
std::map<std::string, std::string> expected_by_rule(const fs::path& tsv) {
  std::map<std::string, std::string> rows;
  std::istringstream lines(read_text(tsv));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::vector<std::string> columns;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) columns.push_back(field);
    if (columns.size() == 5) rows[columns[0]] = columns[4];
  }
  return rows;
}

// The exact number of flagged resources an expected.tsv verdict gives ("exactly 2 flagged
// resources, …"), if it gives one.
std::optional<size_t> exact_count(std::string_view expected) {
  constexpr std::string_view kExactly = "exactly ";
  const size_t at = expected.find(kExactly);
  if (at == std::string_view::npos) return std::nullopt;
  size_t count = 0;
  size_t i = at + kExactly.size();
  if (i >= expected.size() || expected[i] < '0' || expected[i] > '9') return std::nullopt;
  for (; i < expected.size() && expected[i] >= '0' && expected[i] <= '9'; ++i) {
    count = count * 10 + static_cast<size_t>(expected[i] - '0');
  }
  return count;
}

// metadata.name or metadata.namespace of every object in a recorded response (a list's items,
// or the object itself).
std::vector<std::string> recorded_keys(const fs::path& file, Key key) {
  std::vector<std::string> keys;
  auto documents = doc::load_all(read_text(file), file.string());
  if (!documents) {
    ADD_FAILURE() << file << ": " << documents.error().message;
    return keys;
  }
  for (const doc::Document& document : *documents) {
    const doc::Node* root = document.root();
    if (root == nullptr) continue;
    std::vector<const doc::Node*> objects;
    if (const doc::Node* items = root->get("items"); items != nullptr) {
      objects.assign(items->items().begin(), items->items().end());
    } else {
      objects.push_back(root);
    }
    for (const doc::Node* object : objects) {
      const doc::Node* metadata = object->get("metadata");
      if (metadata == nullptr) continue;
      keys.emplace_back(metadata->string_at(key == Key::kName ? "name" : "namespace"));
    }
  }
  return keys;
}

// A file of pods, one per recorded namespace, that set neither serviceAccountName nor
// automountServiceAccountToken: whether they mount a token is up to the namespace's default
// ServiceAccount. Removed when the test ends.
class ProbePods {
 public:
  explicit ProbePods(const fs::path& namespace_list) {
    path_ = fs::temp_directory_path() /
            ("eksguard-hardeneks-probes-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream out(path_);
    for (const std::string& ns : recorded_keys(namespace_list, Key::kName)) {
      out << "apiVersion: v1\nkind: Pod\nmetadata: {name: token-probe, namespace: " << ns
          << "}\nspec:\n  containers: [{name: app, image: \"app:1.0\"}]\n---\n";
      ++count_;
    }
  }
  ProbePods(const ProbePods&) = delete;
  ProbePods& operator=(const ProbePods&) = delete;
  ~ProbePods() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  const fs::path& path() const { return path_; }
  size_t count() const { return count_; }

 private:
  fs::path path_;
  size_t count_ = 0;
};

class HardeneksConformanceTest : public ::testing::TestWithParam<Case> {};

TEST_P(HardeneksConformanceTest, MappedChecksFlagWhatUpstreamFlags) {
  fs::path data;
  EKSGUARD_REQUIRE_SHARED("conformance/eks/hardeneks", data);
  const Case& c = GetParam();
  const fs::path folder = data / c.rule;

  // The row transcribes upstream's verdict: "bad" and "shared-sa" resources are flagged, "good"
  // ones are not, with expected.tsv's exact count where it gives one.
  const std::map<std::string, std::string> expected = expected_by_rule(data / "expected.tsv");
  const auto row = expected.find(std::string(c.rule));
  ASSERT_NE(row, expected.end()) << c.rule << " is not a row of expected.tsv";
  if (const std::optional<size_t> count = exact_count(row->second)) {
    EXPECT_EQ(c.flagged.size(), *count) << "expected.tsv: " << row->second;
  }
  for (std::string_view name : c.flagged) {
    EXPECT_TRUE(name.find("bad") != name.npos || name.starts_with("shared-sa")) << name;
  }
  for (std::string_view name : c.passed) EXPECT_NE(name.find("good"), name.npos) << name;
  const std::set<std::string> flagged(c.flagged.begin(), c.flagged.end());
  const std::set<std::string> passed(c.passed.begin(), c.passed.end());
  for (const Difference& d : c.also_flagged) EXPECT_TRUE(passed.contains(std::string(d.resource)));
  for (const Difference& d : c.not_flagged) EXPECT_TRUE(flagged.contains(std::string(d.resource)));

  // Every object in the recorded data is one the row names, and the other way round.
  std::vector<std::string> paths;
  std::set<std::string> recorded;
  for (std::string_view file : c.files) {
    const fs::path path = folder / file;
    ASSERT_TRUE(fs::is_regular_file(path)) << path;
    paths.push_back(path.string());
    for (std::string& key : recorded_keys(path, c.key)) recorded.insert(std::move(key));
  }
  std::set<std::string> named = flagged;
  named.insert(passed.begin(), passed.end());
  EXPECT_EQ(recorded, named) << "the resources in the data are not the ones the row names";

  std::optional<ProbePods> probes;
  if (!c.probe_namespaces.empty()) {
    probes.emplace(folder / c.probe_namespaces);
    ASSERT_EQ(probes->count(), named.size()) << "one probe pod per namespace of the row";
    paths.push_back(probes->path().string());
  }

  std::set<CheckId> checks;
  for (std::string_view id : c.checks) {
    const std::optional<CheckId> check = find_check(id);
    ASSERT_TRUE(check.has_value()) << "no check " << id;
    checks.insert(*check);
  }

  scan::ScanOptions options;
  options.pss.level = c.level;
  options.enforce_system_components = true;
  const report::ScanResult result = scan::Scanner(std::move(options)).scan_paths(paths);
  for (const InputError& error : result.errors) {
    ADD_FAILURE() << error.file << ":" << error.line << ":" << error.column << ": "
                  << error.message;
  }
  ASSERT_GT(result.resources, 0u);

  std::map<std::string, std::vector<std::string>> reported;  // resource -> what was said
  for (const Finding& finding : result.findings) {
    if (finding.suppressed || !checks.contains(finding.check)) continue;
    const k8s::ObjectRef& ref = finding.resource();
    reported[c.key == Key::kName ? ref.name : ref.namespace_].push_back(
        std::string(finding.info().id) + ": " + finding.message);
  }

  std::set<std::string> want;
  for (const std::string& name : flagged) {
    const bool missed = std::any_of(c.not_flagged.begin(), c.not_flagged.end(),
                                    [&](const Difference& d) { return d.resource == name; });
    if (!missed) want.insert(name);
  }
  for (const Difference& d : c.also_flagged) want.insert(std::string(d.resource));

  std::vector<std::string> mismatches;
  for (const std::string& name : want) {
    if (!reported.contains(name)) {
      mismatches.push_back(name + ": must be reported, is not" +
                           (flagged.contains(name) ? " (upstream flags it)" : ""));
    }
  }
  for (const auto& [name, messages] : reported) {
    if (want.contains(name)) continue;
    mismatches.push_back(name + ": must not be reported" +
                         (passed.contains(name) ? " (upstream passes it)" : "") + ", got\n      " +
                         join(messages, "\n      "));
  }
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " resources of " << c.rule
                                  << " disagree:\n  " << join(mismatches, "\n  ");
}

INSTANTIATE_TEST_SUITE_P(Rules, HardeneksConformanceTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return case_name(param.param);
                         });

// A new upstream rule folder must be mapped to checks or explained.
TEST(HardeneksConformanceCoverageTest, EveryRuleFolderIsMappedOrExplained) {
  fs::path data;
  EKSGUARD_REQUIRE_SHARED("conformance/eks/hardeneks", data);
  std::set<std::string> known;
  for (const Case& c : kCases) known.insert(std::string(c.rule));
  for (const Unmapped& u : kUnmapped) {
    EXPECT_FALSE(known.contains(std::string(u.rule))) << u.rule << " is mapped and unmapped";
    known.insert(std::string(u.rule));
  }
  std::set<std::string> folders;
  for (const fs::directory_entry& entry : fs::directory_iterator(data)) {
    if (entry.is_directory()) folders.insert(entry.path().filename().string());
  }
  const std::map<std::string, std::string> expected = expected_by_rule(data / "expected.tsv");
  for (const auto& [rule, verdict] : expected) {
    EXPECT_TRUE(folders.contains(rule)) << "expected.tsv names " << rule << ", which has no folder";
  }
  std::vector<std::string> unknown;
  std::set_difference(folders.begin(), folders.end(), known.begin(), known.end(),
                      std::back_inserter(unknown));
  EXPECT_TRUE(unknown.empty()) << "rule folders neither mapped nor explained: " << join(unknown);
  std::vector<std::string> stale;
  std::set_difference(known.begin(), known.end(), folders.begin(), folders.end(),
                      std::back_inserter(stale));
  EXPECT_TRUE(stale.empty()) << "mapped or explained rules without a folder: " << join(stale);
}

}  // namespace
}  // namespace eksguard::testing
