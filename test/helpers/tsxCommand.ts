// Runs one of the project's commands as `npm run` does (node with tsx's loader, from the project
// root, stdin closed) and collects what it printed and how it exited.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../ops/paths.ts';
import { type BuiltCommand, builtName } from '../builtCommands.ts';

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `node --import tsx SCRIPT`, as every script in package.json runs: node itself, with no tsx CLI
 * between it and a signal. Under vitest, process.execPath is the node npm would pick.
 */
export function tsxCommand(script: string): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', script] };
}

export function runTsxCommand(script: string, args: readonly string[]): Promise<CommandRun> {
  return runCommandLine(tsxCommand(script), args);
}

export function runBuiltCommand(script: BuiltCommand, args: readonly string[]): Promise<CommandRun> {
  return runCommandLine(builtCommand(script), args);
}

function runCommandLine(
  { command, args: prefix }: { command: string; args: string[] },
  args: readonly string[],
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The same command from the bundle test/builtCommands.ts made once for the run: for tests of its
 * help and refusals, which are about what it prints, not about how npm starts it.
 */
export function builtCommand(script: BuiltCommand): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(inject('builtCommandsDir'), `${builtName(script)}.mjs`)] };
}
