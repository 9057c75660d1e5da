// Differential test of eksguard's Cedar engine against the reference implementation (cedar-wasm).
// Generates random cases (generate.js), runs each through cedar-wasm's isAuthorized and through
// one `eksguard cedar authorize --batch -` process per chunk of cases, and compares:
//   - reference success: our answer must have the same decision, the same set of reason policy ids
//     and the same set of erroring policy ids (error messages are not compared);
//   - reference failure (policy parse error, entity/context deserialization error, ...): our answer
//     must be a line-level `{"error": ...}` (messages are not compared).
// Disagreements are shrunk (drop policies/conditions/entities/context keys, replace
// subexpressions by their children while the disagreement persists) and written to --out as
// JSON files. Exit status: 0 all agree, 1 disagreements, 2 setup problem.
//
// Usage: node run.js [--binary build/eksguard] [--wasm DIR] [--cases N | --seconds S]
//                    [--seed N] [--out DIR] [--depth 3] [--show 5] [--chunk 500]
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { options, eksguardBinary, cedarWasm } = require('./common');
const { generateCase, renderCase, leaf } = require('./generate');

const opts = options();
const binary = eksguardBinary('cedar-diff', opts);
const cedar = cedarWasm('cedar-diff', opts);
const seconds = opts.number('seconds', 0);
const maxCases = Number(opts.get('cases', seconds > 0 ? '0' : '2000'));
const seed = Number(opts.get('seed', String(Date.now() % 1000000)));
const outDir = opts.get('out', '');
const depth = opts.number('depth', 3);
const show = opts.number('show', 5);
const chunk = opts.number('chunk', 500);
const maxShrink = opts.number('shrink', 20);  // disagreements to shrink and write
const noDuplicates = opts.has('no-duplicates');  // no duplicate entity entries

// ---- the two engines, normalised to {decision, reason, errors} or {error} ----
function reference(line) {
  let answer;
  try {
    answer = cedar.isAuthorized({
      principal: line.principal, action: line.action, resource: line.resource,
      context: line.context || {}, policies: { staticPolicies: line.policies_text },
      entities: line.entities_json,
    });
  } catch (e) {
    return { error: 'cedar-wasm threw: ' + e.message };
  }
  if (answer.type !== 'success') {
    return { error: answer.errors.map((x) => x.message).join('; ') };
  }
  const d = answer.response.diagnostics;
  return {
    decision: answer.response.decision,
    reason: [...new Set(d.reason)].sort(),
    errors: [...new Set(d.errors.map((x) => x.policyId))].sort(),
  };
}

