// Scans every file git would commit (tracked, plus new files not ignored) for AWS
// credentials, so a real key never reaches the repository. Git-ignored files such as
// .secrets/ are exactly where a key belongs, and are not read.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CredentialMatch, findCredentials } from './secretPatterns.ts';

interface SecretFinding extends CredentialMatch {
  /** Path relative to the project root. */
  readonly file: string;
}

/** Files larger than this are data, not source; none of the project's own files comes close. */
const MAX_SCANNED_BYTES = 5 * 1024 * 1024;

/** Every file git would commit: tracked ones and new ones that .gitignore does not exclude. */
export async function filesGitWouldCommit(root: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    throw new Error(`cannot list the files of ${root} with git (${(error as Error).message.split('\n')[0]})`);
  }
  return [...new Set(stdout.split('\0').filter(Boolean))].sort();
}

function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8_000).includes(0);
}

async function scanFile(root: string, file: string): Promise<SecretFinding[]> {
  const content = await readFile(join(root, file)).catch(() => undefined); // listed but deleted in the work tree
  if (!content || content.length > MAX_SCANNED_BYTES || isBinary(content)) return [];
  return findCredentials(content.toString('utf8')).map((match) => ({ file, ...match }));
}

interface SecretScanResult {
  readonly filesScanned: number;
  readonly findings: readonly SecretFinding[];
}

export async function scanProjectForSecrets(root: string): Promise<SecretScanResult> {
  const files = await filesGitWouldCommit(root);
  const findings = (await Promise.all(files.map((file) => scanFile(root, file)))).flat();
  return { filesScanned: files.length, findings };
}

export function describeFinding(finding: SecretFinding): string {
  const what: Record<SecretFinding['rule'], string> = {
    'access-key-id': 'an AWS access key ID',
    'secret-assignment': 'a secret access key assigned to a secret’s name',
    'paired-secret': 'a secret-shaped value next to an access key ID',
    'secret-shaped': 'a secret-shaped value',
    'private-key': 'a private key',
  };
  return `${finding.file}:${finding.line}: ${what[finding.rule]} (${finding.shown})`;
}
