// Archives recognised by their first bytes, whatever their name, and the text inside them: a key
// packed into a zip, a tar or a gzip is still a key in the repository, and no reviewer sees it.

import { gunzipSync } from 'node:zlib';
import AdmZip from 'adm-zip';

type ArchiveKind = 'zip' | 'gzip' | 'tar';

const ARCHIVE_NAMES: Readonly<Record<ArchiveKind, string>> = {
  zip: 'a zip archive',
  gzip: 'a gzip archive',
  tar: 'a tar archive',
};

export function archiveKindOf(content: Buffer): ArchiveKind | undefined {
  if (content.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'zip';
  if (content[0] === 0x1f && content[1] === 0x8b) return 'gzip';
  // POSIX and GNU tar both write "ustar" at offset 257 of every header.
  if (content.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

export const describeArchive = (kind: ArchiveKind) => ARCHIVE_NAMES[kind];

/** A file inside an archive; `entry` is undefined where the format keeps no names we read (gzip, tar). */
interface ArchivedText {
  readonly entry: string | undefined;
  readonly content: Buffer;
}

/**
 * The files an archive holds, each read no further than `maxBytes` (larger ones are left out, and so is
 * what cannot be unpacked: the archive is refused anyway). A tar stores its files whole and unencoded,
 * so its bytes are read as they are; a gzip is unpacked first (a gzipped tar is then that tar).
 */
export function archivedTexts(content: Buffer, maxBytes: number): ArchivedText[] {
  try {
    switch (archiveKindOf(content)) {
      case 'zip':
        return new AdmZip(content)
          .getEntries()
          .filter((entry) => !entry.isDirectory && entry.header.size <= maxBytes)
          .map((entry) => ({ entry: entry.entryName, content: entry.getData() }));
      case 'gzip':
        return [{ entry: undefined, content: gunzipSync(content, { maxOutputLength: maxBytes }) }];
      case 'tar':
        return [{ entry: undefined, content }];
      default:
        return [];
    }
  } catch {
    return [];
  }
}
