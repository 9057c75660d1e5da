// Cedar authorization latency on the scenarios of bench/cedar/scenarios.py (the AWS prototype's
// k8s demo policies, and 1,000 generated policies), measured the way cedar-wasm's
// statefulIsAuthorized is in bench/cedar/wasm_bench.js: the policy set is compiled once; each
// request builds its entities and context from already-parsed JSON and is then authorized.
// Reports p50/p99 per decision (microseconds) as counters; bench/cedar/compare.py puts them next
// to cedar-wasm's. Scenarios are read from $EKSGUARD_CEDAR_SCENARIOS (default build/cedar-bench).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"
#include "doc/loader.h"

namespace {

namespace cedar = eksguard::cedar;
namespace doc = eksguard::doc;

std::string scenario_path(const std::string& name) {
  const char* dir = std::getenv("EKSGUARD_CEDAR_SCENARIOS");
  return std::string(dir != nullptr ? dir : EKSGUARD_SOURCE_DIR "/build/cedar-bench") + "/" + name + ".json";
}

struct Scenario {
  std::vector<doc::Document> documents;  // owns the JSON tree the requests point into
  std::string policies;
  std::vector<const doc::Node*> requests;
};

bool load(const std::string& name, Scenario& scenario, benchmark::State& state) {
  std::ifstream in(scenario_path(name), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto documents = doc::load_all(text.str(), name);
  if (!in || !documents || documents->empty()) {
    state.SkipWithError("scenario missing: run bench/cedar/scenarios.py build/cedar-bench");
    return false;
  }
  scenario.documents = std::move(*documents);
  const doc::Node* root = scenario.documents.front().root();
  scenario.policies = std::string(root->string_at("policies"));
  for (const doc::Node* request : root->get("requests")->items()) scenario.requests.push_back(request);
  return true;
}

// One webhook-style decision: entities and request from JSON, then the authorizer.
bool decide(const cedar::PolicySet& policies, const doc::Node& request) {
  auto entities = cedar::Entities::from_json(*request.get("entities"));
  auto built = cedar::Request::from_json(*request.get("principal"), *request.get("action"),
                                         *request.get("resource"), request.get("context"));
  if (!entities || !built) return false;
  return cedar::is_authorized(policies, *built, *entities).decision == cedar::Decision::kAllow;
}

void latency(benchmark::State& state, const std::string& name) {
  Scenario scenario;
  if (!load(name, scenario, state)) return;
  auto policies = cedar::PolicySet::parse(scenario.policies, name);
  if (!policies) {
    state.SkipWithError("policies do not parse");
    return;
  }
  std::vector<double> micros;
  size_t allow = 0;
  for (auto _ : state) {
    for (const doc::Node* request : scenario.requests) {
      const auto start = std::chrono::steady_clock::now();
      const bool allowed = decide(*policies, *request);
      micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
      allow += allowed ? 1 : 0;
    }
  }
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) { return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))]; };
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
  state.counters["decisions"] = static_cast<double>(micros.size());
  state.counters["allow_per_round"] = static_cast<double>(allow) / static_cast<double>(state.iterations());
}

void BM_CedarK8sDemo(benchmark::State& state) { latency(state, "k8s-demo"); }
BENCHMARK(BM_CedarK8sDemo)->Unit(benchmark::kMillisecond);

void BM_Cedar1000Policies(benchmark::State& state) { latency(state, "policies-1000"); }
BENCHMARK(BM_Cedar1000Policies)->Unit(benchmark::kMillisecond);

// Parsing and compiling the 1,000-policy set (target: 50 ms).
void BM_CedarParse1000Policies(benchmark::State& state) {
  Scenario scenario;
  if (!load("policies-1000", scenario, state)) return;
  for (auto _ : state) {
    auto policies = cedar::PolicySet::parse(scenario.policies, "policies-1000");
    benchmark::DoNotOptimize(policies);
  }
}
BENCHMARK(BM_CedarParse1000Policies)->Unit(benchmark::kMillisecond);

}  // namespace
