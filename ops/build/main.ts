// `npm run build`: bundle the Lambda into dist/lambda/, as `ask deploy` ships it.

import { parseCommandLine, runCommand } from '../cli.ts';
import { shownPath } from '../paths.ts';
import { buildLambda, DEFAULT_OUT_DIR } from './bundle.ts';

const USAGE = `Usage: npm run build [-- --out-dir DIR]

Bundles lambda/ with esbuild into DIR (default dist/lambda): index.js, which exports
\`handler\` for Lambda's nodejs22.x runtime (and Node 20), skill.js and the chunks it
loads on demand. The ASK CLI build hook zips the same files.

Options:
  --out-dir DIR      where to write the bundle (default: dist/lambda)
  -h, --help         show this help`;

runCommand(USAGE, 'The build failed', async () => {
  const parsed = parseCommandLine(USAGE, { 'out-dir': { type: 'string' } });
  if (!parsed) return 0;
  const bundle = await buildLambda(parsed.values['out-dir'] ?? DEFAULT_OUT_DIR);
  process.stdout.write(
    `Built ${shownPath(bundle.outFile)} (with skill.js ${(bundle.bytes / 1024).toFixed(0)} KB, ${bundle.files.length} files).\n`,
  );
  return 0;
});
