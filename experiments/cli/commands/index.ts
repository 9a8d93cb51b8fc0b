import type { CommandModule } from 'yargs';

/** Every command of the CLI, in the order `nasc --help` lists them. */
export const commands: CommandModule<object, never>[] = [];
