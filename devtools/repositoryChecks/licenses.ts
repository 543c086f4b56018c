// The Lambda bundle may contain only permissively licensed code. This builds it, reads
// from esbuild's metafile which files went in, maps each to the npm package it belongs to,
// and checks that package's declared license (package.json `license`) against the list.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import spdxSatisfies from 'spdx-satisfies';
import { buildLambda } from '../../ops/build/bundle.ts';
import type { BundledPackage } from '../../ops/build/bundledPackages.ts';

export {
  type BundledPackage,
  bundledPackages,
  declaredLicense,
  packageDirOf,
} from '../../ops/build/bundledPackages.ts';

/** Permissive licenses only: no copyleft, nothing that would bind the skill's users or owner. */
export const ALLOWED_LICENSES = ['MIT', 'MIT-0', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'Apache-2.0'] as const;

/** Packages that must never be bundled, whatever their license field says, with the reason. */
const FORBIDDEN_PACKAGES: Readonly<Record<string, string>> = {
  '@cloud-copilot/iam-simulate': 'AGPL-3.0: a test-only policy simulator',
};

interface LicenseVerdict extends BundledPackage {
  readonly allowed: boolean;
  readonly reason?: string;
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

/** Builds the Lambda bundle into a temporary folder and judges the license of every package in it. */
export async function checkBundleLicenses(): Promise<LicenseVerdict[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'alexa-mailer-licenses-'));
  try {
    // The packages are esbuild's to say.
    const { packages } = await buildLambda(outDir);
    return packages.map(judgeLicense);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
