// Supply chain: the Lambda bundle holds only permissively licensed packages, the
// AGPL policy simulator can never slip in, and `npm audit` reports are judged correctly
// (findings fail CI; a registry without an advisory endpoint is reported, not passed silently).

import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  type BundledPackage,
  bundledPackages,
  checkBundleLicenses,
  declaredLicense,
  judgeLicense,
  packageDirOf,
} from '../../../devtools/audit/licenses.ts';
import { judgeAuditReport } from '../../../devtools/audit/npmAudit.ts';

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

describe('the npm audit verdict', () => {
  const report = (vulnerabilities: Record<string, { severity: string }>) =>
    JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: Object.fromEntries(
        Object.entries(vulnerabilities).map(([name, v]) => [
          name,
          { name, severity: v.severity, via: [{ title: `${name} advisory` }] },
        ]),
      ),
      metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 0, critical: 0, total: 1 } },
    });

  it('fails on a high or a critical advisory, naming the packages', () => {
    expect(
      judgeAuditReport(
        report({
          'bad-lib': { severity: 'high' },
          'worse-lib': { severity: 'critical' },
          'meh-lib': { severity: 'moderate' },
        }),
      ),
    ).toMatchObject({
      kind: 'vulnerable',
      blocking: [
        { name: 'bad-lib', severity: 'high', via: ['bad-lib advisory'] },
        { name: 'worse-lib', severity: 'critical' },
      ],
    });
  });

  it('passes with only low or moderate advisories', () => {
    expect(judgeAuditReport(report({ 'meh-lib': { severity: 'moderate' } }))).toMatchObject({ kind: 'clean' });
  });

  it('says plainly when the registry has no advisory endpoint (405)', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
    });
    expect(judgeAuditReport(refused)).toEqual({
      kind: 'no-advisory-endpoint',
      detail: expect.stringContaining('405 Method Not Allowed'),
    });
  });

  it('treats anything else as an error, never as a pass', () => {
    expect(
      judgeAuditReport(
        JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.' } }),
      ),
    ).toMatchObject({ kind: 'error' });
    expect(judgeAuditReport(JSON.stringify({ message: 'Service Unavailable', statusCode: 503 }))).toMatchObject({
      kind: 'error',
    });
    expect(judgeAuditReport('npm ERR! something')).toMatchObject({ kind: 'error' });
  });
});
