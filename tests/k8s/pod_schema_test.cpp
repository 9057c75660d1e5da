// Shape validation of pod templates: one case per kind of error, with its path, position and
// message; valid pods (a complex one, upstream's PSS fixtures, the repository's examples) give
// no error.
#include "k8s/pod_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "doc/loader.h"
#include "k8s/object.h"
#include "k8s/workload.h"
#include "support/test_support.h"

namespace eksguard::testing {
namespace {

namespace fs = std::filesystem;
using k8s::ShapeError;

// Parses one manifest, extracts its pod template and validates it. Not movable: the object
// refers to the document it lives beside.
class Validation {
 public:
  explicit Validation(std::string_view text, std::string_view file = "test.yaml")
      : document_(parse_one(text, file)) {
    if (document_.root() == nullptr) return;
    const doc::Node* root = document_.root();
    std::string prefix;
    if (const doc::Node* items = root->get("items"); items != nullptr && items->size() > 0) {
      root = items->items()[0];
      prefix = "items[0]";
    }
    object_ = k8s::make_object(*root, document_.file(), prefix);
    auto pod = k8s::extract_pod_template(object_);
    if (!pod || !pod->has_value()) {
      ADD_FAILURE() << "no pod template: " << (pod ? "not a workload" : pod.error().message);
      return;
    }
    pod_ = std::move(**pod);
    errors_ = k8s::validate_pod_template(*pod_);
  }
  Validation(const Validation&) = delete;
  Validation& operator=(const Validation&) = delete;

  const std::vector<ShapeError>& errors() const { return errors_; }
  const k8s::PodTemplate& pod() const { return *pod_; }

