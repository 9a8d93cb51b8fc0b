import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the scenarios shipped with nasc (works from source and from dist/). */
export function scenariosDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // From dist/experiments the JSON files stay in the source tree beside package.json.
  const candidates = [path.join(here, 'scenarios'), path.join(here, '..', '..', 'experiments', 'scenarios')];
  for (const c of candidates) {
    try {
      if (readdirSync(c).some((f) => f.endsWith('.json'))) return c;
    } catch {
      // not this one
    }
  }
  return candidates[0] as string;
}

/** A scenario argument is a shipped name (`default`, `open`, `bandwidth-1`) or a file path. */
export function resolveScenario(nameOrFile: string): string {
  if (nameOrFile.endsWith('.json') || nameOrFile.includes('/') || nameOrFile.includes(path.sep)) return nameOrFile;
  return path.join(scenariosDir(), `${nameOrFile}.json`);
}

export function shippedScenarios(): string[] {
  return readdirSync(scenariosDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}
