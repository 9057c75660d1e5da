// RBAC engine micro-benchmarks over a generated cluster of 5,000 roles (1,000 ClusterRoles,
// 4,000 Roles in 200 namespaces) and 20,000 bindings (2,000 ClusterRoleBindings, 18,000
// RoleBindings), as one `kubectl get -o json` List. Hypothesis: parsing the dump dominates;
// compiling (validation, aggregation, indexes) and answering a who-can are a small fraction.
// Whole-process figures: bench/rbac_whocan.py.
#include <benchmark/benchmark.h>

#include <random>
#include <sstream>
#include <string>

#include "rbac/authorizer.h"
#include "rbac/model.h"
#include "rbac/policy.h"
#include "rbac/queries.h"
#include "rbac/render.h"

namespace {

using namespace eksguard::rbac;

constexpr int kNamespaces = 200;
constexpr int kClusterRoles = 1000;
constexpr int kRolesPerNamespace = 20;
constexpr int kClusterBindings = 2000;
constexpr int kBindingsPerNamespace = 90;

const char* const kResources[][2] = {{"", "pods"},
                                     {"", "pods/exec"},
                                     {"", "secrets"},
                                     {"", "configmaps"},
                                     {"", "services"},
                                     {"", "serviceaccounts"},
                                     {"apps", "deployments"},
                                     {"apps", "deployments/scale"},
                                     {"batch", "jobs"},
                                     {"networking.k8s.io", "ingresses"},
                                     {"rbac.authorization.k8s.io", "rolebindings"},
                                     {"*", "*"}};
const char* const kVerbs[] = {R"("get","list","watch")", R"("get")",
                              R"("create","update","patch","delete")", R"("*")", R"("list")"};

std::string rules(std::mt19937& rng) {
  std::string out = "[";
  const int count = 3 + static_cast<int>(rng() % 4);
  for (int i = 0; i < count; ++i) {
    const auto& resource = kResources[rng() % std::size(kResources)];
    out += (i ? "," : "");
    out += std::string(R"({"apiGroups":[")") + resource[0] + R"("],"resources":[")" + resource[1] +
           R"("],"verbs":[)" + kVerbs[rng() % std::size(kVerbs)] + "]}";
  }
  return out + "]";
}

std::string subjects(std::mt19937& rng, bool cluster) {
  std::string out = "[";
  const int count = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < count; ++i) {
    out += (i ? "," : "");
    const unsigned kind = rng() % 10;
    if (kind < 4) {
      out += R"({"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"user-)" +
             std::to_string(rng() % 5000) + R"(@example.com"})";
    } else if (kind < 6) {
      out += R"({"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"team-)" +
             std::to_string(rng() % 300) + R"("})";
    } else {
      out += R"({"kind":"ServiceAccount","name":"sa-)" + std::to_string(rng() % 40) + "\"";
      if (cluster) out += R"(,"namespace":"ns-)" + std::to_string(rng() % kNamespaces) + "\"";
      out += "}";
    }
  }
  return out + "]";
}

const std::string& cluster_dump() {
  static const std::string text = [] {
    std::mt19937 rng(5);
    std::string out = R"({"apiVersion":"v1","kind":"List","items":[)";
    bool first = true;
    auto item = [&](const std::string& json) {
      out += (first ? "" : ",\n") + json;
      first = false;
    };
    const std::string rbac = R"("apiVersion":"rbac.authorization.k8s.io/v1",)";
    for (int i = 0; i < kClusterRoles; ++i)
      item("{" + rbac + R"("kind":"ClusterRole","metadata":{"name":"cluster-role-)" +
           std::to_string(i) + R"("},"rules":)" + rules(rng) + "}");
    for (int n = 0; n < kNamespaces; ++n)
      for (int r = 0; r < kRolesPerNamespace; ++r)
        item("{" + rbac + R"("kind":"Role","metadata":{"name":"role-)" + std::to_string(r) +
             R"(","namespace":"ns-)" + std::to_string(n) + R"("},"rules":)" + rules(rng) + "}");
    for (int b = 0; b < kClusterBindings; ++b)
      item(
          "{" + rbac + R"("kind":"ClusterRoleBinding","metadata":{"name":"crb-)" +
          std::to_string(b) +
          R"("},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-role-)" +
          std::to_string(rng() % kClusterRoles) + R"("},"subjects":)" + subjects(rng, true) + "}");
    for (int n = 0; n < kNamespaces; ++n)
      for (int b = 0; b < kBindingsPerNamespace; ++b)
        item("{" + rbac + R"("kind":"RoleBinding","metadata":{"name":"rb-)" + std::to_string(b) +
             R"(","namespace":"ns-)" + std::to_string(n) +
             R"("},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"role-)" +
             std::to_string(rng() % kRolesPerNamespace) + R"("},"subjects":)" +
             subjects(rng, false) + "}");
    return out + "]}";
  }();
  return text;
}

Policy compiled() {
  Inputs inputs;
  add_text(cluster_dump(), "dump.json", inputs);
  return Policy::compile(std::move(inputs));
}

WhoCanQuery secrets_query(bool all) {
  ResourceCatalog catalog;
  return WhoCanQuery{*parse_request(catalog, "get", "secrets", "", all ? "" : "ns-7"), all};
}

void BM_RbacLoad(benchmark::State& state) {
  for (auto _ : state) {
    Inputs inputs;
    add_text(cluster_dump(), "dump.json", inputs);
    benchmark::DoNotOptimize(inputs.bindings.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * cluster_dump().size()));
}
BENCHMARK(BM_RbacLoad)->Unit(benchmark::kMillisecond);

void BM_RbacCompile(benchmark::State& state) {
  Inputs inputs;
  add_text(cluster_dump(), "dump.json", inputs);
  for (auto _ : state) {
    Inputs copy = inputs;
    const Policy policy = Policy::compile(std::move(copy));
    benchmark::DoNotOptimize(&policy);
  }
}
BENCHMARK(BM_RbacCompile)->Unit(benchmark::kMillisecond);

void BM_RbacWhoCan(benchmark::State& state) {
  const Policy policy = compiled();
  const WhoCanQuery query = secrets_query(state.range(0) != 0);
  size_t subjects = 0;
  for (auto _ : state) subjects = who_can(policy, query).subjects.size();
  state.counters["subjects"] = static_cast<double>(subjects);
}
BENCHMARK(BM_RbacWhoCan)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_RbacAuthorize(benchmark::State& state) {
  const Policy policy = compiled();
  const Authorizer authorizer(policy);
  const UserInfo user = make_user("system:serviceaccount:ns-7:sa-3", {"team-3"});
  RequestAttributes request;
  request.verb = "list";
  request.namespace_ = "ns-7";
  request.resource = "secrets";
  for (auto _ : state) benchmark::DoNotOptimize(authorizer.authorize(user, request).allowed);
}
BENCHMARK(BM_RbacAuthorize);

// Everything `eksguard rbac who-can get secrets -A --format json` does after reading the file.
void BM_RbacWhoCanEndToEnd(benchmark::State& state) {
  for (auto _ : state) {
    const Policy policy = compiled();
    const WhoCanQuery query = secrets_query(true);
    const WhoCanAnswer answer = who_can(policy, query);
    std::ostringstream out;
    write_who_can_json(out, policy, query, answer, {});
    benchmark::DoNotOptimize(out.str().size());
  }
}
BENCHMARK(BM_RbacWhoCanEndToEnd)->Unit(benchmark::kMillisecond);

}  // namespace
