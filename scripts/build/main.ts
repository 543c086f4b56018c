// `npm run build`: bundle the Lambda into dist/lambda/index.js.

import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { buildLambda, DEFAULT_OUT_DIR, PROJECT_ROOT } from './lambda.ts';

const USAGE = `Usage: npm run build [-- --out-dir DIR]

Bundles lambda/ with esbuild into DIR/index.js (default dist/lambda), a CommonJS
file exporting \`handler\` for Lambda's nodejs22.x runtime (and Node 20).

Options:
  --out-dir DIR  where to write index.js (default: dist/lambda)
  -h, --help     show this help`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { 'out-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { outFile, bytes } = await buildLambda(values['out-dir'] ?? DEFAULT_OUT_DIR);
  process.stdout.write(`Built ${relative(PROJECT_ROOT, outFile) || outFile} (${(bytes / 1024).toFixed(0)} KB).\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Build failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
