import type { CommandModule } from 'yargs';
import { runCommandModule } from './run.js';

/** Every command of the CLI, in the order `nasc --help` lists them. */
export const commands: CommandModule<object, never>[] = [runCommandModule as unknown as CommandModule<object, never>];
