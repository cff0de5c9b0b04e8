#!/usr/bin/env node
/**
 * `evote`: the command-line tool of trustees (and, later, of observers). Pure src/crypto plus Node built-ins.
 *   evote trustee init --out trustee.key
 *   evote trustee ceremony --server URL --election ID --key trustee.key
 * Run `evote --help` or `evote <command> --help`.
 */
import { dispatch } from './args';
import { COMMANDS } from './commands';
import { installNodeAccelerators } from '../parallel/node-accelerators';

export async function main(argv: readonly string[]): Promise<number> {
  installNodeAccelerators();
  return dispatch('evote', COMMANDS, argv, {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`evote: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