 private:
  doc::Document document_;
  k8s::Object object_;
  std::optional<k8s::PodTemplate> pod_;
  std::vector<ShapeError> errors_;
};

// 1-based line and column of the first occurrence of `needle` in `text`.
doc::Position position_of(std::string_view text, std::string_view needle) {
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  if (at == std::string_view::npos) return {};
  const std::string_view before = text.substr(0, at);
  const size_t line_start = before.rfind('\n');
  return doc::Position{
      static_cast<uint32_t>(std::count(before.begin(), before.end(), '\n') + 1),
      static_cast<uint32_t>(line_start == std::string_view::npos ? at + 1 : at - line_start)};
}

struct Expected {
  std::string path;
  std::string problem;  // the message after the path
  std::string_view at;  // text whose first occurrence is the offending value
};

void expect_errors(const Validation& run, std::string_view text,
                   const std::vector<Expected>& expected) {
  std::ostringstream all;
  for (const ShapeError& error : run.errors()) all << "\n  " << error.message;
  ASSERT_EQ(run.errors().size(), expected.size()) << "errors:" << all.str();
  for (size_t i = 0; i < expected.size(); ++i) {
    const ShapeError& error = run.errors()[i];
    SCOPED_TRACE(expected[i].path);
    EXPECT_EQ(error.path, expected[i].path);
    EXPECT_EQ(error.message, expected[i].path + " " + expected[i].problem);
    ASSERT_NE(error.node, nullptr);
    const doc::Position want = position_of(text, expected[i].at);
    EXPECT_EQ(error.node->position().line, want.line);
    EXPECT_EQ(error.node->position().column, want.column);
  }
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every field of the schema, set correctly, plus nulls, unknown fields and the spellings of
// numbers that the decoder accepts.
constexpr std::string_view kValidDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: runtime/default
        empty: ""
        unset: null
      labels: {app: web}
    spec:
      hostNetwork: false
      hostPID: no
      hostIPC: null
      hostUsers: false
      automountServiceAccountToken: false
      serviceAccountName: web
      serviceAccount: web
      os: {name: linux}
      futureField: {anything: [1, 2]}
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 3000.0
        fsGroup: 0x7D0
        supplementalGroups: [1, 2_000, null]
        seccompProfile: {type: Localhost, localhostProfile: profiles/web.json}
        seLinuxOptions: {user: u, role: r, type: container_t, level: "s0:c1,c2"}
        appArmorProfile: {type: RuntimeDefault}
        windowsOptions: {hostProcess: false, gmsaCredentialSpecName: g, gmsaCredentialSpec: "{}", runAsUserName: "ContainerUser"}
        sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]
      resources:
        requests: {cpu: 1, memory: 1Gi}
        limits: {cpu: "2", memory: 2.5e9, nvidia.com/gpu: 1}
      volumes:
        - name: data
          emptyDir: {}
        - name: logs
          hostPath: {path: /var/log, type: Directory}
        - name: config
          configMap: {name: web-config}
        - name: cache
          emptyDir:
        - name: vendor
          vendorVolume: 7
      initContainers:
        - name: init
          image: registry.example.com/init:1.0
          securityContext: {allowPrivilegeEscalation: false, runAsUser: null}
      containers:
        - name: app
          image: "1.0"
          securityContext:
            privileged: false
            allowPrivilegeEscalation: off
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 1000
            runAsGroup: 1000
            procMount: Default
            capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
            seccompProfile: {type: RuntimeDefault}
            seLinuxOptions: {type: container_t}
            appArmorProfile: {type: Localhost, localhostProfile: k8s-web}
            windowsOptions: {hostProcess: null}
          ports:
            - {containerPort: 8080, hostPort: 0, protocol: TCP, hostIP: 0.0.0.0, name: http}
            - {containerPort: 8443.0, name: https}
          env:
            - {name: MODE, value: production}
            - {name: EMPTY, value: ""}
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: web, key: token, optional: true}}
            - name: LEVEL
              valueFrom: {configMapKeyRef: {name: web, key: level}}
            - name: NODE
              valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
          envFrom:
            - {prefix: WEB_, secretRef: {name: web}}
            - configMapRef: {name: web, optional: false}
          volumeMounts:
            - {name: logs, mountPath: /logs, readOnly: true}
          resources:
            requests: {cpu: 250m, memory: 64Mi, ephemeral-storage: 1Gi}
            limits: {cpu: 0.5, memory: null}
          livenessProbe:
            httpGet: {host: "", port: 8080, path: /healthz, scheme: HTTP}
            initialDelaySeconds: 3
          readinessProbe:
            tcpSocket: {port: http}
          startupProbe:
            grpc: {port: 9090}
          lifecycle:
            postStart:
              exec: {command: [sh, -c, "true"]}
            preStop:
              sleep: {seconds: 5}
      ephemeralContainers:
        - name: debug
          image: busybox
          stdin: true
)";

TEST(PodSchema, ValidComplexPodHasNoErrors) {
  const Validation run(kValidDeployment);
  for (const ShapeError& error : run.errors()) ADD_FAILURE() << error.message;
  ASSERT_EQ(run.pod().containers.size(), 3u);
}

TEST(PodSchema, StringForBoolean) {
  constexpr std::string_view kText = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      hostNetwork: "false"
      containers:
        - name: app
          image: nginx
          securityContext:
            privileged: "true"
)";
  const Validation run(kText);
  expect_errors(
      run, kText,
      {{"spec.template.spec.hostNetwork", "must be a boolean, found a string", "\"false\""},
       {"spec.template.spec.containers[0].securityContext.privileged",
        "must be a boolean, found a string", "\"true\""}});
}

TEST(PodSchema, ScalarForMapping) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  os: linux
  containers:
    - name: app
      image: nginx
      securityContext: yes
      resources:
        requests: 100m
)";
  const Validation run(kText);
  expect_errors(
      run, kText,
      {{"spec.os", "must be a mapping, found a string", "linux"},
       {"spec.containers[0].securityContext", "must be a mapping, found a boolean (yes)", "yes"},
       {"spec.containers[0].resources.requests", "must be a mapping, found a string", "100m"}});
}

