// The Kubernetes webhooks without transport: decode + map + authorize + encode per review, as
// WebhookService::authorize / admit run them for the HTTPS server, with 300 policies loaded.
//   BM_K8sAuthorizeSar        a SubjectAccessReview (list configmaps with a label selector)
//   BM_K8sAdmitPod10KB        a ~10 KB Pod CREATE AdmissionReview
//   BM_K8sDecode*             decoding and mapping alone, for the breakdown
//   BM_K8sSchemaParse, BM_K8sConversionPlanCompile   start-up: the embedded schema
//   BM_K8sPolicyReload/mode   reloading the 300 policies (read, parse, validate as
//                             strict=0, warn=1, off=2), what every policy change costs
// ->Threads(2) rows show the throughput of both cores of the reference machine.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/review.h"
#include "k8s_authz/service.h"

namespace {

namespace fs = std::filesystem;
namespace k8s = eksguard::k8s_authz;

// 300 policies in 10 files: permits and forbids on authorization and admission requests, of the
// shapes the prototype's demo uses (groups, namespaces, label selectors, labels, pod fields).
std::string policy_file(int file) {
  std::string text;
  for (int i = file * 30; i < file * 30 + 30; ++i) {
    switch (i % 5) {
      case 0:
        text += fmt::format(
            "permit (principal in k8s::Group::\"team-{0}\", action in [k8s::Action::\"get\", "
            "k8s::Action::\"list\", k8s::Action::\"watch\"], resource is k8s::Resource)\n"
            "when {{ resource has namespace && resource.namespace == \"ns-{0}\" }};\n",
            i);
        break;
      case 1:
        text += fmt::format(
            "forbid (principal is k8s::User in k8s::Group::\"restricted-{0}\", action in "
            "[k8s::Action::\"list\", k8s::Action::\"watch\"], resource is k8s::Resource)\n"
            "unless {{ resource has labelSelector && resource.labelSelector.contains({{\"key\": "
            "\"owner\", \"operator\": \"in\", \"values\": [principal.name]}}) }};\n",
            i);
        break;
      case 2:
        text += fmt::format(
            "forbid (principal, action in k8s::admission::Action::\"all\", resource is "
            "core::v1::Pod)\nwhen {{ resource has spec && resource.spec has hostNetwork && "
            "resource.spec.hostNetwork && resource has metadata && resource.metadata has "
            "namespace && resource.metadata.namespace == \"ns-{}\" }};\n",
            i);
        break;
      case 3:
        text += fmt::format(
            "forbid (principal is k8s::User in k8s::Group::\"labelled-{}\", action in "
            "[k8s::admission::Action::\"create\", k8s::admission::Action::\"update\"], "
            "resource)\nunless {{ resource has metadata && resource.metadata has labels && "
            "resource.metadata.labels.contains({{\"key\": \"owner\", \"value\": "
            "principal.name}}) }};\n",
            i);
        break;
      default:
        text += fmt::format(
            "permit (principal, action == k8s::Action::\"get\", resource is k8s::Resource)\n"
            "when {{ principal.name == \"user-{0}\" && resource.resource == \"pods\" && "
            "resource.apiGroup == \"\" }};\n",
            i);
        break;
    }
  }
  return text;
}

struct Setup {
  Setup() {
    dir = fs::temp_directory_path() / fmt::format("eksguard-bench-{}", ::getpid());
    fs::create_directories(dir);
    for (int file = 0; file < 10; ++file) {
      std::ofstream(dir / fmt::format("policies-{:02}.cedar", file)) << policy_file(file);
    }
    k8s::ServiceConfig config;
    config.policy_dir = dir;
    auto created = k8s::WebhookService::create(config);
    if (created && (*created)->ready()) service = std::move(*created);
    sar = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{
      "user":"sample-user","uid":"c1b7d3c4-1e1e-4b8e-9d0e-5d2f0c1a2b3c",
      "groups":["team-10","restricted-11","system:authenticated"],
      "extra":{"authentication.kubernetes.io/credential-id":["X509SHA256=abc"]},
      "resourceAttributes":{"namespace":"ns-10","verb":"list","group":"","version":"v1",
      "resource":"configmaps","labelSelector":{"requirements":[{"key":"owner","operator":"In",
      "values":["sample-user"]}]}}}})";
    std::string containers;
    for (int c = 0; c < 6; ++c) {
      std::string env;
      for (int e = 0; e < 12; ++e) {
        env += fmt::format(R"({}{{"name":"ENV_VAR_{}_{}","value":"value-{}-{}-abcdefghijkl"}})",
                           e == 0 ? "" : ",", c, e, c, e);
      }
      containers += fmt::format(
          R"({}{{"name":"container-{}","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/app-{}:v1.2.3",
          "command":["/bin/app","--port=8080","--verbose"],"env":[{}],
          "ports":[{{"containerPort":{},"protocol":"TCP"}}],
          "resources":{{"limits":{{"cpu":"500m","memory":"256Mi"}},"requests":{{"cpu":"100m","memory":"128Mi"}}}},
          "volumeMounts":[{{"name":"data","mountPath":"/data"}},{{"name":"cfg","mountPath":"/etc/app","readOnly":true}}],
          "securityContext":{{"runAsNonRoot":true,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,
          "capabilities":{{"drop":["ALL"]}},"seccompProfile":{{"type":"RuntimeDefault"}}}}}})",
          c == 0 ? "" : ",", c, c, env, 8080 + c);
    }
    const std::string pod = fmt::format(
        R"({{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"web-7d9f8c6b5-x2x4z","namespace":"ns-12",
        "labels":{{"app":"web","owner":"sample-user","pod-template-hash":"7d9f8c6b5","tier":"frontend"}},
        "annotations":{{"kubernetes.io/psp":"eks.privileged","prometheus.io/scrape":"true","prometheus.io/port":"9090"}},
        "ownerReferences":[{{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d9f8c6b5","uid":"0a1b2c3d","controller":true}}]}},
        "spec":{{"serviceAccountName":"web","nodeSelector":{{"kubernetes.io/os":"linux"}},
        "securityContext":{{"fsGroup":2000,"runAsUser":1000}},"containers":[{}],
        "volumes":[{{"name":"data","emptyDir":{{}}}},{{"name":"cfg","configMap":{{"name":"web-config"}}}}],
        "tolerations":[{{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}}]}}}})",
        containers);
    admission = fmt::format(
        R"({{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{{
        "uid":"705ab4f5-6393-11e8-b7cc-42010a800002","kind":{{"group":"","version":"v1","kind":"Pod"}},
        "resource":{{"group":"","version":"v1","resource":"pods"}},"name":"web-7d9f8c6b5-x2x4z",
        "namespace":"ns-12","operation":"CREATE","userInfo":{{"username":"sample-user",
        "groups":["labelled-13","system:authenticated"]}},"object":{},"dryRun":false}}}})",
        pod);
  }
  ~Setup() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  fs::path dir;
  std::unique_ptr<k8s::WebhookService> service;
  std::string sar;
  std::string admission;
};

