/**
 * The prebuilt `tideflow serve` (issue 12: cold start ≤ 1 s): infra/serve-bundle.ts bundles the
 * server into dist/serve.cjs and lists the source files it was built from, with their mtime and
 * size, in dist/serve.inputs.json. The bundle is used only while every one of them is unchanged;
 * otherwise `tideflow serve` compiles from source as before, and says why. Plain JS: it runs
 * before tsx is loaded (bin/tideflow.js) and is the one freshness check the builder reuses.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const BUNDLE = path.join(ROOT, 'dist', 'serve.cjs');
const INPUTS = path.join(ROOT, 'dist', 'serve.inputs.json');

/** { bundle: path } when the bundle matches the sources, else { stale: why }. */
function freshServeBundle() {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(INPUTS, 'utf8')).inputs;
  } catch {
    return { stale: 'it is not built' };
  }
  for (const [file, mtimeMs, size] of inputs) {
    let st;
    try {
      st = fs.statSync(path.join(ROOT, file));
    } catch {
      return { stale: `${file} is gone` };
    }
    if (st.mtimeMs !== mtimeMs || st.size !== size) return { stale: `${file} changed` };
  }
  return fs.existsSync(BUNDLE) ? { bundle: BUNDLE } : { stale: 'it is not built' };
}

module.exports = { ROOT, BUNDLE, INPUTS, freshServeBundle };