TEST(PodSchema, MappingForList) {
  constexpr std::string_view kText = R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      volumes: {}
      securityContext:
        sysctls: {name: kernel.shm_rmid_forced, value: "1"}
      containers:
        - name: agent
          image: agent
          env: {name: MODE}
)";
  const Validation run(kText);
  expect_errors(run, kText,
                {{"spec.template.spec.volumes", "must be a list, found a mapping", "{}"},
                 {"spec.template.spec.securityContext.sysctls", "must be a list, found a mapping",
                  "{name: kernel"},
                 {"spec.template.spec.containers[0].env", "must be a list, found a mapping",
                  "{name: MODE}"}});
}

TEST(PodSchema, NonIntegralNumberForInteger) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    runAsUser: 1000.5
    supplementalGroups: [1, 2.25]
  containers:
    - name: app
      image: nginx
      ports:
        - containerPort: 8080
          hostPort: 80.5
        - containerPort: .inf
)";
  const Validation run(kText);
  expect_errors(run, kText,
                {{"spec.securityContext.runAsUser",
                  "must be an integer, found a non-integral number (1000.5)", "1000.5"},
                 {"spec.securityContext.supplementalGroups[1]",
                  "must be an integer, found a non-integral number (2.25)", "2.25"},
                 {"spec.containers[0].ports[0].hostPort",
                  "must be an integer, found a non-integral number (80.5)", "80.5"},
                 {"spec.containers[0].ports[1].containerPort",
                  "must be an integer, found a non-integral number (.inf)", ".inf"}});
}

TEST(PodSchema, IntegerOutOfRange) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    runAsUser: 1e30
    runAsGroup: 99999999999999999999
    fsGroup: -9223372036854775808
    supplementalGroups: [1e400, 1e-400]
  containers:
    - name: app
      image: nginx
      ports:
        - containerPort: 2147483647
          hostPort: 2147483648
        - containerPort: 0x100000000
          hostPort: -2147483648
)";
  const Validation run(kText);
  expect_errors(
      run, kText,
      {{"spec.securityContext.runAsUser",
        "must be a 64-bit integer, found a number out of range (1e30)", "1e30"},
       {"spec.securityContext.runAsGroup",
        "must be a 64-bit integer, found a number out of range (99999999999999999999)",
        "99999999999999999999"},
       {"spec.securityContext.supplementalGroups[0]",
        "must be a 64-bit integer, found a number out of range (1e400)", "1e400"},
       {"spec.securityContext.supplementalGroups[1]",
        "must be an integer, found a non-integral number (1e-400)", "1e-400"},
       {"spec.containers[0].ports[0].hostPort",
        "must be a 32-bit integer, found a number out of range (2147483648)", "2147483648"},
       {"spec.containers[0].ports[1].containerPort",
        "must be a 32-bit integer, found a number out of range (0x100000000)", "0x100000000"}});
}

TEST(PodSchema, IntegerSpellingsTheDecoderAccepts) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    runAsUser: +1_000
    runAsGroup: 1e3
    fsGroup: 0o17
    supplementalGroups: [0b101, -0x1F, 017, 10.0]
  containers:
    - name: app
      image: nginx
      ports:
        - {containerPort: 8080.0, hostPort: 0x1F}
)";
  const Validation run(kText);
  for (const ShapeError& error : run.errors()) ADD_FAILURE() << error.message;
}

TEST(PodSchema, NonStringAnnotation) {
  constexpr std::string_view kText = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    metadata:
      annotations:
        replicas: 3
        enabled: true
        ok: "3"
        unset: null
        nested: {a: b}
        container.apparmor.security.beta.kubernetes.io/db: [unconfined]
    spec:
      containers: [{name: db, image: postgres}]
)";
  const Validation run(kText);
  const std::string base = "spec.template.metadata.annotations";
  expect_errors(run, kText,
                {{base + "['replicas']", "must be a string, found a number (3)", "3\n"},
                 {base + "['enabled']", "must be a string, found a boolean (true)", "true"},
                 {base + "['nested']", "must be a string, found a mapping", "{a: b}"},
                 {base + "['container.apparmor.security.beta.kubernetes.io/db']",
                  "must be a string, found a list", "[unconfined]"}});
}