function ours(lines) {
  const input = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const run = spawnSync(binary, ['cedar', 'authorize', '--batch', '-'], {
    input, encoding: 'utf8', maxBuffer: 1 << 30,
  });
  if (run.error) throw run.error;
  const out = run.stdout.split('\n').filter((s) => s.trim() !== '');
  if (out.length !== lines.length) {
    // A crash or a lost line: fall back to one process per line to pin it down.
    if (lines.length > 1) return lines.map((l) => ours([l])[0]);
    return [{ error: `no answer (exit ${run.status}, signal ${run.signal}): ${run.stderr.slice(0, 300)}`, crashed: true }];
  }
  return out.map((s) => {
    let a;
    try { a = JSON.parse(s); } catch (e) { return { error: 'unparsable answer: ' + s, crashed: true }; }
    if ('error' in a) return { error: a.error };
    return { decision: a.decision, reason: [...new Set(a.reason)].sort(), errors: [...new Set(a.errors)].sort() };
  });
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
function agree(ref, got) {
  if (got.crashed) return false;
  if ('error' in ref || 'error' in got) return 'error' in ref && 'error' in got;
  return ref.decision === got.decision && same(ref.reason, got.reason) && same(ref.errors, got.errors);
}

// ---- shrinking ----
function clone(c) {
  return { ...c, policies: c.policies.map((p) => ({ ...p, scope: [...p.scope], conds: [...p.conds] })),
    entities: [...c.entities], context: { ...c.context } };
}
function disagrees(c) {
  const line = renderCase(c);
  return !agree(reference(line), ours([line])[0]);
}
// Candidate simplifications of a case, biggest first.
function* candidates(c) {
  if (c.brokenSuffix) { const d = clone(c); d.brokenSuffix = ''; yield d; }
  for (let i = 0; i < c.policies.length; ++i) {
    const d = clone(c); d.policies.splice(i, 1); yield d;
  }
  for (let i = 0; i < c.entities.length; ++i) {
    const d = clone(c); d.entities.splice(i, 1); yield d;
  }
  for (const k of Object.keys(c.context)) {
    const d = clone(c); delete d.context[k]; yield d;
  }
  for (let i = 0; i < c.entities.length; ++i) {
    const e = c.entities[i];
    for (const k of Object.keys(e.attrs || {})) {
      const d = clone(c); const attrs = { ...e.attrs }; delete attrs[k];
      d.entities[i] = { ...e, attrs }; yield d;
    }
    if (e.tags) { const d = clone(c); const { tags, ...rest } = e; d.entities[i] = rest; yield d; }
    if (e.parents && e.parents.length) { const d = clone(c); d.entities[i] = { ...e, parents: [] }; yield d; }
  }
  for (let i = 0; i < c.policies.length; ++i) {
    const p = c.policies[i];
    for (let j = 0; j < p.conds.length; ++j) {
      const d = clone(c); d.policies[i].conds.splice(j, 1); yield d;
    }
    for (let s = 0; s < 3; ++s) {
      const v = ['principal', 'action', 'resource'][s];
      if (p.scope[s] !== v) { const d = clone(c); d.policies[i].scope[s] = v; yield d; }
    }
    if (p.annotation) { const d = clone(c); d.policies[i].annotation = ''; yield d; }
    // Expression nodes: replace by one of their children, or by true/false.
    for (let j = 0; j < p.conds.length; ++j) {
      for (const path of nodePaths(p.conds[j].expr, [])) {
        const target = at(p.conds[j].expr, path);
        const replacements = target.k.map((_, ci) => at(target, [ci]));
        if (target.k.length > 0) replacements.push(leaf('true'), leaf('false'));
        for (const r of replacements) {
          const d = clone(c);
          d.policies[i].conds[j] = { ...p.conds[j], expr: replaceAt(p.conds[j].expr, path, r) };
          yield d;
        }
      }
    }
  }
}
function* nodePaths(e, prefix) {
  yield prefix;
  for (let i = 0; i < e.k.length; ++i) yield* nodePaths(e.k[i], prefix.concat(i));
}
function at(e, p) { return p.reduce((n, i) => n.k[i], e); }
function replaceAt(e, p, r) {
  if (p.length === 0) return r;
  const k = [...e.k];
  k[p[0]] = replaceAt(k[p[0]], p.slice(1), r);
  return { ...e, k };
}
function shrink(c) {
  let current = c;
  for (let budget = 2000, progress = true; progress && budget > 0;) {
    progress = false;
    for (const d of candidates(current)) {
      if (--budget <= 0) break;
      if (disagrees(d)) { current = d; progress = true; break; }
    }
  }
  return current;
}

// ---- main loop ----
const start = Date.now();
const deadline = seconds > 0 ? start + seconds * 1000 : Infinity;
const stats = { cases: 0, agree: 0, bothFail: 0, allow: 0, deny: 0, withErrors: 0, disagree: 0 };
const failures = [];
let next = 0;
while ((maxCases === 0 || stats.cases < maxCases) && Date.now() < deadline) {
  const n = maxCases === 0 ? chunk : Math.min(chunk, maxCases - stats.cases);
  const cases = [];
  for (let i = 0; i < n; ++i) cases.push(generateCase((seed * 1000003 + next++) >>> 0, { depth, noDuplicates }));
  const lines = cases.map(renderCase);
  const refs = lines.map(reference);
  const gots = ours(lines);
  for (let i = 0; i < n; ++i) {
    ++stats.cases;
    const ref = refs[i];
    if (agree(ref, gots[i])) {
      ++stats.agree;
      if ('error' in ref) ++stats.bothFail;
      else { ++stats[ref.decision]; if (ref.errors.length) ++stats.withErrors; }
    } else {
      ++stats.disagree;
      failures.push({ c: cases[i], ref, got: gots[i] });
    }
  }
}
const elapsed = (Date.now() - start) / 1000;
console.log(`cedar-diff: seed ${seed}, ${stats.cases} cases in ${elapsed.toFixed(1)}s ` +
  `(cedar-wasm ${cedar.getCedarSDKVersion()}, ${binary})`);
console.log(`  agree ${stats.agree} (allow ${stats.allow}, deny ${stats.deny}, with policy errors ` +
  `${stats.withErrors}, both rejected ${stats.bothFail}); disagree ${stats.disagree}`);

// Disagreements grouped by kind: the reference's answer vs ours, messages reduced to their shape.
const kind = (a) => ('error' in a ? 'error: ' + a.error.replace(/^line \d+: /, '').replace(/`[^`]*`/g, 'X').slice(0, 80)
  : a.decision);
const groups = {};
for (const f of failures) { const k = `reference ${kind(f.ref)} | eksguard ${kind(f.got)}`; groups[k] = (groups[k] || 0) + 1; }
for (const [k, n] of Object.entries(groups).sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${k}`);

if (failures.length > 0) {
  if (outDir) fs.mkdirSync(outDir, { recursive: true });
  const kept = failures.slice(0, Math.max(show, maxShrink));
  kept.forEach((f, idx) => {
    const small = idx < maxShrink ? shrink(f.c) : f.c;
    const line = renderCase(small);
    const record = { seed: f.c.seed, request: line, reference: reference(line), eksguard: ours([line])[0] };
    if (idx < show) {
      console.log(`\n--- disagreement ${idx + 1} (case seed ${f.c.seed}) ---`);
      console.log(JSON.stringify(record, null, 2));
    }
    if (outDir) {
      fs.writeFileSync(path.join(outDir, `disagreement-${f.c.seed}.json`), JSON.stringify(record, null, 2) + '\n');
    }
  });
  if (outDir) console.log(`\nwrote ${kept.length} case(s) to ${outDir}`);
  process.exit(1);
}
