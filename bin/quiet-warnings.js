/**
 * Drop exactly one process warning: the AWS SDK's NodeVersionSupportWarning, which it emits on
 * every start under node < 22 and which would otherwise end up in the middle of command output.
 * Every other warning still goes through. Plain JS: loaded before tsx is.
 */
'use strict';

const NAME = 'NodeVersionSupportWarning';
const emitWarning = process.emitWarning;

process.emitWarning = function quietEmitWarning(warning, ...rest) {
  // emitWarning(warning, type) or emitWarning(warning, { type }); the SDK puts the name in the text.
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && typeof rest[0] === 'object' ? rest[0].type : undefined;
  const name = warning instanceof Error ? warning.name : type;
  const message = warning instanceof Error ? warning.message : String(warning);
  if (name === NAME || message.startsWith(NAME)) return;
  return Reflect.apply(emitWarning, process, [warning, ...rest]);
};
