import type { CommandModule } from 'yargs';
import { latencyCommand } from '../../experiments/cli/commands/latency.js';
export const listed: CommandModule<object, never>[] = [latencyCommand];
