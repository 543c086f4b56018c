// Which node executables the benchmark measures: the machine's own node even under `npm run`
// (whose node_modules/.bin holds Node 22's `node` link), and a clear refusal of a path that is
// not a node.

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaLike, machineNode, probeNode } from '../../../devtools/bench/nodes.ts';

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

  it('learns the version of a working node, and whether it has the compile cache', () => {
    const node = probeNode(process.execPath);
    expect(node.version).toBe(process.version);
    expect(node.major).toBe(Number(process.versions.node.split('.')[0]));
    expect(node.compileCache).toBe(node.major >= 22);
  });

  it('refuses an executable that is not a node, and a path where there is none', async () => {
    const impostor = await executable(join(folder, 'impostor/node'), '#!/bin/sh\necho hello\n');
    expect(() => probeNode(impostor)).toThrow(`${impostor} does not run as node (it printed "hello`);
    expect(() => probeNode(join(folder, 'nowhere/node'))).toThrow(/nowhere\/node does not run as node \(.*ENOENT/);
  });

  it("lets the node of Lambda's major speak for Lambda, else the first one", () => {
    expect(
      lambdaLike([
        { major: 20, name: 'a' },
        { major: 22, name: 'b' },
      ]).name,
    ).toBe('b');
    expect(
      lambdaLike([
        { major: 20, name: 'a' },
        { major: 24, name: 'c' },
      ]).name,
    ).toBe('a');
  });
});
