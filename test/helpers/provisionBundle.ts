// dist/provision.cjs built once per test file, into a temporary folder of its own that the file's
// afterAll removes: for the files that run provisioning as CloudShell would.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildProvisionBundle } from '../../ops/build/provisionBundle.ts';

/** The folder the bundle was built in, and the bundle's path; ask inside a test. */
export function useProvisionBundle(): () => { folder: string; bundle: string } {
  let built: { folder: string; bundle: string } | undefined;
  beforeAll(async () => {
    const folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-provision-build-'));
    built = { folder, bundle: (await buildProvisionBundle(join(folder, 'provision.cjs'))).outFile };
  });
  afterAll(async () => {
    if (built) await rm(built.folder, { recursive: true, force: true });
  });
  return () => {
    if (!built) throw new Error('provision.cjs is built in beforeAll: ask for it inside a test.');
    return built;
  };
}
