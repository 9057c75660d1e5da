// Seeded random generator of Cedar authorization cases for differential testing
// (tools/cedar-diff/run.js). A case is a policy set (kept as a tree so run.js can shrink it),
// an entity list and a request; everything is deliberately type-mixed so that evaluation errors,
// missing attributes/entities, overflow and invalid extension literals happen often.
//
// Usage as a module: const { generateCase, renderCase } = require('./generate');
// Usage as a script: node generate.js [--seed N] [--count N]  -> JSON lines (eksguard batch format)
'use strict';

// ---- deterministic PRNG (mulberry32) ----
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),  // inclusive
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    // weighted: [[weight, fn], ...]
    choose: (table) => {
      const total = table.reduce((s, [w]) => s + w, 0);
      let r = next() * total;
      for (const [w, f] of table) {
        if ((r -= w) < 0) return f();
      }
      return table[table.length - 1][1]();
    },
  };
  return rng;
}

// ---- vocabulary ----
const TYPES = ['User', 'Group', 'Photo', 'NS::Doc'];
const IDS = ['a', 'b', 'g', '', 'é', 'x y'];
const SCOPE_IDS = IDS.concat(['root']);  // `root`: ids of dangling parents, never entities
const ACTIONS = ['view', 'edit', 'all'];
const ATTRS = ['n', 's', 'flag', 'owner', 'tags', 'rec', 'ip', 'd', 'when', 'len', 'x y'];
const TAGS = ['t', 'n', 'owner', ''];
const CONTEXT_KEYS = ['n', 's', 'flag', 'rec', 'ip', 'set', 'who'];
const P53 = 9007199254740991;  // 2^53 - 1: the largest integer JS carries exactly
// Integers for policy text and JSON values. All within ±2^53 so the JS side carries them exactly;
// products/sums of them still cross the i64 boundary (e.g. 2^53 * 1024 = 2^63).
const LONGS = [0, 1, -1, 2, 3, 7, 10, 255, 1024, 2147483647, 2147483648, 4294967296,
  3037000499, 3037000500, -3037000500, 4503599627370496, P53, -P53, P53 - 1, -P53 + 1];
// Text-only literals (never JSON values): i64 boundaries themselves, as policy source strings.
const TEXT_LONGS = ['9223372036854775807', '-9223372036854775808', '9223372036854775807', '-9223372036854775807', '9223372036854775808'];
const STRINGS = ['', 'a', 'b', 'ab', 'abc', 'a*b', '*', 'é', 'x y', 'AB', 'owner', 'n'];
const IP_LITS = ['127.0.0.1', '10.0.0.0/8', '10.1.2.3', '::1', '192.168.0.1/24', 'ff00::/8',
  '224.0.0.1', '0.0.0.0/0', '1.2.3.256', 'bad', '', '10.0.0.1/33', '::ffff:1.2.3.4', '01.2.3.4'];
const DECIMAL_LITS = ['1.0', '-1.5', '0.0001', '922337203685477.5807', '-922337203685477.5808',
  '-0.0', '1.2345', '922337203685477.5808', '1.23456', '1', '1.', '.5', '+1.0', 'abc'];
const DATETIME_LITS = ['2024-01-01', '2024-01-01T00:00:00Z', '2024-02-29T12:34:56.789Z',
  '2024-01-01T00:00:00+0130', '2024-01-01T23:59:59-0800', '1970-01-01', '2023-02-29',
  '2024-13-01', '2024-01-01T24:00:00Z', '2024-1-1', 'yesterday', '-2024-01-01', '9999-12-31T23:59:59.999Z'];
const DURATION_LITS = ['1d', '2h30m', '-1h', '1d2h3m4s5ms', '0ms', '1s', '3m', '1h1d', '1.5h', 'x',
  '', '-0s', '9223372036854775807ms', '106751991167d', '106751991168d'];

