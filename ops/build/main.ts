// `npm run build`: bundle the Lambda into dist/lambda/ with its code cache, as `ask deploy` ships it.

import { parseCommandLine, runCommand } from '../cli.ts';
import { shownPath } from '../paths.ts';
import { buildLambda, DEFAULT_OUT_DIR } from './bundle.ts';
import { describeCodeCache } from './codeCache.ts';

const USAGE = `Usage: npm run build [-- --out-dir DIR] [--no-code-cache]

Bundles lambda/ with esbuild into DIR (default dist/lambda): index.js, which exports
\`handler\` for Lambda's nodejs22.x runtime (and Node 20), skill.js, the chunks it
loads on demand, and the V8 code cache of a LaunchRequest and a first mail, trained
on Node 22 with the flags Lambda passes for the memory size in ask-resources.json.
The ASK CLI build hook zips the same files.

Options:
  --out-dir DIR      where to write the bundle (default: dist/lambda)
  --no-code-cache    leave the code cache out
  -h, --help         show this help`;

runCommand(USAGE, 'The build failed', async () => {
  const parsed = parseCommandLine(USAGE, { 'out-dir': { type: 'string' }, 'no-code-cache': { type: 'boolean' } });
  if (!parsed) return 0;
  const outDir = parsed.values['out-dir'] ?? DEFAULT_OUT_DIR;
  const bundle = await buildLambda(outDir, { codeCache: !parsed.values['no-code-cache'] });
  process.stdout.write(
    `Built ${shownPath(bundle.outFile)} (with skill.js ${(bundle.bytes / 1024).toFixed(0)} KB, ${bundle.files.length} files).\n${describeCodeCache(bundle.codeCache)}\n`,
  );
  return 0;
});
