// Lambda's share of a CPU for a memory size, as near as this machine allows: one vCPU at 1,769 MB
// and proportionally less below ("Configure Lambda function memory", docs.aws.amazon.com/lambda/
// latest/dg/configuration-memory.html). Where the benchmark may create cgroups (root, cgroup v1 or
// v2 with the cpu controller), each child runs in one whose CFS quota is that share of a 100 ms
// period; elsewhere nothing is throttled and the report scales the measured CPU time instead.

import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Launcher } from './children.ts';

/** Lambda gives a function one vCPU's worth of CPU time per second at 1,769 MB, proportionally less below. */
export const LAMBDA_MB_PER_VCPU = 1769;
/** Linux's default CFS period; Lambda does not say which one it uses. */
const PERIOD_US = 100_000;

export interface CpuShares {
  /** 'cgroup': children are throttled; 'estimate': they run at full speed, and CPU time is scaled. */
  readonly how: 'cgroup' | 'estimate';
  /** In words, for the report. */
  readonly method: string;
  /** Starts a child inside the share of a memory size (undefined when nothing is throttled). */
  launcher(memoryMb: number): Launcher | undefined;
  close(): Promise<void>;
}

/** The share of one vCPU a memory size buys, capped at one. */
export function vcpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / LAMBDA_MB_PER_VCPU);
}

interface Controller {
  /** Folder under which to create groups. */
  readonly base: string;
  readonly limit: (group: string, quotaUs: number) => Promise<void>;
}

async function controller(): Promise<Controller | undefined> {
  const v1 = '/sys/fs/cgroup/cpu';
  try {
    await readFile(join(v1, 'cpu.cfs_quota_us'), 'utf8');
    return {
      base: v1,
      limit: async (group, quotaUs) => {
        await writeFile(join(group, 'cpu.cfs_period_us'), `${PERIOD_US}`);
        await writeFile(join(group, 'cpu.cfs_quota_us'), `${quotaUs}`);
      },
    };
  } catch {
    // Not cgroup v1: try v2 below.
  }
  try {
    const own = (await readFile('/proc/self/cgroup', 'utf8')).match(/^0::(.*)$/m)?.[1]?.trim();
    if (own === undefined) return undefined;
    const base = join('/sys/fs/cgroup', own);
    if (!(await readFile(join(base, 'cgroup.subtree_control'), 'utf8')).split(/\s+/).includes('cpu')) return undefined;
    return { base, limit: (group, quotaUs) => writeFile(join(group, 'cpu.max'), `${quotaUs} ${PERIOD_US}`) };
  } catch {
    return undefined;
  }
}

const ESTIMATE: CpuShares = {
  how: 'estimate',
  method: `not throttled (no cgroup could be created here): the CPU time of each figure is scaled by ${LAMBDA_MB_PER_VCPU} MB ÷ memory size, as if it were all CPU-bound`,
  launcher: () => undefined,
  close: async () => {},
};

/** One cgroup per memory size when this machine allows it; else the estimate. */
export async function openCpuShares(memorySizes: readonly number[]): Promise<CpuShares> {
  const found = await controller();
  if (!found) return ESTIMATE;
  const groups = new Map<number, string>();
  try {
    for (const memoryMb of memorySizes) {
      const group = join(found.base, `alexa-ses-mailer-bench-${process.pid}-${memoryMb}mb`);
      await mkdir(group);
      groups.set(memoryMb, group);
      await found.limit(group, Math.round(PERIOD_US * vcpuShare(memoryMb)));
    }
  } catch {
    await Promise.all([...groups.values()].map((group) => rmdir(group).catch(() => {})));
    return ESTIMATE;
  }
  return {
    how: 'cgroup',
    method: `each child in a cgroup whose CFS quota is memory ÷ ${LAMBDA_MB_PER_VCPU} MB of one CPU per ${PERIOD_US / 1000} ms period`,
    launcher: (memoryMb) => {
      const group = groups.get(memoryMb);
      if (!group) return undefined;
      // The shell moves itself into the group, then becomes node: nothing of node runs outside it.
      return (node, args) => ({
        command: '/bin/sh',
        args: ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', group, node, ...args],
      });
    },
    // A group can go once its processes have exited, which they have by now.
    close: async () => {
      await Promise.all([...groups.values()].map((group) => rmdir(group).catch(() => {})));
    },
  };
}
