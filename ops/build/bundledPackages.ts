// Which npm packages esbuild put into the Lambda bundle, read from its metafile: the build
// uses it to gather their license texts, the license check to judge their licenses.

import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Metafile } from 'esbuild';

export interface BundledPackage {
  readonly name: string;
  readonly version: string;
  /** The declared license as an SPDX expression, or undefined when the package declares none. */
  readonly license: string | undefined;
  /** Where the package lives, relative to the working directory. */
  readonly dir: string;
  /** How many of its files went into the bundle. */
  readonly files: number;
}

/** node_modules/@scope/name/dist/x.js → node_modules/@scope/name; the innermost node_modules wins. */
export function packageDirOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at === -1 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1]?.startsWith('@');
  const end = at + (scoped ? 3 : 2);
  // A bundled input is a file, so at least one part follows the package folder.
  return end < parts.length ? parts.slice(0, end).join('/') : undefined;
}

/** The license of a package.json: `license` (SPDX), or the deprecated `license: {type}` / `licenses: [{type}]`. */
export function declaredLicense(manifest: Record<string, unknown>): string | undefined {
  const { license, licenses } = manifest;
  if (typeof license === 'string' && license.trim()) return license.trim();
  if (license && typeof license === 'object' && typeof (license as { type?: unknown }).type === 'string')
    return (license as { type: string }).type;
  if (Array.isArray(licenses)) {
    const types = licenses
      .map((entry) => (entry as { type?: unknown } | null)?.type)
      .filter((type): type is string => typeof type === 'string');
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  return undefined;
}

/** The npm packages whose files esbuild put into the output, with their declared licenses. */
export async function bundledPackages(
  metafile: Metafile,
  workingDir: string = process.cwd(),
): Promise<BundledPackage[]> {
  const filesPerDir = new Map<string, number>();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDirOf(input);
    if (dir) filesPerDir.set(dir, (filesPerDir.get(dir) ?? 0) + 1);
  }
  const packages = await Promise.all(
    [...filesPerDir].map(async ([dir, files]): Promise<BundledPackage> => {
      const manifest = JSON.parse(await readFile(resolve(workingDir, dir, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      return {
        name: typeof manifest.name === 'string' ? manifest.name : dir,
        version: typeof manifest.version === 'string' ? manifest.version : '?',
        license: declaredLicense(manifest),
        dir,
        files,
      };
    }),
  );
  return packages.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

const LICENSE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

/** The license and notice files a package ships, concatenated: what its license asks to keep with the code. */
export async function licenseTextOf(
  pkg: BundledPackage,
  workingDir: string = process.cwd(),
): Promise<string | undefined> {
  const dir = resolve(workingDir, pkg.dir);
  const names = (await readdir(dir)).filter((name) => LICENSE_FILE.test(name)).sort();
  const texts = await Promise.all(names.map((name) => readFile(resolve(dir, name), 'utf8')));
  const text = texts
    .map((part) => part.trim())
    .filter(Boolean)
    .join('\n\n');
  return text || undefined;
}