function strLit(s) {
  // Cedar string literal; escapes quote, backslash and control characters.
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '*') out += '*';  // plain string: a star is just a character
    else out += ch;
  }
  return out + '"';
}
function uidText(type, id) { return `${type}::${strLit(id)}`; }

// ---- expression trees: {k: [children], r: (renderedKids) => text} ----
const leaf = (text) => ({ k: [], r: () => text });
const node = (kids, r) => ({ k: kids, r });
function render(e) { return e.r(e.k.map(render)); }

function makeGen(rng) {
  const entityLit = () => leaf(uidText(rng.pick(TYPES), rng.pick(SCOPE_IDS)));
  const actionLit = () => leaf(uidText('Action', rng.pick(ACTIONS)));
  const longLit = () => leaf(rng.chance(0.05) ? rng.pick(TEXT_LONGS) : String(rng.pick(LONGS)));
  const strLeaf = () => leaf(strLit(rng.pick(STRINGS)));
  const attrName = () => rng.pick(ATTRS);
  const access = (base, name) =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? node([base], ([b]) => `${b}.${name}`)
      : node([base], ([b]) => `${b}[${strLit(name)}]`);
  const pattern = () => {
    let p = '';
    const n = rng.int(0, 4);
    for (let i = 0; i < n; ++i) {
      p += rng.choose([[4, () => rng.pick(['a', 'b', 'é', ' ', 'x'])], [3, () => '*'], [2, () => '\\*'],
        [1, () => '\\\\'], [1, () => '\\n'], [1, () => '\\u{e9}'], [1, () => '\\"']]);
    }
    return `"${p}"`;
  };
  const extLit = (fn, lits) => leaf(`${fn}(${strLit(rng.pick(lits))})`);

  const self = {};
  // Something entity-ish: variables, literals, attribute chains.
  self.entity = (d) => rng.choose([
    [4, () => leaf(rng.pick(['principal', 'resource']))],
    [1, () => leaf('action')],
    [3, entityLit],
    [1, actionLit],
    [2, () => access(d > 0 ? self.entity(d - 1) : leaf('principal'), rng.pick(['owner', 'rec', 'n']))],
    [1, () => access(leaf('context'), 'who')],
  ]);
  self.long = (d) => d <= 0 ? rng.choose([[3, longLit], [2, () => access(self.entity(0), 'n')],
    [1, () => access(leaf('context'), 'n')]]) : rng.choose([
    [3, longLit],
    [2, () => access(self.entity(d - 1), rng.pick(['n', 'len', 'n', 's']))],
    [1, () => access(leaf('context'), 'n')],
    [3, () => node([self.long(d - 1), self.long(d - 1)], ([a, b]) => `(${a} ${rng.pick(['+', '-', '*'])} ${b})`)],
    [1, () => node([self.long(d - 1)], ([a]) => `-${a}`)],
    [1, () => node([self.long(d - 1)], ([a]) => `(-(${a}))`)],
    [1, () => node([self.entity(d - 1), self.str(0)], ([e, s]) => `${e}.getTag(${s})`)],
    [1, () => node([self.duration(d - 1)], ([x]) => `${x}.${rng.pick(['toDays', 'toHours', 'toMinutes', 'toSeconds', 'toMilliseconds'])}()`)],
    [1, () => self.ite(d, self.long)],
  ]);
  self.str = (d) => d <= 0 ? rng.choose([[4, strLeaf], [1, () => access(self.entity(0), 's')]]) : rng.choose([
    [4, strLeaf],
    [2, () => access(self.entity(d - 1), rng.pick(['s', 'n']))],
    [1, () => access(leaf('context'), 's')],
    [1, () => node([self.entity(d - 1)], ([e]) => `${e}.getTag("t")`)],
    [1, () => self.ite(d, self.str)],
  ]);
  self.set = (d) => rng.choose([
    [3, () => { const n = rng.int(0, 3); const kids = []; for (let i = 0; i < n; ++i) kids.push(self.any(d - 1)); return node(kids, (ks) => `[${ks.join(', ')}]`); }],
    [2, () => access(d > 0 ? self.entity(d - 1) : leaf('principal'), 'tags')],
    [1, () => access(leaf('context'), 'set')],
  ]);
  self.record = (d) => rng.choose([
    [3, () => {
      const n = rng.int(0, 3); const kids = []; const keys = [];
      for (let i = 0; i < n; ++i) {
        let key = rng.pick(['n', 's', 'flag', 'x y', 'rec']);
        if (keys.includes(key) && rng.chance(0.9)) continue;  // duplicate keys: a parse error, kept rare
        keys.push(key); kids.push(self.any(d - 1));
      }
      return node(kids, (ks) => `{${ks.map((k, i) => (/ /.test(keys[i]) ? strLit(keys[i]) : keys[i]) + ': ' + k).join(', ')}}`);
    }],
    [2, () => access(d > 0 ? self.entity(d - 1) : leaf('principal'), 'rec')],
    [1, () => access(leaf('context'), 'rec')],
  ]);
  self.ip = (d) => rng.choose([[4, () => extLit('ip', IP_LITS)], [1, () => access(self.entity(Math.max(0, d - 1)), 'ip')],
    [1, () => access(leaf('context'), 'ip')]]);
  self.decimal = (d) => rng.choose([[4, () => extLit('decimal', DECIMAL_LITS)], [1, () => access(self.entity(Math.max(0, d - 1)), 'd')]]);
  self.datetime = (d) => d <= 0 ? extLit('datetime', DATETIME_LITS) : rng.choose([
    [4, () => extLit('datetime', DATETIME_LITS)],
    [1, () => access(self.entity(d - 1), 'when')],
    [1, () => node([self.datetime(d - 1), self.duration(d - 1)], ([a, b]) => `${a}.offset(${b})`)],
    [1, () => node([self.datetime(d - 1)], ([a]) => `${a}.toDate()`)],
  ]);
  self.duration = (d) => d <= 0 ? extLit('duration', DURATION_LITS) : rng.choose([
    [4, () => extLit('duration', DURATION_LITS)],
    [1, () => node([self.datetime(d - 1), self.datetime(d - 1)], ([a, b]) => `${a}.durationSince(${b})`)],
    [1, () => node([self.datetime(d - 1)], ([a]) => `${a}.toTime()`)],
  ]);
  self.ite = (d, f) => node([self.bool(d - 1), f(d - 1), rng.chance(0.8) ? f(d - 1) : self.any(d - 1)],
    ([c, a, b]) => `(if ${c} then ${a} else ${b})`);
  self.any = (d) => {
    if (d < 0) d = 0;
    return rng.choose([[3, () => self.long(d)], [2, () => self.str(d)], [2, () => self.entity(d)],
      [2, () => self.bool(d)], [1, () => self.set(d)], [1, () => self.record(d)], [1, () => self.ip(d)],
      [1, () => self.decimal(d)], [1, () => self.datetime(d)], [1, () => self.duration(d)]]);
  };
  self.bool = (d) => {
    if (d <= 0) {
      return rng.choose([[2, () => leaf(rng.pick(['true', 'false']))], [2, () => access(self.entity(0), 'flag')],
        [1, () => access(leaf('context'), 'flag')], [1, () => access(self.entity(0), attrName())]]);
    }
    const s = d - 1;
    return rng.choose([
      [2, () => leaf(rng.pick(['true', 'false']))],
      [2, () => access(self.entity(s), rng.chance(0.7) ? 'flag' : attrName())],
      [1, () => access(leaf('context'), rng.pick(CONTEXT_KEYS))],
      [3, () => node([self.bool(s), self.bool(s)], ([a, b]) => `(${a} && ${b})`)],
      [3, () => node([self.bool(s), self.bool(s)], ([a, b]) => `(${a} || ${b})`)],
      [2, () => node([self.bool(s)], ([a]) => `!${a}`)],
      [1, () => self.ite(d, self.bool)],
      [3, () => { const t = rng.pick(['long', 'str', 'entity', 'any']); return node([self[t](s), rng.chance(0.8) ? self[t](s) : self.any(s)], ([a, b]) => `(${a} ${rng.pick(['==', '!='])} ${b})`); }],
      [4, () => node([self.long(s), self.long(s)], ([a, b]) => `(${a} ${rng.pick(['<', '<=', '>', '>='])} ${b})`)],
      [1, () => { const t = rng.pick(['datetime', 'duration', 'decimal']); return node([self[t](s), self[t](s)], ([a, b]) => `(${a} ${rng.pick(['<', '<=', '>', '>='])} ${b})`); }],
      [3, () => node([self.entity(s), rng.chance(0.7) ? self.entity(s) : self.set(s)], ([a, b]) => `(${a} in ${b})`)],
      [3, () => node([rng.chance(0.8) ? self.entity(s) : self.record(s)], ([a]) => `(${a} has ${rng.pick(['flag', 'n', 's', 'rec', 'owner', 'zz', '"x y"'])})`)],
      [1, () => node([rng.chance(0.8) ? self.entity(s) : self.record(s)], ([a]) => `(${a} has ${rng.pick(['rec.n', 'rec.flag', 'owner.n', 'rec.zz'])})`)],
      [2, () => { const p = pattern(); return node([self.str(s)], ([a]) => `(${a} like ${p})`); }],
      [2, () => node([self.any(s)], ([a]) => `(${a} is ${rng.pick(TYPES.concat(['Action', 'String']))})`)],
      [1, () => node([self.entity(s), self.entity(s)], ([a, b]) => `(${a} is ${rng.pick(TYPES)} in ${b})`)],
      [2, () => node([self.set(s), self.any(s)], ([a, b]) => `${a}.contains(${b})`)],
      [2, () => node([self.set(s), self.set(s)], ([a, b]) => `${a}.${rng.pick(['containsAll', 'containsAny'])}(${b})`)],
      [1, () => node([self.set(s)], ([a]) => `${a}.isEmpty()`)],
      [2, () => node([self.entity(s), self.str(s)], ([a, b]) => `${a}.hasTag(${b})`)],
      [1, () => node([self.entity(s)], ([a]) => `${a}.getTag(${strLit(rng.pick(TAGS))})`)],
      [2, () => node([self.ip(s)], ([a]) => `${a}.${rng.pick(['isIpv4', 'isIpv6', 'isLoopback', 'isMulticast'])}()`)],
      [1, () => node([self.ip(s), self.ip(s)], ([a, b]) => `${a}.isInRange(${b})`)],
      [2, () => node([self.decimal(s), self.decimal(s)], ([a, b]) => `${a}.${rng.pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'])}(${b})`)],
      [1, () => node([self.any(s), self.any(s)], ([a, b]) => `(${a} == ${b})`)],
    ]);
  };
  return self;
}

