// What an AWS credential looks like in text, for the scan of the project's files and the scan of
// everything the tests print. Tests and tools use placeholders not shaped like keys (TEST-KEY-ID-NOT-REAL).

/** Access key IDs: AKIA… for a long-lived IAM user key, ASIA… for a temporary STS key. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;

/**
 * The shape of a secret access key: 40 characters of base64 standing alone (IAM's own keys
 * and the fake IAM of the tests both make them from 30 random bytes).
 */
const SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** A secret-shaped value assigned to a name that says it is a secret key: `aws_secret_access_key = …`. */
const SECRET_ASSIGNMENT =
  /secret(?:[_-]?access)?(?:[_-]?key)?["']?\s*[:=]\s*["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;

const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/g;

/** Random-looking: upper and lower case and a digit. Rules out words, hex digests and paths. */
function looksRandom(token: string): boolean {
  return /[A-Z]/.test(token) && /[a-z]/.test(token) && /[0-9]/.test(token);
}

type CredentialRule = 'access-key-id' | 'secret-assignment' | 'paired-secret' | 'secret-shaped' | 'private-key';

export interface CredentialMatch {
  readonly rule: CredentialRule;
  /** Line number, from 1. */
  readonly line: number;
  /** Safe to print: never the secret itself. */
  readonly shown: string;
}

/** A key ID keeps its first four and last two characters; a secret only its length. */
function redact(rule: CredentialRule, value: string): string {
  if (rule === 'access-key-id') return `${value.slice(0, 4)}…${value.slice(-2)}`;
  return `${value.length} characters`;
}

/** Maps a character index to its line number (from 1). */
export function lineIndex(text: string): (index: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (index) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((starts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

/** Each match of a pattern: its first group when it has one, else the whole match, and where that starts. */
function* matches(pattern: RegExp, text: string): Generator<{ value: string; index: number }> {
  for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags))) {
    const value = match[1] ?? match[0];
    yield { value, index: (match.index ?? 0) + match[0].lastIndexOf(value) };
  }
}

interface FindCredentialsOptions {
  /** Also report every random-looking secret-shaped token, paired or not (for printed output). */
  readonly anySecretShaped?: boolean;
  /** How many lines apart a key ID and a secret-shaped token count as a pair. */
  readonly pairDistance?: number;
}

/**
 * Credentials in a text: unknown key IDs, secret-shaped values assigned to a secret's name
 * or written near a key ID, and private keys.
 */
export function findCredentials(text: string, options: FindCredentialsOptions = {}): CredentialMatch[] {
  const pairDistance = options.pairDistance ?? 3;
  const lineAt = lineIndex(text);
  const found: CredentialMatch[] = [];
  const reported = new Set<number>();
  const report = (rule: CredentialRule, value: string, index: number) => {
    if (reported.has(index)) return;
    reported.add(index);
    found.push({ rule, line: lineAt(index), shown: redact(rule, value) });
  };

  const keyIdLines: number[] = [];
  for (const { value, index } of matches(ACCESS_KEY_ID, text)) {
    keyIdLines.push(lineAt(index));
    report('access-key-id', value, index);
  }
  for (const { value, index } of matches(SECRET_ASSIGNMENT, text)) {
    if (looksRandom(value)) report('secret-assignment', value, index);
  }
  for (const { value, index } of matches(SECRET_SHAPE, text)) {
    if (!looksRandom(value)) continue;
    const line = lineAt(index);
    if (keyIdLines.some((keyLine) => Math.abs(keyLine - line) <= pairDistance)) report('paired-secret', value, index);
    else if (options.anySecretShaped) report('secret-shaped', value, index);
  }
  for (const { value, index } of matches(PRIVATE_KEY, text)) report('private-key', value, index);
  return found.sort((a, b) => a.line - b.line);
}
