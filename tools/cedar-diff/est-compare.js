// Compares eksguard's JSON policy format (EST) with the reference implementation's on the policy
// files of the Cedar conformance corpus: for every `.cedar` file, `eksguard cedar translate --to
// json` against cedar-wasm's policySetTextToParts + policyToJson/templateToJson. Policies are
// compared semantically (JSON deep equality after parsing, so key order does not matter) and as
// multisets per file (ids are not compared: eksguard keys policies by `@id` or `policyN`).
// A file where cedar-wasm rejects the text must be rejected by eksguard too.
//
// Usage: node est-compare.js [--binary build/eksguard] [--wasm DIR] [--corpus DIR | --tarball F]
//                            [--generated N [--seed S]] [--limit N] [--show 5] [--out DIR]
//                            [--chunk 400]
// Default corpus: ../shared/conformance/cedar/corpus-tests.tar.gz (extracted to a temp folder)
// plus the hand-written tests/ policies; --generated N adds N random policy sets from
// generate.js (the generator of run.js). Exit 0: every file agrees; 1: disagreements; 2: setup.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync, execFileSync } = require('child_process');
const { repo, options, eksguardBinary, cedarWasm } = require('./common');

const opts = options();
const binary = eksguardBinary('est-compare', opts);
const cedar = cedarWasm('est-compare', opts);
const limit = opts.number('limit', 0);
const show = opts.number('show', 5);
const chunk = opts.number('chunk', 400);
const outDir = opts.get('out', '');
const shared = process.env.EKSGUARD_SHARED_DIR || path.join(repo, '..', 'shared');

// ---- the policy files ----
function policyFiles() {
  let corpus = opts.get('corpus', '');
  let temp = '';
  if (!corpus) {
    const tarball = opts.get('tarball', path.join(shared, 'conformance/cedar/corpus-tests.tar.gz'));
    if (!fs.existsSync(tarball)) {
      console.error(`est-compare: no corpus at ${tarball} (set EKSGUARD_SHARED_DIR or --corpus)`);
      process.exit(2);
    }
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'eksguard-est-'));
    execFileSync('tar', ['-xzf', tarball, '-C', temp]);
    corpus = path.join(temp, 'corpus-tests');
  }
  const files = fs.readdirSync(corpus).filter((f) => f.endsWith('.cedar')).sort()
    .map((f) => path.join(corpus, f));
  const handWritten = path.join(shared, 'conformance/cedar/tests');
  if (!opts.get('corpus', '') && fs.existsSync(handWritten)) {
    const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.cedar') ? [path.join(dir, e.name)] : []);
    files.push(...walk(handWritten).sort());
  }
  const generated = opts.number('generated', 0);
  if (generated > 0) {
    const { generateCase, renderCase } = require('./generate');
    const seed = Number(opts.get('seed', String(Date.now() % 1000000)));
    console.log(`est-compare: ${generated} generated policy sets, seed ${seed}`);
    if (!temp) temp = fs.mkdtempSync(path.join(os.tmpdir(), 'eksguard-est-'));
    for (let i = 0; i < generated; ++i) {
      const file = path.join(temp, `generated-${seed}-${i}.cedar`);
      fs.writeFileSync(file, renderCase(generateCase((seed * 1000003 + i) >>> 0, { depth: 3 })).policies_text);
      files.push(file);
    }
  }
  return { files: limit > 0 ? files.slice(0, limit) : files, temp };
}

// Canonical text of a JSON value: object keys sorted, so equal values give equal text.
function canonical(value) {
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    return '{' + Object.keys(value).sort().map((k) => JSON.stringify(k) + ':' + canonical(value[k])).join(',') + '}';
  }
  return JSON.stringify(value);
}
const multiset = (list) => list.map(canonical).sort();

// ---- the two sides ----
function reference(text) {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type !== 'success') return { error: parts.errors.map((e) => e.message).join('; ') };
  const convert = (list, fn) => list.map((p) => {
    const r = fn(p);
    if (r.type !== 'success') throw new Error(r.errors.map((e) => e.message).join('; '));
    return r.json;
  });
  try {
    return { policies: convert(parts.policies || [], cedar.policyToJson), templates: convert(parts.templates || [], cedar.templateToJson) };
  } catch (e) {
    return { error: e.message };
  }
}

// translate prints one line per file and stops at the first file it cannot translate: that file
// gets the error, and the files after it go to a new run.
function ours(files) {
  const results = [];
  for (let rest = files; rest.length > 0;) {
    const run = spawnSync(binary, ['cedar', 'translate', '--to', 'json', '--compact',
      '--policy-format', 'cedar', ...rest.flatMap((f) => ['-p', f])],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (run.error) throw run.error;
    const lines = run.stdout.split('\n').filter((s) => s !== '');
    for (const line of lines.slice(0, rest.length)) {
      const set = JSON.parse(line);
      results.push({ policies: Object.values(set.staticPolicies), templates: Object.values(set.templates) });
    }
    if (run.status === 0 && lines.length === rest.length) break;
    results.push({ error: (run.stderr || `exit ${run.status}, signal ${run.signal}`).slice(0, 500) });
    rest = rest.slice(lines.length + 1);
  }
  return results;
}

function agree(ref, got) {
  if ('error' in ref || 'error' in got) return 'error' in ref && 'error' in got;
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  return same(multiset(ref.policies), multiset(got.policies)) &&
    same(multiset(ref.templates), multiset(got.templates));
}

// ---- main ----
const start = Date.now();
const { files, temp } = policyFiles();
const stats = { files: 0, agree: 0, policies: 0, templates: 0, bothRejected: 0 };
const failures = [];
for (let i = 0; i < files.length; i += chunk) {
  const batch = files.slice(i, i + chunk);
  const gots = ours(batch);
  batch.forEach((file, j) => {
    ++stats.files;
    const text = fs.readFileSync(file, 'utf8');
    const ref = reference(text);
    if (agree(ref, gots[j])) {
      ++stats.agree;
      if ('error' in ref) ++stats.bothRejected;
      else { stats.policies += ref.policies.length; stats.templates += ref.templates.length; }
    } else {
      failures.push({ file: path.basename(file), text, reference: ref, eksguard: gots[j] });
    }
  });
}
if (temp) fs.rmSync(temp, { recursive: true, force: true });
const elapsed = (Date.now() - start) / 1000;
console.log(`est-compare: ${stats.agree} / ${stats.files} policy files agree (${stats.policies} policies, ` +
  `${stats.templates} templates; both rejected ${stats.bothRejected}) in ${elapsed.toFixed(1)}s ` +
  `(cedar-wasm ${cedar.getCedarSDKVersion()}, ${binary})`);
if (failures.length > 0) {
  if (outDir) fs.mkdirSync(outDir, { recursive: true });
  failures.slice(0, show).forEach((f) => {
    console.log(`\n--- disagreement: ${f.file} ---`);
    console.log(JSON.stringify({ reference: f.reference, eksguard: f.eksguard }).slice(0, 3000));
  });
  if (outDir) {
    failures.forEach((f, idx) => fs.writeFileSync(path.join(outDir, `est-disagreement-${idx}.json`),
      JSON.stringify(f, null, 2) + '\n'));
    console.log(`\nwrote ${failures.length} case(s) to ${outDir}`);
  }
  process.exit(1);
}
