// EKS-POD-001/002/003/007/013/014/015 and the behaviour shared by every hardening check.
#include <algorithm>

#include "checks/hardening/hardening_test_util.h"

namespace eksguard::testing {
namespace {

// A workload that follows every EKS pod hardening recommendation.
constexpr std::string_view kHardened = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      serviceAccountName: web
      volumes:
      - name: tmp
        emptyDir: {}
      initContainers:
      - name: migrate
        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web-migrate:2.1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        securityContext: {readOnlyRootFilesystem: true}
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {cpu: 100m, memory: 128Mi}
      containers:
      - name: app
        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        env:
        - name: DB_PASSWORD_FILE
          value: /var/run/secrets/db/password
        - name: LOG_LEVEL
          value: info
        securityContext:
          readOnlyRootFilesystem: true
        volumeMounts:
        - name: tmp
          mountPath: /tmp
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
)";

TEST(HardeningPodTest, HardenedWorkloadHasNoFindings) {
  hardening::Options options;
  options.allowed_registries = {"123456789012.dkr.ecr.us-east-1.amazonaws.com"};
  HardeningRun run(kHardened, options);
  EXPECT_TRUE(run.findings().empty()) << ids(run.findings());
}

// ---- EKS-POD-001 ----------------------------------------------------------------------------

constexpr std::string_view kMinimalPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: minimal
spec:
  containers:
  - name: app
    image: nginx:1.25
)";

TEST(HardeningPodTest, TokenAutomountDefaultIsReportedAtSpec) {
  HardeningRun run(kMinimalPod);
  const auto found = run.of(CheckId::kEksSaTokenAutomount);
  ASSERT_EQ(found.size(), 1u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-001");
  EXPECT_EQ(found[0].path, "spec.automountServiceAccountToken");
  EXPECT_EQ(found[0].position.line, line_of(kMinimalPod, "  containers:"));
  EXPECT_NE(found[0].message.find("unless its service account sets "
                                  "automountServiceAccountToken: false"),
            std::string::npos)
      << found[0].message;
}

TEST(HardeningPodTest, TokenAutomountExplicitTrueIsReportedAtTheField) {
  constexpr std::string_view kYaml = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      automountServiceAccountToken: true
      containers:
      - {name: db, image: postgres:16}
)";
  HardeningRun run(kYaml);
  const auto found = run.of(CheckId::kEksSaTokenAutomount);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "spec.template.spec.automountServiceAccountToken");
  EXPECT_EQ(found[0].position.line, line_of(kYaml, "automountServiceAccountToken"));
  EXPECT_EQ(found[0].position.column, 37u);  // the value "true"
}

TEST(HardeningPodTest, TokenAutomountFalsePasses) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  automountServiceAccountToken: no
  containers: [{name: app, image: nginx:1.25}]
)");
  EXPECT_TRUE(run.of(CheckId::kEksSaTokenAutomount).empty());
}

TEST(HardeningPodTest, TokenAutomountQuotedFalseIsNotABoolean) {
  // "false" in quotes is a string the API server rejects; it does not disable the token.
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  automountServiceAccountToken: "false"
  containers: [{name: app, image: nginx:1.25}]
)");
  EXPECT_EQ(run.of(CheckId::kEksSaTokenAutomount).size(), 1u);
}

// ---- EKS-POD-002 ----------------------------------------------------------------------------

TEST(HardeningPodTest, MissingServiceAccountIsTheDefaultOne) {
  HardeningRun run(kMinimalPod);
  const auto found = run.of(CheckId::kEksDefaultServiceAccount);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].info().id, "EKS-POD-002");
  EXPECT_EQ(found[0].path, "spec.serviceAccountName");
  EXPECT_EQ(found[0].position.line, line_of(kMinimalPod, "  containers:"));
}

TEST(HardeningPodTest, ExplicitDefaultServiceAccountIsReportedAtTheField) {
  constexpr std::string_view kYaml = R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: default
          restartPolicy: Never
          containers: [{name: job, image: busybox:1.36}]
)";
  HardeningRun run(kYaml);
  const auto found = run.of(CheckId::kEksDefaultServiceAccount);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "spec.jobTemplate.spec.template.spec.serviceAccountName");
  EXPECT_EQ(found[0].position.line, line_of(kYaml, "serviceAccountName"));
  EXPECT_EQ(found[0].message, "pod sets serviceAccountName: default");
}

TEST(HardeningPodTest, DeprecatedServiceAccountFieldNamesTheAccount) {
  HardeningRun named(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  serviceAccount: reporter
  containers: [{name: app, image: nginx:1.25}]
)");
  EXPECT_TRUE(named.of(CheckId::kEksDefaultServiceAccount).empty());

  constexpr std::string_view kDefault = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  serviceAccount: default
  containers: [{name: app, image: nginx:1.25}]
)";
  HardeningRun deprecated_default(kDefault);
  const auto found = deprecated_default.of(CheckId::kEksDefaultServiceAccount);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "spec.serviceAccount");
  EXPECT_EQ(found[0].position.line, line_of(kDefault, "serviceAccount:"));
}

