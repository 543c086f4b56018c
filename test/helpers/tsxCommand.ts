// Runs one of the project's commands as `npm run` does (node with tsx's loader, from the project
// root, stdin closed) and collects what it printed and how it exited.

import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../ops/paths.ts';

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
  return new Promise((resolve, reject) => {
    const { command, args: prefix } = tsxCommand(script);
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
