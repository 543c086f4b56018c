// `npm run build`: bundle the Lambda into dist/lambda/index.js.

import { parseCommandLine, runCommand } from '../cli.ts';
import { shownPath } from '../paths.ts';
import { buildLambda, DEFAULT_OUT_DIR } from './bundle.ts';

const USAGE = `Usage: npm run build [-- --out-dir DIR]

Bundles lambda/ with esbuild into DIR/index.js (default dist/lambda), a CommonJS
file exporting \`handler\` for Lambda's nodejs22.x runtime (and Node 20).

Options:
  --out-dir DIR  where to write index.js (default: dist/lambda)
  -h, --help     show this help`;

runCommand(USAGE, 'The build failed', async () => {
  const parsed = parseCommandLine(USAGE, { 'out-dir': { type: 'string' } });
  if (!parsed) return 0;
  const { outFile, bytes } = await buildLambda(parsed.values['out-dir'] ?? DEFAULT_OUT_DIR);
  process.stdout.write(`Built ${shownPath(outFile)} (${(bytes / 1024).toFixed(0)} KB).\n`);
  return 0;
});