// ---- scopes and policies ----
function genScope(rng, varName) {
  const type = rng.pick(TYPES);
  const lit = () => uidText(rng.pick(TYPES), rng.pick(SCOPE_IDS));
  if (varName === 'action') {
    return rng.choose([
      [3, () => 'action'],
      [3, () => `action == ${uidText('Action', rng.pick(ACTIONS))}`],
      [2, () => `action in ${uidText('Action', rng.pick(ACTIONS))}`],
      [2, () => { const n = rng.int(0, 3); const xs = []; for (let i = 0; i < n; ++i) xs.push(uidText('Action', rng.pick(ACTIONS))); return `action in [${xs.join(', ')}]`; }],
    ]);
  }
  return rng.choose([
    [4, () => varName],
    [2, () => `${varName} == ${lit()}`],
    [2, () => `${varName} in ${lit()}`],
    [2, () => `${varName} is ${type}`],
    [1, () => `${varName} is ${type} in ${lit()}`],
  ]);
}

function genPolicy(rng, gen, depth) {
  const conds = [];
  const n = rng.choose([[3, () => 0], [6, () => 1], [2, () => 2]]);
  for (let i = 0; i < n; ++i) conds.push({ kind: rng.chance(0.75) ? 'when' : 'unless', expr: gen.bool(rng.int(1, depth)) });
  return {
    annotation: rng.chance(0.05) ? '@note("generated")\n' : '',
    effect: rng.chance(0.65) ? 'permit' : 'forbid',
    scope: [genScope(rng, 'principal'), genScope(rng, 'action'), genScope(rng, 'resource')],
    conds,
  };
}

