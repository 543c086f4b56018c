// Which node executables the benchmark measures: the machine's own node even under `npm run`
// (whose node_modules/.bin holds Node 22's `node` link), and a clear refusal of a path that is
// not a node.

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseNode, machineNode, probeNode } from '../../../devtools/bench/nodes.ts';

let folder: string;

async function executable(path: string, script: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, script);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'bench-nodes-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the nodes the benchmark measures', () => {
  it("takes the machine's node from PATH, passing over a node_modules/.bin that npm run puts first", async () => {
    await executable(join(folder, 'project/node_modules/.bin/node'), '#!/bin/sh\n');
    const machine = await executable(join(folder, 'usr/bin/node'), '#!/bin/sh\n');
    expect(
      machineNode(
        [join(folder, 'project/node_modules/.bin'), join(folder, 'empty'), join(folder, 'usr/bin')].join(delimiter),
      ),
    ).toBe(machine);
  });

  it('learns the version of a working node', () => {
    const node = probeNode(process.execPath);
    expect(node.version).toBe(process.version);
    expect(node.major).toBe(Number(process.versions.node.split('.')[0]));
  });

  it('refuses an executable that is not a node, and a path where there is none', async () => {
    const impostor = await executable(join(folder, 'impostor/node'), '#!/bin/sh\necho hello\n');
    expect(() => probeNode(impostor)).toThrow(`${impostor} does not run as node (it printed "hello`);
    expect(() => probeNode(join(folder, 'nowhere/node'))).toThrow(/nowhere\/node does not run as node \(.*ENOENT/);
  });

  it("measures the node it is given, and says so when it is not of Lambda's major", async () => {
    const old = await executable(join(folder, 'old/node'), `#!/bin/sh\nprintf '{"version":"v18.20.0"}'\n`);
    const chosen = chooseNode(old);
    expect(chosen.node).toEqual({ path: old, version: 'v18.20.0', major: 18 });
    expect(chosen.notLambdaMajor).toBe(
      `Node 22, the major of Lambda's nodejs22.x, was not measured: --node ${old} is Node 18`,
    );
  });
});
