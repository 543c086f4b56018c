// `npm audit --omit=dev --audit-level=high`, judged from its JSON report: the production
// dependencies (what the Lambda bundle is made of) must have no high or critical advisory.

import { execFile } from 'node:child_process';

export const AUDIT_ARGS = ['audit', '--omit=dev', '--audit-level=high', '--json'] as const;

const BLOCKING_SEVERITIES = new Set(['high', 'critical']);
/**
 * Statuses of a registry (a mirror, a proxy) that has no advisory endpoint at all. That is neither a
 * finding nor a pass: the verdict says so, and the caller decides (CI warns; --require-advisories fails).
 */
const NO_ADVISORY_ENDPOINT = new Set([404, 405, 501]);

interface Advisory {
  readonly name: string;
  readonly severity: string;
  /** What the advisories say, for the report (titles, or the package they come through). */
  readonly via: readonly string[];
}

type AuditVerdict =
  | { readonly kind: 'clean'; readonly counts: Readonly<Record<string, number>> }
  | {
      readonly kind: 'vulnerable';
      readonly blocking: readonly Advisory[];
      readonly counts: Readonly<Record<string, number>>;
    }
  | { readonly kind: 'no-advisory-endpoint'; readonly detail: string }
  | { readonly kind: 'error'; readonly detail: string };

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function viaOf(entry: Json): string[] {
  const via = Array.isArray(entry.via) ? entry.via : [];
  return via.map((item) =>
    typeof item === 'string' ? `via ${item}` : String(asRecord(item).title ?? asRecord(item).url ?? 'advisory'),
  );
}

/** Judges the JSON that `npm audit --json` printed (npm 7 and later: auditReportVersion 2). */
export function judgeAuditReport(stdout: string): AuditVerdict {
  let report: Json;
  try {
    report = asRecord(JSON.parse(stdout));
  } catch {
    return { kind: 'error', detail: 'npm audit printed no JSON report' };
  }
  const status = typeof report.statusCode === 'number' ? report.statusCode : undefined;
  if (status !== undefined && NO_ADVISORY_ENDPOINT.has(status)) {
    return { kind: 'no-advisory-endpoint', detail: String(report.message ?? `HTTP ${status}`) };
  }
  const metadata = asRecord(asRecord(report.metadata).vulnerabilities);
  if (report.auditReportVersion !== 2 || Object.keys(metadata).length === 0) {
    const error = asRecord(report.error);
    return {
      kind: 'error',
      detail: String(report.message ?? error.summary ?? error.code ?? 'npm audit did not produce a report'),
    };
  }
  const counts = Object.fromEntries(
    Object.entries(metadata).filter(([, value]) => typeof value === 'number'),
  ) as Record<string, number>;
  const blocking = Object.entries(asRecord(report.vulnerabilities))
    .map(([name, value]) => ({ name, severity: String(asRecord(value).severity ?? ''), via: viaOf(asRecord(value)) }))
    .filter((advisory) => BLOCKING_SEVERITIES.has(advisory.severity))
    .sort((a, b) => a.name.localeCompare(b.name));
  return blocking.length > 0 ? { kind: 'vulnerable', blocking, counts } : { kind: 'clean', counts };
}

/** Runs npm audit in `root`. npm exits non-zero both for findings and for errors; the JSON tells them apart. */
export function runNpmAudit(root: string): Promise<AuditVerdict> {
  return new Promise((resolve) => {
    execFile('npm', [...AUDIT_ARGS], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (!stdout.trim() && error)
        resolve({ kind: 'error', detail: error.message.split('\n')[0] ?? 'npm audit failed' });
      else resolve(judgeAuditReport(stdout));
    });
  });
}