function renderPolicy(p) {
  const conds = p.conds.map((c) => ` ${c.kind} { ${render(c.expr)} }`).join('');
  return `${p.annotation}${p.effect}(${p.scope.join(', ')})${conds};`;
}

// ---- JSON values, entities, requests ----
function genJsonValue(rng, depth, key) {
  const extn = (fn, lits) => ({ __extn: { fn, arg: rng.pick(lits) } });
  const valid = (lits, n) => lits.slice(0, n);  // the leading literals of each list are valid
  const table = [
    [3, () => rng.pick(LONGS)],
    [2, () => rng.pick(STRINGS)],
    [2, () => rng.chance(0.5)],
    [2, () => ({ __entity: { type: rng.pick(TYPES), id: rng.pick(IDS) } })],
    [1, () => extn('ip', rng.chance(0.95) ? valid(IP_LITS, 8) : IP_LITS)],
    [1, () => extn('decimal', rng.chance(0.95) ? valid(DECIMAL_LITS, 7) : DECIMAL_LITS)],
    [1, () => extn('datetime', valid(DATETIME_LITS, 6))],
    [1, () => extn('duration', valid(DURATION_LITS, 7))],
  ];
  if (depth > 0) {
    table.push([1, () => { const n = rng.int(0, 3); const xs = []; for (let i = 0; i < n; ++i) xs.push(genJsonValue(rng, depth - 1)); return xs; }]);
    table.push([1, () => genRecord(rng, depth - 1)]);
  }
  // Bias attributes toward the type their name suggests, so conditions often evaluate cleanly.
  const typed = {
    n: () => rng.pick(LONGS), len: () => rng.pick(LONGS), s: () => rng.pick(STRINGS), flag: () => rng.chance(0.5),
    owner: () => ({ __entity: { type: rng.pick(TYPES), id: rng.pick(IDS) } }),
    ip: () => extn('ip', valid(IP_LITS, 8)), d: () => extn('decimal', valid(DECIMAL_LITS, 7)),
    when: () => extn('datetime', valid(DATETIME_LITS, 6)),
    who: () => ({ __entity: { type: rng.pick(TYPES), id: rng.pick(IDS) } }),
  };
  if (key && typed[key] && rng.chance(0.75)) return typed[key]();
  if ((key === 'tags' || key === 'set') && depth > 0 && rng.chance(0.75)) return table[table.length - 2][1]();
  if (key === 'rec' && depth > 0 && rng.chance(0.75)) return genRecord(rng, depth - 1);
  return rng.choose(table);
}