TEST(PodSchema, AnnotationsOfTheWrongShape) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations: [a, b]
spec:
  containers: [{name: app, image: nginx}]
)";
  const Validation run(kText);
  expect_errors(run, kText,
                {{"metadata.annotations", "must be a mapping, found a list", "[a, b]"}});
}

TEST(PodSchema, WrongItemTypeInList) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  volumes:
    - name: data
      emptyDir: {}
    - data
  containers:
    - name: app
      image: nginx
      securityContext:
        capabilities:
          add: [NET_BIND_SERVICE, 1, {NET_ADMIN: true}]
          drop: ALL
      volumeMounts:
        - [data, /data]
)";
  const Validation run(kText);
  const std::string capabilities = "spec.containers[0].securityContext.capabilities";
  expect_errors(
      run, kText,
      {{"spec.volumes[1]", "must be a mapping, found a string", "data\n  containers"},
       {capabilities + ".add[1]", "must be a string, found a number (1)", "1,"},
       {capabilities + ".add[2]", "must be a string, found a mapping", "{NET_ADMIN"},
       {capabilities + ".drop", "must be a list, found a string", "ALL"},
       {"spec.containers[0].volumeMounts[0]", "must be a mapping, found a list", "[data, /data]"}});
}

TEST(PodSchema, NestedProbeAndLifecycleHandlers) {
  constexpr std::string_view kText = R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: report
              livenessProbe:
                httpGet: {path: /healthz, port: true}
              readinessProbe:
                tcpSocket: {host: 10, port: 8080}
              startupProbe:
                exec: sh -c true
              lifecycle:
                preStop:
                  httpGet: {host: metadata.internal, port: 80.5}
                postStart: /bin/true
)";
  const Validation run(kText);
  const std::string c = "spec.jobTemplate.spec.template.spec.containers[0]";
  expect_errors(
      run, kText,
      {{c + ".livenessProbe.httpGet.port", "must be an integer or a string, found a boolean (true)",
        "true}"},
       {c + ".readinessProbe.tcpSocket.host", "must be a string, found a number (10)", "10,"},
       {c + ".startupProbe.exec", "must be a mapping, found a string", "sh -c true"},
       {c + ".lifecycle.preStop.httpGet.port",
        "must be an integer or a string, found a non-integral number (80.5)", "80.5"},
       {c + ".lifecycle.postStart", "must be a mapping, found a string", "/bin/true"}});
}

TEST(PodSchema, YamlNumbersAndBooleansInStringFields) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  serviceAccountName: 1.0
  containers:
    - name: on
      image: 1.0
      env:
        - {name: PORT, value: 8080}
        - {name: DEBUG, value: yes}
)";
  const Validation run(kText);
  // Unquoted, these are numbers and booleans to the document model, as to Kubernetes' decoder.
  const doc::Node* image = run.pod().containers.at(0).node->get("image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->kind(), doc::NodeKind::kNumber);
  expect_errors(
      run, kText,
      {{"spec.serviceAccountName", "must be a string, found a number (1.0)", "1.0"},
       {"spec.containers[0].name", "must be a string, found a boolean (on)", "on\n"},
       {"spec.containers[0].image", "must be a string, found a number (1.0)", "1.0\n      env"},
       {"spec.containers[0].env[0].value", "must be a string, found a number (8080)", "8080"},
       {"spec.containers[0].env[1].value", "must be a string, found a boolean (yes)", "yes"}});
}

