// Starts one child process of the `node` executable it is given, times it from spawn to exit,
// and reads the one JSON report it writes on file descriptor 3. A child that fails ends the
// benchmark with what it said.

import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { type FailureReport, REPORT_FD } from './protocol.ts';

export interface ChildRun<T> {
  /** From just before spawn() to the child's exit, as the parent saw it. */
  readonly wallMs: number;
  readonly report: T;
  /** The child's standard output, when asked for (the skill's log lines). */
  readonly stdout: string;
}

export interface ChildOptions {
  /** The node executable to start. */
  readonly node: string;
  readonly env: Readonly<Record<string, string>>;
  /** Keep the child's stdout; otherwise it goes to /dev/null, the cheapest place for it. */
  readonly captureStdout?: boolean;
  /** Whether the child writes a report (a bare `node -e 0` does not). */
  readonly expectReport?: boolean;
  readonly timeoutMs?: number;
  /** Starts the child through another command (a CPU share: cpuShare.ts); by default node itself. */
  readonly launcher?: Launcher;
}

/** How to start `node args`: the command and its arguments. */
export type Launcher = (node: string, args: readonly string[]) => { command: string; args: string[] };

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '';
}

export function runChild<T>(args: readonly string[], options: ChildOptions): Promise<ChildRun<T | undefined>> {
  const { node, env, captureStdout = false, expectReport = true, timeoutMs = 120_000, launcher } = options;
  const started = launcher ? launcher(node, args) : { command: node, args: [...args] };
  return new Promise((resolve, reject) => {
    // stdin, stdout, stderr, and the report pipe at REPORT_FD (3).
    const stdio: ('ignore' | 'pipe')[] = ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe', 'pipe'];
    const start = performance.now();
    const child = spawn(started.command, started.args, { env, stdio });
    let wallMs = 0;
    let stdout = '';
    let stderr = '';
    let report = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    (child.stdio[REPORT_FD] as Readable | null)?.on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', () => (wallMs = performance.now() - start));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${node}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const parsed = report.trim() ? (JSON.parse(lastLine(report)) as T | FailureReport) : undefined;
      const failure =
        parsed && typeof parsed === 'object' && 'error' in parsed ? (parsed as FailureReport).error : undefined;
      if (code !== 0 || failure || (expectReport && !parsed)) {
        const why =
          failure ?? (signal ? `it was killed by ${signal}` : lastLine(stderr) || `it exited with code ${code}`);
        reject(new Error(`${node} ${args.join(' ').slice(0, 80)} failed: ${why}`));
        return;
      }
      resolve({ wallMs, report: parsed as T | undefined, stdout });
    });
  });
}
