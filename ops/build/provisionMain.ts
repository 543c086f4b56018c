// `npm run build:provision`: provisioning as one file, dist/provision.cjs, to run where the
// project is not installed (AWS CloudShell).

import { resolve } from 'node:path';
import { parseCommandLine, runCommand } from '../cli.ts';
import { shownPath } from '../paths.ts';
import { buildProvisionBundle, PROVISION_BUNDLE } from './provisionBundle.ts';

const USAGE = `Usage: npm run build:provision [-- --out FILE]

Bundles \`npm run provision\` with esbuild, the AWS SDK included, into one file that runs
on Node.js 18 or newer with nothing installed, and writes the licenses of the packages it
holds beside it (FILE.LICENSES.txt). Upload FILE to AWS CloudShell and run
\`node provision.cjs --from you@example.com\` there (docs/provisioning.md).

Options:
  --out FILE    where to write the file (default: dist/provision.cjs)
  -h, --help    show this help`;

runCommand(USAGE, 'The build failed', async () => {
  const parsed = parseCommandLine(USAGE, { out: { type: 'string' } });
  if (!parsed) return 0;
  const bundle = await buildProvisionBundle(parsed.values.out ? resolve(parsed.values.out) : PROVISION_BUNDLE);
  process.stdout.write(
    `Built ${shownPath(bundle.outFile)} (${(bundle.bytes / 1024).toFixed(0)} KB, ${bundle.packages.length} packages; their licenses in ${shownPath(bundle.licenseFile)}).\n`,
  );
  return 0;
});
