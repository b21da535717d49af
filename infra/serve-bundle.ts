/**
 * Prebuilds `tideflow serve` (issue 12: process start → ready ≤ 1 s). Started through tsx, the
 * server spent most of its cold start compiling its TypeScript and resolving a thousand module
 * files (the AWS SDK alone is several hundred); bundled by esbuild into one CommonJS file, it
 * loads in a fraction of that (figures in `npm run bench -- --only serve`). The bootstrap runs
 * this before start, test and bench; bin/serve-bundle.js decides whether the bundle is current.
 *
 * esbuild is tsx's own (a dependency of tsx, so no new package). Native and optional modules stay
 * outside the bundle and are required from node_modules at run time.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';

interface BundleState {
  ROOT: string;
  BUNDLE: string;
  INPUTS: string;
  freshServeBundle(): { bundle?: string; stale?: string };
}
// The launcher's own module (plain JS), so paths and the freshness rule exist once.
const state = createRequire(__filename)('../bin/serve-bundle.js') as BundleState;

const ENTRY = 'cli/serve-main.ts';
/** Loaded from node_modules at run time: a native binding (the onnx engine, itself loaded on first use). */
const EXTERNAL = ['onnxruntime-node'];

/**
 * A bundled module's `__dirname` would be dist/; the project reads package.json and runs git
 * relative to its own source folder, so each file keeps the folder it was written in.
 */
const sourceDirname: Plugin = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await fs.promises.readFile(args.path, 'utf8');
      const dir = JSON.stringify(path.dirname(args.path));
      return { contents: text.replace(/\b__dirname\b/g, dir), loader: 'ts' };
    });
  },
};

/** Build dist/serve.cjs unless it is current; resolves to what happened, for the log. */
export async function buildServeBundle(): Promise<string> {
  const fresh = state.freshServeBundle();
  if (fresh.bundle) return `up to date (${path.relative(state.ROOT, fresh.bundle)})`;
  const started = Date.now();
  const tmp = `${state.BUNDLE}.${process.pid}.tmp`;
  const result = await build({
    absWorkingDir: state.ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: tmp,
    external: EXTERNAL,
    plugins: [sourceDirname],
    metafile: true,
    logLevel: 'warning',
  });
  // The project's sources and the lockfile (which pins every bundled package) decide freshness.
  const files = [...Object.keys(result.metafile.inputs).filter((f) => !f.split('/').includes('node_modules')), 'package-lock.json'];
  const inputs = files.map((f) => {
    const st = fs.statSync(path.join(state.ROOT, f));
    return [f, st.mtimeMs, st.size] as const;
  });
  const edited = inputs.find(([, mtimeMs]) => mtimeMs >= started);
  fs.renameSync(tmp, state.BUNDLE);
  // A source saved during the build may not be in it: leave the list out, so the next start rebuilds or compiles from source.
  if (edited) return `built, but ${edited[0]} changed during the build: not marked current`;
  fs.writeFileSync(state.INPUTS, `${JSON.stringify({ entry: ENTRY, builtAt: new Date().toISOString(), inputs })}\n`);
  return `built ${path.relative(state.ROOT, state.BUNDLE)} from ${files.length} project files in ${Date.now() - started} ms`;
}

if (require.main === module) {
  buildServeBundle().then(
    (what) => process.stderr.write(`serve bundle: ${what}\n`),
    (err: unknown) => {
      // Not fatal: `tideflow serve` then compiles from source, only slower to start.
      process.stderr.write(
        `serve bundle: not built (${err instanceof Error ? err.message : String(err)}); tideflow serve will start from source\n`,
      );
    },
  );
}
