#!/usr/bin/env node
/**
 * The `nasc` command line. Each command lives in experiments/cli/commands/<name>.ts and exports
 * a yargs CommandModule. Bad input anywhere (an InputError, or a yargs validation failure) ends
 * with one line on stderr and exit code 2 — never a stack trace.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isInputError } from '../../core/errors.js';
import { commands } from './commands/index.js';

export async function main(argv: readonly string[]): Promise<number> {
  let failedValidation: string | undefined;
  const parser = yargs(hideBin([process.argv[0] ?? 'node', 'nasc', ...argv]))
    .scriptName('nasc')
    .strict()
    .demandCommand(1, 'name a command (nasc --help lists them)')
    .recommendCommands()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | null, error: Error | null) => {
      if (error) throw error;
      failedValidation = message ?? 'invalid arguments';
    });
  for (const c of commands) parser.command(c);
  try {
    await parser.parseAsync();
  } catch (e) {
    if (isInputError(e)) {
      process.stderr.write(`nasc: ${oneLine(e.message)}\n`);
      return 2;
    }
    throw e;
  }
  if (failedValidation !== undefined) {
    process.stderr.write(`nasc: ${oneLine(failedValidation)}\n`);
    return 2;
  }
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

const isEntry = process.argv[1] !== undefined && /experiments[\\/]cli[\\/]main\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`nasc: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
