#!/usr/bin/env bash
# Validates eksguard SARIF output the way its consumers will read it:
#   1. JSON Schema: the official SARIF 2.1.0 schema (as shipped in Microsoft's SARIF Multitool
#      package), checked with ajv (draft 2020-12, all formats).
#   2. SARIF Multitool `validate`: the SARIF specification rules (SARIF1xxx errors, SARIF2xxx
#      advice) and the GitHub code scanning ingestion rules (GH1xxx/GH2xxx), the GitHub
#      location rules switched on as errors.
# The Multitool quietly skips files it cannot deserialize, which is why the schema check runs
# first and on its own.
#
# Usage:
#   tools/validate-sarif.sh FILE.sarif...    validate these files
#   tools/validate-sarif.sh                  validate the SARIF documents the unit tests render
#                                            (runs eksguard_tests --gtest_filter='Sarif*')
# Environment:
#   EKSGUARD_TESTS          test binary for the no-argument form (default: the newest
#                           build*/eksguard_tests)
#   EKSGUARD_SARIF_TOOLS    where the validators are installed (default: build-tools/sarif-validator
#                           in the repository; ignored by git). Installed once from the npm
#                           registry (ajv, ajv-formats, @microsoft/sarif-multitool-linux; about
#                           45 MB, a few seconds), reused afterwards.
# Known advice that does not fail the run: SARIF2005 (no informationUri yet) and GH1003/SARIF2017
# for findings without a line (eksguard omits the region, as SARIF allows, and GitHub then
# anchors the alert to the file).
# Exit status: 0 valid, 1 invalid, 2 could not run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
tools="${EKSGUARD_SARIF_TOOLS:-$repo/build-tools/sarif-validator}"
readonly AJV_VERSION=8.20.0 AJV_FORMATS_VERSION=3.0.1 MULTITOOL_VERSION=5.7.0
multitool_dir="$tools/node_modules/@microsoft/sarif-multitool-linux"

die() { echo "validate-sarif: $*" >&2; exit 2; }