Setup& setup() {
  static Setup instance;
  return instance;
}

void BM_K8sAuthorizeSar(benchmark::State& state) {
  Setup& s = setup();
  if (!s.service) return state.SkipWithError("policies did not load");
  for (auto _ : state) {
    k8s::WebhookReply reply = s.service->authorize(s.sar);
    benchmark::DoNotOptimize(reply);
  }
  state.counters["reviews/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(s.service->authorize(s.sar).outcome));
}
BENCHMARK(BM_K8sAuthorizeSar)->Threads(1)->Threads(2)->UseRealTime();

void BM_K8sAdmitPod10KB(benchmark::State& state) {
  Setup& s = setup();
  if (!s.service) return state.SkipWithError("policies did not load");
  for (auto _ : state) {
    k8s::WebhookReply reply = s.service->admit(s.admission);
    benchmark::DoNotOptimize(reply);
  }
  state.counters["reviews/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(
      fmt::format("{} bytes, {}", s.admission.size(), s.service->admit(s.admission).outcome));
}
BENCHMARK(BM_K8sAdmitPod10KB)->Threads(1)->Threads(2)->UseRealTime();

void BM_K8sDecodeSar(benchmark::State& state) {
  Setup& s = setup();
  for (auto _ : state) {
    auto review = k8s::decode_access_review(s.sar);
    benchmark::DoNotOptimize(review);
  }
}
BENCHMARK(BM_K8sDecodeSar);

void BM_K8sDecodePod10KB(benchmark::State& state) {
  Setup& s = setup();
  for (auto _ : state) {
    auto review = k8s::decode_admission_review(s.admission, s.service->conversion_plan());
    benchmark::DoNotOptimize(review);
  }
}
BENCHMARK(BM_K8sDecodePod10KB);

// Start-up: parsing the embedded schema and compiling its conversion plan.
void BM_K8sSchemaParse(benchmark::State& state) {
  for (auto _ : state) {
    auto schema = k8s::k8s_schema();
    benchmark::DoNotOptimize(schema);
  }
  state.SetLabel(fmt::format("{} bytes", k8s::k8s_schema_text().size()));
}
BENCHMARK(BM_K8sSchemaParse)->Unit(benchmark::kMillisecond);

void BM_K8sConversionPlanCompile(benchmark::State& state) {
  auto schema = k8s::k8s_schema();
  if (!schema) return state.SkipWithError("the schema does not parse");
  size_t nodes = 0;
  for (auto _ : state) {
    auto plan = k8s::ConversionPlan::compile(*schema);
    nodes = plan->node_count();
    benchmark::DoNotOptimize(plan);
  }
  state.SetLabel(fmt::format("{} plan nodes, {} entity types, {} common types", nodes,
                             schema->entity_types().size(), schema->common_types().size()));
}
BENCHMARK(BM_K8sConversionPlanCompile)->Unit(benchmark::kMillisecond);
void BM_K8sPolicyReload(benchmark::State& state) {
  Setup& s = setup();
  k8s::ServiceConfig config;
  config.policy_dir = s.dir;
  config.policy_validation = static_cast<k8s::ValidationMode>(state.range(0));
  auto service = k8s::WebhookService::create(config);
  if (!service || !(*service)->ready()) return state.SkipWithError("policies did not load");
  for (auto _ : state) {
    k8s::ReloadResult result = (*service)->reload();
    benchmark::DoNotOptimize(result);
  }
  state.SetLabel(std::string(k8s::validation_mode_name(config.policy_validation)));
}
BENCHMARK(BM_K8sPolicyReload)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
