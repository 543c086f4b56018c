// `npm audit` reports judged correctly: findings fail CI; a registry without an advisory
// endpoint is reported, not passed silently.

import { describe, expect, it } from 'vitest';
import { judgeAuditReport } from '../../../../devtools/repositoryChecks/npmAudit.ts';

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