install_validators() {
  local stamp="$tools/.installed-$AJV_VERSION-$AJV_FORMATS_VERSION-$MULTITOOL_VERSION"
  [[ -f "$stamp" ]] && return
  command -v npm >/dev/null || die "npm is needed (apt-get install npm)"
  [[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || die "the SARIF Multitool package is x86-64 Linux only"
  mkdir -p "$tools"
  cat >"$tools/package.json" <<EOF
{"name": "eksguard-sarif-validator", "private": true, "version": "0.0.0",
 "dependencies": {"ajv": "$AJV_VERSION", "ajv-formats": "$AJV_FORMATS_VERSION",
                  "@microsoft/sarif-multitool-linux": "$MULTITOOL_VERSION"}}
EOF
  echo "validate-sarif: installing validators into $tools" >&2
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error >&2) || die "npm install failed"
  chmod u+x "$multitool_dir/Sarif.Multitool"
  touch "$stamp"
}

write_helpers() {
  cat >"$tools/schema-check.js" <<'EOF'
// node schema-check.js SCHEMA FILE...: validates each file against the SARIF JSON schema.
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let failed = 0;
for (const file of files) {
  let log;
  try {
    log = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    console.log(`${file}: not JSON: ${e.message}`);
    failed++;
    continue;
  }
  if (validate(log)) {
    console.log(`${file}: schema ok`);
    continue;
  }
  failed++;
  for (const error of validate.errors.slice(0, 20)) {
    console.log(`${file}: ${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`);
  }
}
process.exit(failed ? 1 : 0);
EOF
  cat >"$tools/multitool-report.js" <<'EOF'
// node multitool-report.js LOG: prints the Multitool's findings; exits 1 on any error-level one
// except the advice listed in validate-sarif.sh.
const fs = require("fs");
const advisory = new Set(["GH1003", "SARIF2005", "SARIF2017"]);
const log = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let errors = 0;
for (const run of log.runs) {
  const rules = (run.tool.driver.rules || []);
  for (const result of run.results || []) {
    const level = result.level || "warning";
    const rule = rules[result.ruleIndex] || {};
    const template = ((rule.messageStrings || {})[result.message.id] || {}).text || "";
    const text = result.message.text ||
      template.replace(/\{(\d+)\}/g, (_, i) => (result.message.arguments || [])[i]);
    const where = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri || "";
    const fatal = level === "error" && !advisory.has(result.ruleId);
    if (fatal) errors++;
    console.log(`${fatal ? "ERROR" : "note "} ${result.ruleId} ${where}: ${text}`);
  }
  for (const invocation of run.invocations || []) {
    for (const n of [...(invocation.toolExecutionNotifications || []),
                     ...(invocation.toolConfigurationNotifications || [])]) {
      if ((n.level || "warning") === "error") {
        errors++;
        console.log(`ERROR multitool: ${n.message.text}`);
      }
    }
  }
}
process.exit(errors ? 1 : 0);
EOF
  local keys="GH1001.ProvideRequiredLocationProperties GH1003.ProvideRequiredRegionProperties
    GH1005.LocationsMustBeRelativeUrisOrFilePaths GH1006.ProvideCheckoutPath
    GH1007.ProvideFullyFormattedMessageStrings GH1011.GhasReferenceFinalSchema"
  {
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo '<Properties>'
    for key in $keys; do
      echo "  <Properties Key=\"$key.Options\">"
      echo '    <Property Key="RuleEnabled" Value="Error" Type="Driver.RuleEnabledState" />'
      echo '  </Properties>'
    done
    echo '</Properties>'
  } >"$tools/github-rules.xml"
}

newest_test_binary() {
  local best="" candidate
  for candidate in "$repo"/build*/eksguard_tests; do
    [[ -x "$candidate" ]] || continue
    if [[ -z "$best" || "$candidate" -nt "$best" ]]; then best="$candidate"; fi
  done
  echo "$best"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  tests="${EKSGUARD_TESTS:-$(newest_test_binary)}"
  [[ -x "$tests" ]] || die "no test binary: build one (cmake --build build) or pass SARIF files"
  mkdir -p "$work/rendered"
  EKSGUARD_SARIF_DUMP_DIR="$work/rendered" "$tests" --gtest_filter='Sarif*' >"$work/tests.log" ||
    { cat "$work/tests.log" >&2; die "$tests failed"; }
  files=("$work"/rendered/*.sarif)
  [[ -f "${files[0]}" ]] || die "$tests rendered no SARIF (are the Sarif* tests in it?)"
fi

install_validators
write_helpers
command -v node >/dev/null || die "node is needed"

status=0
echo "== JSON schema (SARIF 2.1.0, ajv $AJV_VERSION)"
node "$tools/schema-check.js" "$multitool_dir/sarif-2.1.0.json" "${files[@]}" || status=1

echo "== SARIF Multitool $MULTITOOL_VERSION validate (SARIF and GitHub code scanning rules)"
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$multitool_dir/Sarif.Multitool" validate \
  --rule-kind "Sarif;Ghas;Gh" -c "$tools/github-rules.xml" --max-file-size-in-kb 4194304 \
  -o "$work/multitool.sarif" \
  "${files[@]}" >"$work/multitool.log" 2>&1 || { cat "$work/multitool.log" >&2; die "Multitool failed"; }
[[ -f "$work/multitool.sarif" ]] || { cat "$work/multitool.log" >&2; die "Multitool wrote no log"; }
node "$tools/multitool-report.js" "$work/multitool.sarif" || status=1

if [[ $status -eq 0 ]]; then
  echo "validate-sarif: ${#files[@]} file(s) valid"
else
  echo "validate-sarif: INVALID" >&2
fi
exit $status
