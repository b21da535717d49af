#!/usr/bin/env node
/**
 * `tideflow` launcher: plain JS so npm can link it as a bin, compiling cli/main.ts on the fly
 * with tsx (the project is CommonJS; there is no build step). Both of tsx's hooks are
 * registered: CommonJS for the static imports, ESM for the CLI's lazy `import()`s. The ESM
 * API is itself imported (not required): tsx 4.23's CommonJS build of it resolves its hooks
 * file from the wrong directory.
 */
'use strict';

require('./quiet-warnings');
require('tsx/cjs');

import('tsx/esm/api').then(({ register }) => {
  register();
  require('../cli/main.ts').main();
});
