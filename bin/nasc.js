#!/usr/bin/env node
// The `nasc` command from a clone, no build step: tsx compiles the TypeScript sources on load
// (esbuild, cached in the OS temp folder), so the command always runs the code as it is now.
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../experiments/cli/main.ts');
runMain(process.argv.slice(2));
