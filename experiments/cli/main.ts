#!/usr/bin/env node
/**
 * The `nasc` command line. Each command lives in experiments/cli/commands/<name>.ts and exports
 * a yargs CommandModule. Bad input anywhere (an InputError, or a yargs validation failure) ends
 * with one line on stderr and exit code 2 — never a stack trace; a run stopped by SIGINT/SIGTERM
 * (an Interrupted error) with one line and 130/143.
 */
import { realpathSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError, isInputError, isInterrupted } from '../../core/errors.js';
import { commands } from './commands/index.js';

export async function main(argv: readonly string[]): Promise<number> {
  const parser = yargs(hideBin([process.argv[0] ?? 'node', 'nasc', ...argv]))
    .scriptName('nasc')
    // A repeated flag takes its last value instead of turning into an array no handler expects.
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .strict()
    .demandCommand(1, 'name a command (nasc --help lists them)')
    .recommendCommands()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | null, error: Error | null) => {
      // Throwing stops yargs before any handler runs; both kinds of failure become exit code 2.
      if (error !== null && error !== undefined && !isYargsError(error)) throw error;
      throw new InputError(message ?? error?.message ?? 'invalid arguments');
    });
  for (const c of commands) parser.command(c);
  try {
    await parser.parseAsync();
  } catch (e) {
    if (isInputError(e) || isYargsError(e)) {
      process.stderr.write(`nasc: ${oneLine(e.message)}\n`);
      return 2;
    }
    // Ctrl-C / SIGTERM observed by a command: one line, 130 / 143 like a shell's killed program.
    if (isInterrupted(e)) {
      process.stderr.write(`nasc: ${oneLine(e.message)}\n`);
      return e.exitCode;
    }
    throw e;
  }
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}

/** yargs wraps errors thrown by `coerce` in a YError; an InputError inside keeps its own message. */
function isYargsError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'YError';
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs the CLI as a program: exit code 0/1/2, an unexpected error printed with its stack (exit 1). */
export function runMain(argv: readonly string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`nasc: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

// Run directly (tsx experiments/cli/main.ts, node dist/…/main.js); bin/nasc.js calls runMain itself.
const entry = process.argv[1] === undefined ? '' : realpathSync(process.argv[1]);
if (/experiments[\\/]cli[\\/]main\.(ts|js)$/.test(entry)) runMain(process.argv.slice(2));
