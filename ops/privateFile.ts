// Writing a file that holds a secret: readable by its owner only from the first byte, and
// never left half-written (written beside the target, then renamed over it).

import { chmod, rename, rm, writeFile } from 'node:fs/promises';

export async function writePrivately(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, content, { mode: 0o600, flag: 'w' });
    // The mode given to writeFile applies only to a new file: an old temporary keeps its own.
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
