import { constrainedDominates } from '../../core/dominance.js';
import { individualFromJSON, individualToJSON, type Individual, type IndividualJSON } from '../../core/individual.js';

/**
 * The individuals no other individual constraint-dominates (Deb's rule: feasible beats infeasible,
 * less violation beats more, Pareto dominance among the feasible). Strategies that have no
 * population of their own (random search, ASNG) report this archive, so their fronts compare with
 * a GA's. Equal objective vectors are all kept (distinct genomes on the same front point).
 * Insertion is O(archive size), fine for archives of hundreds.
 */
export class NondominatedArchive<Info = unknown> {
  private members: Individual<Info>[] = [];

  get size(): number {
    return this.members.length;
  }

  /** Adds `ind` unless a member dominates it; drops the members it dominates. True when kept. */
  add(ind: Individual<Info>): boolean {
    for (const m of this.members) if (constrainedDominates(m, ind)) return false;
    this.members = this.members.filter((m) => !constrainedDominates(ind, m));
    // Rank 0 for every member: the archive is one front. Crowding is not maintained.
    this.members.push({ ...ind, rank: 0, crowding: Number.NaN });
    return true;
  }

  addAll(inds: readonly Individual<Info>[]): void {
    for (const ind of inds) this.add(ind);
  }

  individuals(): readonly Individual<Info>[] {
    return this.members;
  }

  toJSON(): IndividualJSON<Info>[] {
    return this.members.map((m) => individualToJSON(m));
  }

  static fromJSON<Info>(json: readonly IndividualJSON<Info>[]): NondominatedArchive<Info> {
    const a = new NondominatedArchive<Info>();
    // Members of a saved archive are mutually non-dominated: restore them verbatim, order kept.
    a.members = json.map((j) => individualFromJSON(j));
    return a;
  }
}
