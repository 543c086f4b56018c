// Builds the two child programs (coldChild.ts, warmChild.ts) into small CommonJS files that
// plain `node` runs: no tsx, no loader hooks, so a cold child starts the way Lambda's does.

import { join } from 'node:path';
import { build } from 'esbuild';
import { NODE_BUNDLE_OPTIONS } from '../../ops/build/bundle.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';

export interface Runners {
  readonly cold: string;
  readonly warm: string;
}

export async function buildRunners(workDir: string): Promise<Runners> {
  const runners = { cold: join(workDir, 'runners/cold.cjs'), warm: join(workDir, 'runners/warm.cjs') };
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [
      { in: join(PROJECT_ROOT, 'devtools/bench/coldChild.ts'), out: 'cold' },
      { in: join(PROJECT_ROOT, 'devtools/bench/warmChild.ts'), out: 'warm' },
    ],
    outdir: join(workDir, 'runners'),
    outExtension: { '.js': '.cjs' },
    ...NODE_BUNDLE_OPTIONS,
    format: 'cjs',
  });
  return runners;
}
