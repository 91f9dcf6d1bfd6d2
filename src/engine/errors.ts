/** Errors of the engine (DESIGN.md §4). Messages name the node, the parameter and the bound. */

/** A structural problem with a graph or graph file, thrown by the command that caused it. */
export class GraphError extends Error {
  override name = 'GraphError';
  /** JSON path of the offending element when known, e.g. `nodes[2].params.sigma`. */
  readonly path?: string;
  constructor(message: string, path?: string) {
    super(path ? `${path}: ${message}` : message);
    this.path = path;
  }
}

export interface FileIssue {
  /** JSON path, e.g. `edges[1].to.node`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

/** A graph file that cannot be loaded; lists every problem found. */
export class GraphFileError extends GraphError {
  override name = 'GraphFileError';
  readonly issues: readonly FileIssue[];
  constructor(issues: readonly FileIssue[]) {
    const first = issues[0];
    const head = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'invalid graph file';
    super(issues.length > 1 ? `${head} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : head);
    this.issues = issues;
  }
}

/** A node failed while loading or computing. */
export class NodeExecutionError extends Error {
  override name = 'NodeExecutionError';
  readonly nodeId: string;
  readonly nodeType: string;
  readonly params: Readonly<Record<string, unknown>>;
  override readonly cause: unknown;
  constructor(nodeId: string, nodeType: string, params: Readonly<Record<string, unknown>>, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`node "${nodeId}" (${nodeType}): ${reason}`);
    this.nodeId = nodeId;
    this.nodeType = nodeType;
    this.params = params;
    this.cause = cause;
  }
}

/** The evaluation was superseded or aborted. Never shown to the user as an error. */
export class Cancelled extends Error {
  override name = 'Cancelled';
  constructor(message = 'evaluation cancelled') {
    super(message);
  }
}

export function isCancelled(e: unknown): e is Cancelled {
  return e instanceof Cancelled;
}
