/** The steps' dependency graph: validation, and which steps may start given what has finished. */
import type { StepId } from '../steps/ids.js';

export interface GraphNode {
  readonly id: StepId;
  readonly dependsOn: readonly StepId[];
}

/** Throws when a dependency is missing from the set or the graph has a cycle (both are bugs). */
export function assertValidGraph(nodes: readonly GraphNode[]): void {
  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!ids.has(dep)) throw new Error(`Step ${node.id} depends on ${dep}, which is not registered`);
    }
  }
  const visiting = new Set<StepId>();
  const done = new Set<StepId>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const visit = (id: StepId, path: StepId[]) => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new Error(`Step dependency cycle: ${[...path, id].join(' -> ')}`);
    visiting.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) visit(dep, [...path, id]);
    visiting.delete(id);
    done.add(id);
  };
  for (const node of nodes) visit(node.id, []);
}

/** Steps that depend on `id`, directly. */
export function dependentsOf(nodes: readonly GraphNode[], id: StepId): StepId[] {
  return nodes.filter((n) => n.dependsOn.includes(id)).map((n) => n.id);
}

/**
 * Groups steps into waves: each wave holds the steps whose dependencies are all in earlier waves,
 * i.e. what can run concurrently. Used by `plan` to show the graph.
 */
export function waves(nodes: readonly GraphNode[]): StepId[][] {
  const placed = new Set<StepId>();
  const result: StepId[][] = [];
  while (placed.size < nodes.length) {
    const wave = nodes
      .filter((n) => !placed.has(n.id) && n.dependsOn.every((d) => placed.has(d)))
      .map((n) => n.id);
    if (wave.length === 0) throw new Error('Step dependency cycle');
    wave.forEach((id) => placed.add(id));
    result.push(wave);
  }
  return result;
}
