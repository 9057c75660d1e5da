// Times the Cedar reference implementation (@cedar-policy/cedar-wasm) on a scenario file written
// by bench/cedar/scenarios.py: the policy set is pre-parsed once (preparsePolicySet) and every
// request goes through statefulIsAuthorized, as a long-running authorizer would use it.
// Usage: node wasm_bench.js WASM_DIR SCENARIO.json [ROUNDS]
// Prints one JSON line: {"engine", "decisions", "p50_us", "p99_us", "mean_us", "parse_ms", "allow"}.
'use strict';
const fs = require('fs');
const path = require('path');

const [wasmDir, scenarioPath, roundsArg] = process.argv.slice(2);
const cedar = require(path.resolve(wasmDir, 'node_modules/@cedar-policy/cedar-wasm/nodejs'));
const scenario = JSON.parse(fs.readFileSync(scenarioPath, 'utf8'));
const rounds = Number(roundsArg || 20);

const parseStart = process.hrtime.bigint();
const prepared = cedar.preparsePolicySet('bench', { staticPolicies: scenario.policies });
const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;
if (prepared.type !== 'success') {
  console.error(JSON.stringify(prepared));
  process.exit(2);
}

function call(request) {
  return {
    principal: request.principal, action: request.action, resource: request.resource,
    context: request.context || {}, entities: request.entities, preparsedPolicySetId: 'bench',
  };
}

const calls = scenario.requests.map(call);
const samples = [];
let allow = 0;
for (let round = 0; round < rounds; ++round) {
  for (const c of calls) {
    const start = process.hrtime.bigint();
    const answer = cedar.statefulIsAuthorized(c);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e3;
    if (answer.type !== 'success') {
      console.error(JSON.stringify(answer));
      process.exit(2);
    }
    if (round > 0) samples.push(elapsed);  // round 0 warms up
    if (round === 0 && answer.response.decision === 'allow') ++allow;
  }
}
samples.sort((a, b) => a - b);
const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
console.log(JSON.stringify({
  engine: 'cedar-wasm ' + cedar.getCedarSDKVersion(), decisions: samples.length,
  p50_us: at(0.5), p99_us: at(0.99), mean_us: samples.reduce((a, b) => a + b, 0) / samples.length,
  parse_ms: parseMs, allow,
}));
