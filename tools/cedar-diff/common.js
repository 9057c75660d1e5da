// What the cedar-diff scripts share: command-line options, the eksguard binary to test and the
// reference engine (cedar-wasm, installed from npm by tools/cedar-wasm/install.sh on first use).
// Each loader exits with status 2 and a message naming the script when something is missing.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const repo = path.resolve(__dirname, '../..');

// `--name value` options and bare `--flag`s of this process.
function options(argv = process.argv.slice(2)) {
  return {
    get(name, fallback) {
      const i = argv.indexOf('--' + name);
      return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
    },
    number(name, fallback) {
      return Number(this.get(name, String(fallback)));
    },
    has(name) {
      return argv.includes('--' + name);
    },
  };
}

function exitWith(script, message) {
  console.error(`${script}: ${message}`);
  process.exit(2);
}

// The eksguard binary given by --binary (default build/eksguard), which must exist.
function eksguardBinary(script, opts) {
  const binary = path.resolve(opts.get('binary', path.join(repo, 'build/eksguard')));
  if (!fs.existsSync(binary)) exitWith(script, `no binary at ${binary} (make build)`);
  return binary;
}

// The cedar-wasm module from --wasm DIR, $EKSGUARD_CEDAR_WASM_DIR, or a fresh npm install.
function cedarWasm(script, opts) {
  let dir = opts.get('wasm', process.env.EKSGUARD_CEDAR_WASM_DIR || '');
  if (!dir) {
    try {
      dir = execFileSync(path.join(repo, 'tools/cedar-wasm/install.sh'), { encoding: 'utf8' }).trim();
    } catch (e) {
      exitWith(script, 'cannot install cedar-wasm (tools/cedar-wasm/install.sh)');
    }
  }
  return require(path.resolve(dir, 'node_modules/@cedar-policy/cedar-wasm/nodejs'));
}

module.exports = { repo, options, eksguardBinary, cedarWasm };
