// Finds what must never be printed or logged: a secret key (a known test secret, or anything
// shaped like an AWS secret key) anywhere in the output, and a full email address in a line
// the skill logged. Reports say where and what kind, never the value itself.

import { findCredentials, lineIndex } from '../../devtools/repositoryChecks/secretPatterns.ts';
import { maskAddress } from '../../lambda/log.ts';

export interface Leak {
  /** "stdout/stderr/console line 12", "skill log line 3". */
  readonly where: string;
  /** Safe to print. */
  readonly what: string;
}

export interface KnownSecret {
  readonly label: string;
  readonly value: string;
}

/**
 * An address: a local part (quoted, with anything after the quote, or a run of characters that can
 * stand in one), @, and a
 * domain with a top-level name in any script. Only lambda/log.ts's mask passes: at most one
 * character, then "***". "t***@example.com" passes; "taro+a***@example.com" does not.
 */
const ADDRESS = /(?:"[^"\n]*"[^\s@<>"'(),;:\\[\]]*|[^\s@<>"'(),;:\\[\]]+)@[^\s@<>"'(),;:\\[\]]+\.\p{L}{2,}/gu;
const MASKED_LOCAL_PART = /^[^"*]?\*\*\*$/u;

function isFullAddress(address: string): boolean {
  return !MASKED_LOCAL_PART.test(address.slice(0, address.lastIndexOf('@')));
}

/** Secrets shorter than this are not searched for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

export function findSecretsInOutput(text: string, secrets: readonly KnownSecret[], where: string): Leak[] {
  const leaks: Leak[] = [];
  for (const { label, value } of secrets) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    const index = text.indexOf(value);
    if (index !== -1)
      leaks.push({ where: `${where} line ${lineIndex(text)(index)}`, what: `${label} (${value.length} characters)` });
  }
  // Key IDs are not secret (the tools print them shortened); secret-shaped values are.
  for (const match of findCredentials(text, { anySecretShaped: true })) {
    if (match.rule === 'access-key-id') continue;
    leaks.push({ where: `${where} line ${match.line}`, what: `a ${match.rule} value (${match.shown})` });
  }
  return leaks;
}

/** A JSON log line of lambda/log.ts: an object with a string `level` and `event`. */
export function parseSkillLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const entry = parsed as Record<string, unknown>;
    return typeof entry.level === 'string' && typeof entry.event === 'string' ? entry : undefined;
  } catch {
    return undefined;
  }
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsIn(inner)]);
  return [];
}

/** Full addresses in log lines; a JSON line is decoded first so escapes cannot hide one. */
export function findAddressesInLogLines(lines: readonly string[], where: string): Leak[] {
  const leaks: Leak[] = [];
  lines.forEach((line, index) => {
    const entry = parseSkillLogLine(line);
    const texts = entry ? stringsIn(entry) : [line];
    for (const text of texts) {
      for (const match of text.matchAll(ADDRESS)) {
        if (isFullAddress(match[0]))
          leaks.push({ where: `${where} line ${index + 1}`, what: `a full email address (${maskAddress(match[0])})` });
      }
    }
  });
  return leaks;
}
