// The Lambda bundle may contain only permissively licensed code. This builds it, reads
// from esbuild's metafile which files went in, maps each to the npm package it belongs to,
// and checks that package's declared license (package.json `license`) against the list.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import spdxSatisfies from 'spdx-satisfies';
import type { Metafile } from 'esbuild';
import { buildLambda } from '../build/lambda.ts';

/** Permissive licenses only: no copyleft, nothing that would bind the skill's users or owner. */
export const ALLOWED_LICENSES = ['MIT', 'MIT-0', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'Apache-2.0'] as const;

/** Packages that must never be bundled, whatever their license field says, with the reason. */
export const FORBIDDEN_PACKAGES: Readonly<Record<string, string>> = {
  '@cloud-copilot/iam-simulate': 'AGPL-3.0: a test-only policy simulator',
};

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

export interface LicenseVerdict extends BundledPackage {
  readonly allowed: boolean;
  readonly reason?: string;
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
  if (license && typeof license === 'object' && typeof (license as { type?: unknown }).type === 'string') return (license as { type: string }).type;
  if (Array.isArray(licenses)) {
    const types = licenses.map((entry) => (entry as { type?: unknown } | null)?.type).filter((type): type is string => typeof type === 'string');
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  return undefined;
}

export function judgeLicense(pkg: BundledPackage): LicenseVerdict {
  const forbidden = FORBIDDEN_PACKAGES[pkg.name];
  if (forbidden) return { ...pkg, allowed: false, reason: `must never be in the bundle (${forbidden})` };
  if (!pkg.license) return { ...pkg, allowed: false, reason: 'declares no license' };
  try {
    if (spdxSatisfies(pkg.license, ALLOWED_LICENSES)) return { ...pkg, allowed: true };
    return { ...pkg, allowed: false, reason: `${pkg.license} is not one of ${ALLOWED_LICENSES.join(', ')}` };
  } catch {
    return { ...pkg, allowed: false, reason: `"${pkg.license}" is not an SPDX license expression` };
  }
}

/** The npm packages whose files esbuild put into the output, with their declared licenses. */
export async function bundledPackages(metafile: Metafile, workingDir: string = process.cwd()): Promise<BundledPackage[]> {
  const filesPerDir = new Map<string, number>();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDirOf(input);
    if (dir) filesPerDir.set(dir, (filesPerDir.get(dir) ?? 0) + 1);
  }
  const packages = await Promise.all(
    [...filesPerDir].map(async ([dir, files]): Promise<BundledPackage> => {
      const manifest = JSON.parse(await readFile(resolve(workingDir, dir, 'package.json'), 'utf8')) as Record<string, unknown>;
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

/** Builds the Lambda bundle into a temporary folder and judges the license of every package in it. */
export async function checkBundleLicenses(): Promise<LicenseVerdict[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'alexa-mailer-licenses-'));
  try {
    const { metafile } = await buildLambda(outDir);
    return (await bundledPackages(metafile)).map(judgeLicense);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