// ---- EKS-POD-003 ----------------------------------------------------------------------------

TEST(HardeningPodTest, WritableRootFilesystemPerContainer) {
  constexpr std::string_view kYaml = R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      initContainers:
      - name: setup
        image: busybox:1.36
      containers:
      - name: agent
        image: agent:1.0
        securityContext:
          readOnlyRootFilesystem: false
      - name: sidecar
        image: sidecar:1.0
        securityContext:
          runAsNonRoot: true
      - name: ok
        image: ok:1.0
        securityContext: {readOnlyRootFilesystem: true}
      ephemeralContainers:
      - name: debugger
        image: busybox:1.36
)";
  HardeningRun run(kYaml);
  const auto found = run.of(CheckId::kEksWritableRootFilesystem);
  ASSERT_EQ(found.size(), 3u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-003");
  EXPECT_EQ(found[0].path,
            "spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem");
  EXPECT_EQ(found[0].position.line, line_of(kYaml, "- name: setup"));
  EXPECT_EQ(found[0].message,
            "initContainer \"setup\" does not set securityContext.readOnlyRootFilesystem=true");
  EXPECT_EQ(found[1].path,
            "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem");
  EXPECT_EQ(found[1].position.line, line_of(kYaml, "readOnlyRootFilesystem: false"));
  EXPECT_EQ(found[1].message,
            "container \"agent\" does not set securityContext.readOnlyRootFilesystem=true");
  EXPECT_EQ(found[2].path,
            "spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem");
  // The nearest existing ancestor: the securityContext mapping, which starts at its first key.
  EXPECT_EQ(found[2].position.line, line_of(kYaml, "runAsNonRoot: true"));
}

TEST(HardeningPodTest, WindowsPodsCannotSetReadOnlyRootFilesystem) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: iis}
spec:
  os: {name: windows}
  containers:
  - name: iis
    image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
)");
  EXPECT_TRUE(run.of(CheckId::kEksWritableRootFilesystem).empty());
}

TEST(HardeningPodTest, UnnamedContainerIsNamedByIndex) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - image: nginx:1.25
)");
  const auto found = run.of(CheckId::kEksWritableRootFilesystem);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].message,
            "container [0] does not set securityContext.readOnlyRootFilesystem=true");
}

// ---- EKS-POD-007 ----------------------------------------------------------------------------

TEST(HardeningPodTest, HostNetworkReachesImds) {
  constexpr std::string_view kYaml = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  containers: [{name: app, image: nginx:1.25}]
)";
  HardeningRun run(kYaml);
  const auto found = run.of(CheckId::kEksHostNetworkImds);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].info().id, "EKS-POD-007");
  EXPECT_EQ(found[0].path, "spec.hostNetwork");
  EXPECT_EQ(found[0].position.line, line_of(kYaml, "hostNetwork"));
  EXPECT_NE(found[0].message.find("169.254.169.254"), std::string::npos);
  EXPECT_NE(found[0].message.find("hop"), std::string::npos);
}

TEST(HardeningPodTest, HostNetworkFalseOrAbsentPasses) {
  HardeningRun off(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: false
  containers: [{name: app, image: nginx:1.25}]
)");
  EXPECT_TRUE(off.of(CheckId::kEksHostNetworkImds).empty());
  HardeningRun absent(kMinimalPod);
  EXPECT_TRUE(absent.of(CheckId::kEksHostNetworkImds).empty());
}

// ---- EKS-POD-013 / 014 ----------------------------------------------------------------------

constexpr std::string_view kResources = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
      containers:
      - name: none
        image: api:1.0
      - name: cpu-only
        image: api:1.0
        resources:
          requests:
            cpu: 100m
          limits:
            cpu: "1"
      - name: limits-only
        image: api:1.0
        resources:
          limits: {cpu: 500m, memory: 256Mi}
      - name: complete
        image: api:1.0
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
      ephemeralContainers:
      - name: debug
        image: busybox:1.36
)";

