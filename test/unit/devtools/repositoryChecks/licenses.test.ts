// The license check: the Lambda bundle holds only permissively licensed packages, and the
// AGPL policy simulator can never slip in.

import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  type BundledPackage,
  bundledPackages,
  checkBundleLicenses,
  declaredLicense,
  judgeLicense,
  packageDirOf,
} from '../../../../devtools/repositoryChecks/licenses.ts';

describe('the Lambda bundle', () => {
  it('contains only permissively licensed packages, read from esbuild’s metafile', async () => {
    const verdicts = await checkBundleLicenses();

    expect(
      verdicts.filter((verdict) => !verdict.allowed).map((verdict) => `${verdict.name}: ${verdict.reason}`),
    ).toEqual([]);
    const names = verdicts.map((verdict) => verdict.name);
    expect(names).toEqual(expect.arrayContaining(['ask-sdk-core', 'nodemailer', '@aws-sdk/client-ses']));
    expect(verdicts.find((verdict) => verdict.name === 'nodemailer')?.license).toBe('MIT-0');
    expect(names).not.toContain('@cloud-copilot/iam-simulate');
  });
});

describe('the license check', () => {
  const pkg = (name: string, license: string | undefined): BundledPackage => ({
    name,
    version: '1.0.0',
    license,
    dir: `node_modules/${name}`,
    files: 1,
  });

  it.each([
    'MIT',
    'MIT-0',
    'ISC',
    'BSD-2-Clause',
    'BSD-3-Clause',
    '0BSD',
    'Apache-2.0',
    '(MIT OR GPL-3.0-or-later)',
    '(MIT AND ISC)',
  ])('allows %s', (license) => {
    expect(judgeLicense(pkg('some-lib', license))).toMatchObject({ allowed: true });
  });

  it.each([
    ['AGPL-3.0-only', 'is not one of'],
    ['GPL-2.0', 'is not one of'],
    ['LGPL-3.0', 'is not one of'],
    ['(MIT AND GPL-3.0-only)', 'is not one of'],
    ['SEE LICENSE IN LICENSE.txt', 'not an SPDX license expression'],
    [undefined, 'declares no license'],
  ])('refuses %s', (license, reason) => {
    expect(judgeLicense(pkg('some-lib', license))).toMatchObject({
      allowed: false,
      reason: expect.stringContaining(reason),
    });
  });

  it('refuses the AGPL policy simulator by name whatever its license field says', () => {
    expect(judgeLicense(pkg('@cloud-copilot/iam-simulate', 'MIT'))).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('AGPL'),
    });
  });

  it('would catch the simulator if the bundle ever imported it (its real package.json)', async () => {
    const metafile = {
      inputs: { 'node_modules/@cloud-copilot/iam-simulate/dist/cjs/index.js': { bytes: 1, imports: [] } },
      outputs: {},
    } as unknown as Metafile;
    const [simulator] = (await bundledPackages(metafile)).map(judgeLicense);
    expect(simulator).toMatchObject({ name: '@cloud-copilot/iam-simulate', allowed: false });
    expect(simulator?.license).toMatch(/AGPL/);
  });

  it('maps a bundled file to the innermost package folder, scoped or not', () => {
    expect(packageDirOf('node_modules/@aws-sdk/core/dist-cjs/index.js')).toBe('node_modules/@aws-sdk/core');
    expect(packageDirOf('node_modules/a/node_modules/b/lib/x.js')).toBe('node_modules/a/node_modules/b');
    expect(packageDirOf('lambda/index.ts')).toBeUndefined();
  });

  it('reads the deprecated license forms too', () => {
    expect(declaredLicense({ license: { type: 'MIT' } })).toBe('MIT');
    expect(declaredLicense({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe('(MIT OR Apache-2.0)');
    expect(declaredLicense({})).toBeUndefined();
  });
});