TEST(PodSchema, ResourceQuantities) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  resources:
    limits: [cpu, memory]
  containers:
    - name: app
      image: nginx
      resources:
        requests: {cpu: true, memory: 64Mi}
        limits: {cpu: 1, nvidia.com/gpu: {count: 1}}
)";
  const Validation run(kText);
  const std::string r = "spec.containers[0].resources";
  expect_errors(run, kText,
                {{"spec.resources.limits", "must be a mapping, found a list", "[cpu, memory]"},
                 {r + ".requests.cpu",
                  "must be a quantity (a string or a number), found a "
                  "boolean (true)",
                  "true"},
                 {r + ".limits['nvidia.com/gpu']",
                  "must be a quantity (a string or a number), found a mapping", "{count: 1}"}});
}

TEST(PodSchema, EnvSourcesAndVolumes) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  volumes:
    - name: root
      hostPath: /
    - name: sock
      hostPath: {path: [/run/containerd.sock]}
    - name: cfg
      configMap: web-config
  containers:
    - name: app
      image: nginx
      env:
        - name: TOKEN
          valueFrom: {secretKeyRef: web/token}
        - name: LEVEL
          valueFrom: web
      envFrom:
        - secretRef: {name: 42}
      volumeMounts:
        - {name: root, mountPath: /host, readOnly: "yes"}
)";
  const Validation run(kText);
  const std::string c = "spec.containers[0]";
  expect_errors(
      run, kText,
      {{"spec.volumes[0].hostPath", "must be a mapping, found a string", "/\n"},
       {"spec.volumes[1].hostPath.path", "must be a string, found a list", "[/run"},
       {"spec.volumes[2].configMap", "must be a mapping, found a string", "web-config"},
       {c + ".env[0].valueFrom.secretKeyRef", "must be a mapping, found a string", "web/token"},
       {c + ".env[1].valueFrom", "must be a mapping, found a string", "web\n"},
       {c + ".envFrom[0].secretRef.name", "must be a string, found a number (42)", "42"},
       {c + ".volumeMounts[0].readOnly", "must be a boolean, found a string", "\"yes\""}});
}

TEST(PodSchema, EveryContainerKindInDocumentOrder) {
  // The metadata comes after the spec here: errors still come out in document order.
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
spec:
  ephemeralContainers:
    - name: debug
      image: busybox
      securityContext: {privileged: 1}
  initContainers:
    - name: init
      image: init
      securityContext: {runAsNonRoot: "true"}
  containers:
    - name: app
      image: nginx
      securityContext: {readOnlyRootFilesystem: [true]}
metadata:
  name: web
  annotations: {note: 12}
)";
  const Validation run(kText);
  ASSERT_EQ(run.pod().containers.size(), 3u);
  // The paths are the containers' own, as findings name them.
  expect_errors(run, kText,
                {{run.pod().containers[2].path + ".securityContext.privileged",
                  "must be a boolean, found a number (1)", "1}"},
                 {run.pod().containers[0].path + ".securityContext.runAsNonRoot",
                  "must be a boolean, found a string", "\"true\""},
                 {run.pod().containers[1].path + ".securityContext.readOnlyRootFilesystem",
                  "must be a boolean, found a list", "[true]"},
                 {"metadata.annotations['note']", "must be a string, found a number (12)", "12}"}});
  EXPECT_EQ(run.pod().containers[2].path, "spec.ephemeralContainers[0]");
}

TEST(PodSchema, NullIsNeverAnError) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations: {a: null, b: ~}
spec:
  hostNetwork: null
  os: ~
  securityContext: {runAsUser: null, seccompProfile: null, sysctls: [null], supplementalGroups: null}
  volumes: [{name: data, hostPath: null, emptyDir: null}, null]
  resources: {requests: null, limits: {cpu: null}}
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: null
        capabilities: {add: [null], drop: ~}
      ports: [{containerPort: null, hostPort: null}]
      env: [{name: A, value: null, valueFrom: null}]
      livenessProbe: {httpGet: {port: null, host: null}}
      lifecycle: {preStop: null}
)";
  const Validation run(kText);
  for (const ShapeError& error : run.errors()) ADD_FAILURE() << error.message;
}