TEST(HardeningPodTest, MissingRequestsListWhatIsMissing) {
  HardeningRun run(kResources);
  const auto found = run.of(CheckId::kEksMissingRequests);
  ASSERT_EQ(found.size(), 3u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-013");
  EXPECT_EQ(found[0].path, "spec.template.spec.initContainers[0].resources.requests");
  EXPECT_EQ(
      found[0].message,
      "initContainer \"init\" does not set resources.requests.cpu and resources.requests.memory");
  EXPECT_EQ(found[0].position.line, line_of(kResources, "- name: init"));
  EXPECT_EQ(found[1].path, "spec.template.spec.containers[0].resources.requests");
  // cpu-only: one field missing, reported at the requests mapping.
  EXPECT_EQ(found[2].path, "spec.template.spec.containers[1].resources.requests.memory");
  EXPECT_EQ(found[2].message, "container \"cpu-only\" does not set resources.requests.memory");
  EXPECT_EQ(found[2].position.line, line_of(kResources, "            cpu: 100m"));
}

TEST(HardeningPodTest, MissingLimitsListWhatIsMissing) {
  HardeningRun run(kResources);
  const auto found = run.of(CheckId::kEksMissingLimits);
  ASSERT_EQ(found.size(), 3u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-014");
  EXPECT_EQ(found[0].path, "spec.template.spec.initContainers[0].resources.limits");
  EXPECT_EQ(found[1].path, "spec.template.spec.containers[0].resources.limits");
  EXPECT_EQ(found[1].position.line, line_of(kResources, "- name: none"));
  EXPECT_EQ(found[2].path, "spec.template.spec.containers[1].resources.limits.memory");
  EXPECT_EQ(found[2].message, "container \"cpu-only\" does not set resources.limits.memory");
  EXPECT_EQ(found[2].position.line, line_of(kResources, "            cpu: \"1\""));
}

TEST(HardeningPodTest, PodLevelResourcesCoverContainers) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources:
    requests: {cpu: "1", memory: 1Gi}
    limits: {cpu: "2", memory: 2Gi}
  containers: [{name: app, image: nginx:1.25}]
)");
  EXPECT_TRUE(run.of(CheckId::kEksMissingRequests).empty()) << ids(run.findings());
  EXPECT_TRUE(run.of(CheckId::kEksMissingLimits).empty()) << ids(run.findings());
}

TEST(HardeningPodTest, NullOrBlankQuantitiesAreMissing) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: nginx:1.25
    resources:
      requests: {cpu: "", memory: ~}
      limits: {cpu: 1, memory: 1Gi}
)");
  // Requests default to the limits.
  EXPECT_TRUE(run.of(CheckId::kEksMissingRequests).empty()) << ids(run.findings());
  EXPECT_TRUE(run.of(CheckId::kEksMissingLimits).empty());

  HardeningRun blank(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: nginx:1.25
    resources:
      limits: {cpu: "", memory: ~}
)");
  const auto limits = blank.of(CheckId::kEksMissingLimits);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].path, "spec.containers[0].resources.limits");
}

// ---- EKS-POD-015 ----------------------------------------------------------------------------

TEST(HardeningPodTest, ExplicitDefaultNamespaceIsReported) {
  constexpr std::string_view kYaml = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  template:
    spec:
      containers: [{name: app, image: nginx:1.25}]
)";
  HardeningRun run(kYaml);
  const auto found = run.of(CheckId::kEksDefaultNamespace);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].info().id, "EKS-POD-015");
  EXPECT_EQ(found[0].path, "metadata.namespace");
  EXPECT_EQ(found[0].position.line, line_of(kYaml, "namespace: default"));
  EXPECT_EQ(found[0].message, "Deployment \"web\" is deployed to the default namespace");
}

TEST(HardeningPodTest, ObjectsWithoutNamespaceAreNamespaceAgnostic) {
  HardeningRun none(kMinimalPod);
  EXPECT_TRUE(none.of(CheckId::kEksDefaultNamespace).empty());
  HardeningRun other(R"(apiVersion: v1
kind: Pod
metadata: {name: p, namespace: defaults}
spec:
  containers: [{name: app, image: nginx:1.25}]
)");
  EXPECT_TRUE(other.of(CheckId::kEksDefaultNamespace).empty());
}

TEST(HardeningPodTest, PathsIncludeTheListPrefixOfTheObject) {
  auto document = parse_one(R"(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: default}
  spec:
    hostNetwork: true
    containers: [{name: app, image: nginx}]
)");
  const doc::Node* item = document.root()->get("items")->items()[0];
  const k8s::Object object = k8s::make_object(*item, document.file(), "items[0]");
  auto pod = k8s::extract_pod_template(object);
  ASSERT_TRUE(pod && pod->has_value());
  std::vector<Finding> findings;
  FindingEmitter emitter(object, findings);
  hardening::check_pod_hardening(object, **pod, {}, emitter);
  std::vector<std::string> paths;
  for (const Finding& finding : findings) paths.push_back(finding.path);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "items[0].metadata.namespace"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "items[0].spec.hostNetwork"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "items[0].spec.containers[0].image"),
            paths.end());
}

TEST(HardeningPodTest, MalformedFieldsAreIgnoredNotCrashedOn) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes: {oops: 1}
  containers:
  - name: app
    image: 42
    env: "not a list"
    envFrom: [1, 2]
    volumeMounts: [[], {name: 3}]
    resources: []
    securityContext: "x"
)");
  // Whatever is unreadable is skipped; the fields that are missing are still reported.
  EXPECT_EQ(run.of(CheckId::kEksWritableRootFilesystem).size(), 1u);
  EXPECT_EQ(run.of(CheckId::kEksMissingRequests).size(), 1u);
  EXPECT_TRUE(run.of(CheckId::kEksImageNoDigest).empty());
}

}  // namespace
}  // namespace eksguard::testing
