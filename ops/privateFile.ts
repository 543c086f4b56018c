// Writing a file that holds a secret: readable by its owner only from the first byte, never left
// half-written, and never written through a file or link someone else planted beside it.

import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { shownPath } from './paths.ts';

class PrivateFileError extends Error {
  override readonly name = 'PrivateFileError';
}

/** The running user, where the platform has one (not on Windows). */
const currentUser = process.getuid?.();

/**
 * Writes `content` to `path`, mode 0600: into a new file under an unguessable name beside it, created
 * exclusively (a name that already exists, link or file, fails instead of being followed), then renamed
 * over `path` (which replaces a link there rather than writing through it). Checks afterwards that
 * `path` is that very file, a regular file of the running user with mode 0600.
 */
export async function writePrivately(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(12).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx', 0o600);
  let written: { ino: number; dev: number };
  try {
    try {
      await file.writeFile(content);
      // The umask may have removed bits the mode asked for; it never adds any, but say 0600 exactly.
      await file.chmod(0o600);
      await file.sync();
      written = await file.stat();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const landed = await lstat(path);
  if (landed.ino !== written.ino || landed.dev !== written.dev || !landed.isFile())
    throw new PrivateFileError(`${shownPath(path)} was replaced while it was being written; write it again.`);
  if (currentUser !== undefined && landed.uid !== currentUser)
    throw new PrivateFileError(`${shownPath(path)} is not owned by the running user; remove it and write it again.`);
  if ((landed.mode & 0o777) !== 0o600)
    throw new PrivateFileError(`${shownPath(path)} is not mode 0600 after writing; remove it and write it again.`);
}

/**
 * Creates the folder of private files (mode 0700) or checks the one already there: a real folder, not a
 * link to one elsewhere, owned by the running user; a folder of ours that others can read is tightened.
 */
export async function makePrivateFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const found = await lstat(folder);
  if (!found.isDirectory())
    throw new PrivateFileError(`${shownPath(folder)} is a link or a file, not a folder; remove it and run again.`);
  if (currentUser !== undefined && found.uid !== currentUser)
    throw new PrivateFileError(`${shownPath(folder)} is not owned by the running user; remove it and run again.`);
  if ((found.mode & 0o777) !== 0o700) await chmod(folder, 0o700);
}