function genRecord(rng, depth, keys = ['n', 's', 'flag', 'rec', 'x y', 'owner']) {
  const rec = {};
  const n = rng.int(0, 4);
  for (let i = 0; i < n; ++i) { const k = rng.pick(keys); rec[k] = genJsonValue(rng, depth, k); }
  return rec;
}

function genEntities(rng, noDuplicates) {
  const uids = [];
  const seen = new Set();
  const add = (type, id) => { const key = type + '\0' + id; if (!seen.has(key)) { seen.add(key); uids.push({ type, id }); } };
  const n = rng.int(0, 7);
  for (let i = 0; i < n; ++i) add(rng.pick(TYPES), rng.pick(IDS));
  const entities = uids.map((uid, index) => {
    const parents = [];
    const np = rng.choose([[3, () => 0], [4, () => 1], [1, () => 2]]);
    for (let i = 0; i < np; ++i) {
      // Mostly a later entity (acyclic: the reference rejects cycles), sometimes a dangling
      // parent, rarely any entity at all (maybe a cycle, which both engines must reject).
      const later = uids.slice(index + 1);
      parents.push(rng.choose([[6, () => (later.length ? rng.pick(later) : uid)], [3, () => ({ type: rng.pick(TYPES), id: 'root' })],
        [0.05, () => rng.pick(uids)]]));
    }
    if (parents.some((p) => p === uid) && rng.chance(0.9)) parents.length = 0;
    const e = { uid, attrs: genRecord(rng, 2, ATTRS), parents };
    if (rng.chance(0.5)) {
      e.tags = {};
      const nt = rng.int(0, 3);
      for (let i = 0; i < nt; ++i) { const t = rng.pick(TAGS); e.tags[t] = genJsonValue(rng, 1, t); }
    }
    return e;
  });
  // Action hierarchy: view/edit in all, sometimes.
  if (rng.chance(0.5)) {
    for (const a of ['view', 'edit']) {
      entities.push({ uid: { type: 'Action', id: a }, attrs: {}, parents: rng.chance(0.7) ? [{ type: 'Action', id: 'all' }] : [] });
    }
  }
  // Duplicate entity entries: the reference accepts exact duplicates and rejects differing ones.
  const dup = rng.next() < 0.02;  // drawn always, so --no-duplicates leaves other cases unchanged
  if (dup && !noDuplicates && entities.length > 0) {
    entities.push(rng.chance(0.5) ? entities[0] : { ...entities[0], attrs: {} });
  }
  return entities;
}

