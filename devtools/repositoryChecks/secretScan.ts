// Scans for AWS credentials every file git would commit (tracked, plus new files not ignored), the
// files inside any archive among them, and every line the branch's commits ever added, so a real key
// never reaches the repository nor stays in its history. Archives are refused outright: no reviewer
// reads inside one. Git-ignored files such as .secrets/ are exactly where a key belongs, and are not read.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { archivedTexts, archiveKindOf, describeArchive } from './archives.ts';
import { committedChanges, fileAtCommit } from './gitHistory.ts';
import { type CredentialMatch, findCredentials } from './secretPatterns.ts';

/** Where a finding is: a file (from the project root), inside an archive, or as a commit added it. */
interface FindingPlace {
  readonly file: string;
  /** The commit that added it; absent for what git would commit now. */
  readonly commit?: string;
  /** The file inside an archive; '' for an archive whose files have no names we read. */
  readonly entry?: string;
}

type SecretFinding = FindingPlace &
  (CredentialMatch | { readonly rule: 'archive'; readonly shown: string; readonly line?: undefined });

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

/** A file's credentials; an archive is itself a finding, and so is each credential in the files it holds. */
function scanContent(place: FindingPlace, content: Buffer): SecretFinding[] {
  if (content.length > MAX_SCANNED_BYTES) return [];
  const archive = archiveKindOf(content);
  if (!archive)
    return isBinary(content) ? [] : findCredentials(content.toString('utf8')).map((match) => ({ ...place, ...match }));
  return [
    { ...place, rule: 'archive', shown: describeArchive(archive) },
    ...archivedTexts(content, MAX_SCANNED_BYTES).flatMap(({ entry, content: inside }) =>
      findCredentials(inside.toString('utf8')).map((match) => ({ ...place, entry: entry ?? '', ...match })),
    ),
  ];
}

async function scanFile(root: string, file: string): Promise<SecretFinding[]> {
  const content = await readFile(join(root, file)).catch(() => undefined); // listed but deleted in the work tree
  return content ? scanContent({ file }, content) : [];
}

/** What every commit of the branch added: text files line by line, binary files read whole (for archives). */
async function scanHistory(root: string): Promise<{ commits: number; findings: SecretFinding[] }> {
  let commits = 0;
  const findings: SecretFinding[] = [];
  for await (const change of committedChanges(root)) {
    if (change.kind === 'commit') {
      commits++;
      continue;
    }
    const place = { file: change.file, commit: change.commit };
    if (change.kind === 'binary') {
      findings.push(...scanContent(place, await fileAtCommit(root, change.commit, change.file)));
      continue;
    }
    // Joined, the added lines keep a key ID and its secret within a line or two of each other.
    const matches = findCredentials(change.added.map(({ text }) => text).join('\n'));
    for (const match of matches) findings.push({ ...place, ...match, line: change.added[match.line - 1]?.line ?? 0 });
  }
  return { commits, findings };
}

interface SecretScanResult {
  readonly filesScanned: number;
  readonly commitsScanned: number;
  readonly findings: readonly SecretFinding[];
}

export async function scanProjectForSecrets(root: string): Promise<SecretScanResult> {
  const files = await filesGitWouldCommit(root);
  const [inFiles, history] = await Promise.all([
    Promise.all(files.map((file) => scanFile(root, file))),
    scanHistory(root),
  ]);
  return {
    filesScanned: files.length,
    commitsScanned: history.commits,
    findings: [...inFiles.flat(), ...history.findings],
  };
}

const WHAT: Record<SecretFinding['rule'], string> = {
  'access-key-id': 'an AWS access key ID',
  'secret-assignment': 'a secret access key assigned to a secret’s name',
  'paired-secret': 'a secret-shaped value next to an access key ID',
  'secret-shaped': 'a secret-shaped value',
  'private-key': 'a private key',
  archive: 'an archive, refused: no reviewer reads inside one; commit its files instead',
};

/** One line naming the place and the kind of credential; the credential itself only masked. */
export function describeFinding(finding: SecretFinding): string {
  const commit = finding.commit ? `commit ${finding.commit.slice(0, 12)}, ` : '';
  const entry = finding.entry === undefined ? '' : ` → ${finding.entry || '(unpacked)'}`;
  const line = finding.line === undefined ? '' : `:${finding.line}`;
  return `${commit}${finding.file}${entry}${line}: ${WHAT[finding.rule]} (${finding.shown})`;
}
