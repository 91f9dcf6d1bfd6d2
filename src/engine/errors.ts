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

/** Bytes as "1.00 GiB", "512 MiB", "12.3 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${n} bytes`;
  const digits = v >= 100 || Number.isInteger(v) ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${units[u]}`;
}

/** A node's output would exceed the engine's memory budget (checked before it runs). */
export class MemoryBudgetError extends Error {
  override name = 'MemoryBudgetError';
  constructor(
    readonly bytes: number,
    readonly budget: number,
    when: 'before' | 'after',
    hint: string | undefined,
  ) {
    super(
      `${when === 'before' ? 'its output would take' : 'its output took'} ${formatBytes(bytes)} of tensor data, above the memory budget of ${formatBytes(budget)}` +
        `${when === 'before' ? ', so it was not run' : ' (discarded)'}${hint ? `; ${hint}` : ''}`,
    );
  }
}

/** The cause of a descendant's error: an input comes from a node that failed. */
export class UpstreamFailure extends Error {
  override name = 'UpstreamFailure';
  /** The input port whose value is missing. */
  readonly port: string;
  /** The node wired into that port. */
  readonly upstream: string;
  /** The node whose own failure started the chain (equals `upstream` for a direct child). */
  readonly root: string;
  constructor(port: string, upstream: string, root: string) {
    super(
      upstream === root
        ? `input "${port}" comes from node "${upstream}", which failed`
        : `input "${port}" comes from node "${upstream}", which failed because node "${root}" failed`,
    );
    this.port = port;
    this.upstream = upstream;
    this.root = root;
  }
}
