// What each commit of the branch added, read from one `git log -p` stream: the added lines of each
// text file with their line numbers, and the binary files it added or changed (by path, to be read
// with `git show`). A key deleted from the tree is still in these.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A commit begins, then each file as it left it: what it added to a text file, or that it wrote a binary one. */
export type CommittedChange =
  | { readonly kind: 'commit'; readonly commit: string }
  | {
      readonly kind: 'text';
      readonly commit: string;
      readonly file: string;
      /** The added lines and their line numbers in the file as the commit left it. */
      readonly added: readonly { readonly line: number; readonly text: string }[];
    }
  | { readonly kind: 'binary'; readonly commit: string; readonly file: string };

// -U0: only what a commit added matters, not the lines around it. No pager, colour, external diff or
// quoted paths, whatever the user's git configuration says.
const LOG_ARGS = [
  '-c',
  'core.quotePath=false',
  'log',
  '-p',
  '-U0',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--format=commit %H',
  'HEAD',
];

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;
/** `+++ b/x`, or `+++ "b/x"` for a name with a quote, a backslash or a control character. */
const NEW_FILE = /^\+\+\+ ("?)b\/(.*)$/;
/** `Binary files a/x and b/x differ`, or `/dev/null` on the side that does not exist. */
const BINARY = /^Binary files .* and ("?)b\/(.+) differ$/;

/** Git quotes such a name C-style; JSON reads the usual escapes (\t, \n, \", \\), the name stays as shown otherwise. */
function pathOf(match: RegExpExecArray | null): string | undefined {
  if (!match?.[2]) return undefined;
  if (!match[1]) return match[2];
  try {
    return JSON.parse(`"${match[2]}`) as string;
  } catch {
    return match[2].slice(0, -1);
  }
}

/**
 * Every commit on the branch and its changes, newest commit first, as `git log -p` gives them. A
 * repository without a commit has none.
 */
export async function* committedChanges(root: string): AsyncGenerator<CommittedChange> {
  const git = spawn('git', LOG_ARGS, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  git.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) => {
    git.on('error', reject);
    git.on('close', resolve);
  });

  let commit = '';
  let file: string | undefined;
  let inHunk = false;
  let nextLine = 0;
  let added: { line: number; text: string }[] = [];
  const finishFile = (): CommittedChange | undefined => {
    const change = file !== undefined && added.length > 0 ? { kind: 'text' as const, commit, file, added } : undefined;
    file = undefined;
    added = [];
    return change;
  };

  for await (const line of createInterface({ input: git.stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
    // Inside a hunk every line starts with '+', '-' or '\': a line of the file cannot pass for a header.
    if (inHunk && line.startsWith('+')) {
      added.push({ line: nextLine++, text: line.slice(1) });
      continue;
    }
    if (inHunk && (line.startsWith('-') || line.startsWith('\\'))) continue;
    inHunk = false;
    const hunk = HUNK.exec(line);
    if (hunk) {
      inHunk = true;
      nextLine = Number(hunk[1]);
    } else if (line.startsWith('commit ') || line.startsWith('diff --git ')) {
      const change = finishFile();
      if (change) yield change;
      if (line.startsWith('commit ')) {
        commit = line.slice('commit '.length);
        yield { kind: 'commit', commit };
      }
    } else if (line.startsWith('+++ ')) file = pathOf(NEW_FILE.exec(line));
    else {
      const binary = pathOf(BINARY.exec(line));
      if (binary) yield { kind: 'binary', commit, file: binary };
    }
  }
  const change = finishFile();
  if (change) yield change;

  const code = await exited;
  // An unborn branch (`git init`, nothing committed yet) has no history to scan.
  if (code !== 0 && !/does not have any commits yet|unknown revision/.test(errors))
    throw new Error(`cannot read the history of ${root} with git log (${errors.trim().split('\n')[0]})`);
}

/** The content of a file as a commit left it. */
export async function fileAtCommit(root: string, commit: string, file: string): Promise<Buffer> {
  const git = spawn('git', ['cat-file', 'blob', `${commit}:${file}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  git.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    git.on('error', reject);
    git.on('close', resolve);
  });
  if (code !== 0) throw new Error(`cannot read ${file} at commit ${commit.slice(0, 12)} with git cat-file`);
  return Buffer.concat(chunks);
}
