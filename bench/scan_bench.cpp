// Micro-benchmarks of the scan hot path: loading YAML and JSON into the document model, and
// running every check on one workload. Hypothesis: parsing dominates; checks cost a small
// fraction of a manifest's parse time. Whole-process figures: bench/scan_throughput.py.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "doc/loader.h"
#include "scan/scanner.h"

namespace {

std::string read_example(const char* relative) {
  std::ifstream in(std::string(EKSGUARD_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A multi-document stream of `copies` insecure and hardened workloads.
std::string yaml_stream(int copies) {
  const std::string insecure = read_example("examples/insecure-workloads/payments.yaml");
  const std::string hardened = read_example("examples/hardened/web.yaml");
  std::string text;
  for (int i = 0; i < copies; ++i) text += insecure + "\n---\n" + hardened + "\n---\n";
  return text;
}

void BM_LoadYaml(benchmark::State& state) {
  const std::string text = yaml_stream(static_cast<int>(state.range(0)));
  size_t documents = 0;
  for (auto _ : state) {
    eksguard::doc::load_text(text, "bench.yaml", {},
                             [&](eksguard::doc::Document&) { ++documents; });
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["docs/s"] =
      benchmark::Counter(static_cast<double>(documents), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadYaml)->Arg(1)->Arg(100);

void BM_LoadJson(benchmark::State& state) {
  const std::string text = read_example("examples/insecure-workloads/nightly-report.json");
  std::string list = R"({"apiVersion": "v1", "kind": "List", "items": [)";
  for (int i = 0; i < state.range(0); ++i) list += (i ? "," : "") + text;
  list += "]}";
  const eksguard::doc::PaddedText padded(list);
  for (auto _ : state) {
    eksguard::doc::load_padded(padded, "bench.json", {}, [](eksguard::doc::Document& d) {
      benchmark::DoNotOptimize(d.root());
    });
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * list.size()));
}
BENCHMARK(BM_LoadJson)->Arg(100);

// All checks on already-parsed documents: the cost a manifest adds beyond parsing.
void BM_ChecksOnly(benchmark::State& state) {
  auto documents = eksguard::doc::load_all(yaml_stream(1), "bench.yaml");
  eksguard::scan::ScanOptions options;
  options.hardening.allowed_registries = {"123456789012.dkr.ecr.us-east-1.amazonaws.com"};
  const eksguard::scan::Scanner scanner(std::move(options));
  size_t findings = 0;
  for (auto _ : state) {
    for (const auto& document : *documents)
      findings += scanner.scan_document(document).findings.size();
  }
  state.counters["docs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * documents->size()), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(findings);
}
BENCHMARK(BM_ChecksOnly);

void BM_ScanText(benchmark::State& state) {
  const std::string text = yaml_stream(100);
  const eksguard::scan::Scanner scanner(eksguard::scan::ScanOptions{});
  size_t resources = 0;
  for (auto _ : state) resources += scanner.scan_text(text, "bench.yaml").resources;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["resources/s"] =
      benchmark::Counter(static_cast<double>(resources), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScanText);

}  // namespace