function generateCase(seed, opts = {}) {
  const rng = makeRng(seed);
  const gen = makeGen(rng);
  const depth = opts.depth || 3;
  const policies = [];
  const np = rng.int(2, 8);
  for (let i = 0; i < np; ++i) policies.push(genPolicy(rng, gen, depth));
  const entities = genEntities(rng, opts.noDuplicates);
  const known = entities.map((e) => e.uid);
  const someUid = () => (known.length > 0 && rng.chance(0.7) ? rng.pick(known) : { type: rng.pick(TYPES), id: rng.pick(IDS) });
  return {
    seed,
    policies,
    entities,
    principal: someUid(),
    action: { type: 'Action', id: rng.pick(ACTIONS) },
    resource: someUid(),
    context: genRecord(rng, 2, CONTEXT_KEYS),
    // A rare syntax error, so that reference parse failures are compared too.
    brokenSuffix: rng.chance(0.02) ? rng.pick(['permit(principal, action, resource) when { 1 + };', 'permit(principal);', 'forbid(principal, action, resource) when { ip("1.2.3.4").isIpv4() }']) : '',
  };
}

function policiesText(c) {
  return c.policies.map(renderPolicy).join('\n') + (c.brokenSuffix ? '\n' + c.brokenSuffix : '');
}

// The eksguard batch line for a case.
function renderCase(c) {
  return {
    policies_text: policiesText(c),
    entities_json: c.entities,
    principal: c.principal,
    action: c.action,
    resource: c.resource,
    context: c.context,
  };
}

module.exports = { generateCase, renderCase, render, leaf, makeRng };

if (require.main === module) {
  const args = process.argv.slice(2);
  const get = (flag, dflt) => { const i = args.indexOf(flag); return i >= 0 ? Number(args[i + 1]) : dflt; };
  const seed = get('--seed', 1);
  const count = get('--count', 10);
  for (let i = 0; i < count; ++i) console.log(JSON.stringify(renderCase(generateCase(seed * 1000003 + i))));
}