TEST(PodSchema, UnknownFieldsAreNotChecked) {
  constexpr std::string_view kText = R"(apiVersion: v1
kind: Pod
metadata: {name: web, labels: {version: 1.0}}
spec:
  newPodField: 1.5
  securityContext: {futureOption: [1], seccompProfile: {type: RuntimeDefault, extra: 1}}
  volumes: [{name: x, futureVolumeSource: yes}]
  containers:
    - name: app
      image: nginx
      command: [sh, -c, 1]
      securityContext: {capabilities: {add: [], ambient: 7}, newFlag: "true"}
      livenessProbe: {httpGet: {port: 80, httpHeaders: 3}, periodSeconds: fast}
)";
  const Validation run(kText);
  for (const ShapeError& error : run.errors()) ADD_FAILURE() << error.message;
}

TEST(PodSchema, JsonManifest) {
  constexpr std::string_view kText = R"({
  "apiVersion": "v1",
  "kind": "List",
  "items": [{
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {"template": {"spec": {
      "containers": [{
        "name": "app",
        "image": "nginx",
        "ports": [{"containerPort": 8080, "hostPort": "8080"}],
        "securityContext": {"privileged": 1, "runAsUser": 1000.0}
      }]
    }}}
  }]
}
)";
  const Validation run(kText, "list.json");
  const std::string c = "items[0].spec.template.spec.containers[0]";
  expect_errors(
      run, kText,
      {{c + ".ports[0].hostPort", "must be an integer, found a string", "\"8080\""},
       {c + ".securityContext.privileged", "must be a boolean, found a number (1)", "1,"}});
}

// Validates every workload in `file`; returns how many there were.
size_t expect_valid_workloads(const fs::path& file) {
  SCOPED_TRACE(file.string());
  auto documents = doc::load_all(read_text(file), file.string());
  if (!documents) {
    ADD_FAILURE() << file << ": " << documents.error().message;
    return 0;
  }
  size_t workloads = 0;
  auto validate = [&](const k8s::Object& object) {
    auto pod = k8s::extract_pod_template(object);
    if (!pod) {
      ADD_FAILURE() << pod.error().message;
      return;
    }
    if (!pod->has_value()) return;
    ++workloads;
    for (const ShapeError& error : k8s::validate_pod_template(**pod)) {
      ADD_FAILURE() << file.string() << ":" << error.node->position().line << ": " << error.message;
    }
  };
  for (const doc::Document& document : *documents) {
    const doc::Node& root = *document.root();
    if (const doc::Node* items = root.get("items"); items != nullptr) {
      size_t index = 0;
      for (const doc::Node* item : items->items()) {
        validate(
            k8s::make_object(*item, document.file(), "items[" + std::to_string(index++) + "]"));
      }
    } else {
      validate(k8s::make_object(root, document.file()));
    }
  }
  return workloads;
}

TEST(PodSchema, PssFixturesAreValidPods) {
  fs::path dir;
  EKSGUARD_REQUIRE_SHARED("conformance/pss/testdata/restricted/v1.37", dir);
  size_t files = 0;
  size_t pods = 0;
  for (const char* outcome : {"pass", "fail"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(dir / outcome)) {
      if (entry.path().extension() != ".yaml") continue;
      ++files;
      pods += expect_valid_workloads(entry.path());
    }
  }
  EXPECT_GT(files, 90u);
  EXPECT_EQ(pods, files);
}

TEST(PodSchema, ExamplesAreValid) {
  const fs::path examples = fs::path(EKSGUARD_SOURCE_DIR) / "examples";
  size_t workloads = 0;
  bool json_seen = false;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(examples)) {
    const fs::path extension = entry.path().extension();
    if (extension != ".yaml" && extension != ".yml" && extension != ".json") continue;
    const size_t found = expect_valid_workloads(entry.path());
    workloads += found;
    json_seen |= extension == ".json" && found > 0;
  }
  EXPECT_GE(workloads, 5u);  // web, aws-node, node-debugger, payments, nightly-report
  EXPECT_TRUE(json_seen);
}

}  // namespace
}  // namespace eksguard::testing
