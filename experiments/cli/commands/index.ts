import type { CommandModule } from 'yargs';
import { accuracyCommand } from './accuracy.js';
import { compareCommand } from './compare.js';
import { dataCommandModule } from './data.js';
import { latencyCommand } from './latency.js';
import { listCommandModule } from './list.js';
import { profileCommand } from './profile.js';
import { reproduceCommand } from './reproduce.js';
import { reportCommandModule } from './report.js';
import { runCommandModule } from './run.js';
import { searchCommandModule } from './search.js';
import { workerCommandModule } from './worker.js';

type AnyCommand = CommandModule<object, never>;

/** Every command of the CLI, in the order `nasc --help` lists them. */
export const commands: AnyCommand[] = [searchCommandModule, compareCommand, reproduceCommand, runCommandModule, latencyCommand, accuracyCommand, reportCommandModule, profileCommand, listCommandModule, dataCommandModule, workerCommandModule].map((c) => c as unknown as AnyCommand);
