#!/usr/bin/env node
/**
 * `tideflow` launcher: plain JS so npm can link it as a bin, compiling cli/main.ts on the fly
 * with tsx (the project is CommonJS; there is no build step). Both of tsx's hooks are
 * registered: CommonJS for the static imports, ESM for the CLI's lazy `import()`s. The ESM
 * API is itself imported (not required): tsx 4.23's CommonJS build of it resolves its hooks
 * file from the wrong directory.
 *
 * `tideflow serve` is the exception: it runs from the bundle the bootstrap prebuilds
 * (bin/serve-bundle.js) when that is up to date, because compiling the server's TypeScript at
 * every start would cost more than the whole cold start the issue allows.
 */
'use strict';

require('./quiet-warnings');

const argv = process.argv.slice(2);
const prebuilt = argv[0] === 'serve' ? require('./serve-bundle').freshServeBundle() : undefined;

if (prebuilt && prebuilt.bundle) {
  require(prebuilt.bundle).main(argv.slice(1));
} else {
  if (prebuilt)
    process.stderr.write(
      `[serve] starting from source (slower start): the prebuilt server is out of date (${prebuilt.stale}); ` +
        "npm start / npm test / npm run bench rebuild it, as does 'npx tsx infra/serve-bundle.ts'\n",
    );
  require('tsx/cjs');
  import('tsx/esm/api').then(({ register }) => {
    register();
    require('../cli/main.ts').main();
  });
}
