import type { NodeRecord, NodeRepository } from '../repositories/node.repository.js';

/**
 * In-memory view of the org tree for the hot paths (every alarm needs its
 * origin's name and path to reach the right consoles). Reloaded from the
 * database whenever a catalog changes it.
 */
export class NodeIndex {
  private byId = new Map<string, NodeRecord>();
  private generation = 0;

  constructor(private readonly repo: NodeRepository) {}

  /**
   * Reloads after a catalog change. Catalogs of different children are
   * applied concurrently, so reloads can finish out of order: only the most
   * recently started one may install its snapshot (it was read after every
   * earlier commit), or an older snapshot would hide a branch.
   */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    const records = await this.repo.records();
    if (generation === this.generation) {
      this.byId = new Map(records.map((r) => [r.id, r]));
    }
  }

  get(id: string): NodeRecord | undefined {
    return this.byId.get(id);
  }

  nameOf(id: string): string {
    return this.byId.get(id)?.name ?? id;
  }

  /** Path from this center down to the node; unknown nodes hang directly under `via` (the child that told us). */
  pathOf(id: string, via?: string): string[] {
    const hit = this.byId.get(id);
    if (hit) {
      return hit.path;
    }
    const parent = via ? this.byId.get(via) : undefined;
    return parent ? [...parent.path, id] : [id];
  }

  /** The direct child through which a node is reached, or null for this center itself / unknown nodes. */
  routeTo(id: string): string | null {
    return this.byId.get(id)?.reportedBy ?? null;
  }

  isWithin(id: string, root: string): boolean {
    return this.byId.get(id)?.path.includes(root) ?? false;
  }

  /** The centers directly below `parent`. */
  childCenters(parent: string): string[] {
    return [...this.byId.values()].filter((n) => n.kind === 'center' && n.parentId === parent).map((n) => n.id);
  }

  /** The nodes of the subtree under `root`, itself included. */
  within(root: string): NodeRecord[] {
    return [...this.byId.values()].filter((n) => n.path.includes(root));
  }
}
