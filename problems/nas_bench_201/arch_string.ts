/**
 * NAS-Bench-201 cells: 4 nodes, 6 edges j→i (j < i), each one of 5 ops. The genome lists the
 * edges in arch-string order `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`, i.e. (1←0), (2←0), (2←1),
 * (3←0), (3←1), (3←2); each gene is an op index in NAS-Bench-201's op order.
 */
import { InputError } from '../../core/errors.js';
import type { Genome } from '../../core/variables.js';

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];
/** [to, from] of each gene. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];
export const NB201_GENES = NB201_EDGES.length;
export const NB201_SIZE = NB201_OPS.length ** NB201_GENES; // 15,625

export function archToString(genome: Genome): string {
  if (genome.length !== NB201_GENES) throw new InputError(`nas-bench-201 genome has ${genome.length} genes, expected ${NB201_GENES}`);
  const ops = genome.map((g, i) => {
    const op = NB201_OPS[g];
    if (!Number.isInteger(g) || op === undefined) throw new InputError(`nas-bench-201 genome: gene ${i} = ${g} is not an op index 0..${NB201_OPS.length - 1}`);
    return `${op}~${(NB201_EDGES[i] as readonly [number, number])[1]}`;
  });
  return `|${ops[0]}|+|${ops[1]}|${ops[2]}|+|${ops[3]}|${ops[4]}|${ops[5]}|`;
}

export function parseArchString(s: string): number[] {
  const nodes = s.split('+');
  const bad = (why: string): never => {
    throw new InputError(`nas-bench-201 arch string "${s}": ${why}`);
  };
  if (nodes.length !== 3) bad('expected 3 nodes separated by +');
  const genome: number[] = [];
  nodes.forEach((node, n) => {
    const m = /^\|(.*)\|$/.exec(node);
    if (!m) return bad(`node ${n + 1} is not enclosed in |…|`);
    const edges = (m[1] as string).split('|');
    if (edges.length !== n + 1) bad(`node ${n + 1} has ${edges.length} inputs, expected ${n + 1}`);
    edges.forEach((e, j) => {
      const [op, from] = e.split('~');
      const k = NB201_OPS.indexOf(op as Nb201Op);
      if (k < 0) bad(`unknown op "${op}" (ops: ${NB201_OPS.join(', ')})`);
      if (from !== String(j)) bad(`edge "${e}" should read from node ${j}`);
      genome.push(k);
    });
  });
  return genome;
}
