// The esbuild plugin behind the bundle's lazily loaded parts: every dynamic import() in lambda/
// becomes a require() of a CommonJS chunk of its own (chunks/NAME.js), built by a later pass
// (chunkBuild.ts), so that a cold start compiles only what its request runs.

import { sep } from 'node:path';
import type { Plugin } from 'esbuild';
import { LAMBDA_DIR } from '../paths.ts';

/** Where the lazily loaded chunks go, relative to the bundle folder. */
export const CHUNKS_DIR = 'chunks';

/** A chunk's name for the specifier that imports it: './sesSdk.ts' → 'sesSdk', '@aws-sdk/credential-provider-node' → 'aws-sdk-credential-provider-node'. */
function chunkName(specifier: string): string {
  return specifier
    .replace(/^(\.{1,2}\/)+/, '')
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9_]+/g, '-')
    .replace(/^-+/, '');
}

/**
 * Leaves every dynamic import() in lambda/ as an external './chunks/NAME.js' (from a chunk:
 * './NAME.js') and records what each chunk is built from. With `supported: { 'dynamic-import':
 * false }` esbuild writes it as `Promise.resolve().then(() => require(…))`: a CommonJS file that
 * require() loads synchronously, where an import() of an ES module would go through Node's ES
 * module loader.
 */
export function lazyChunks(chunks: Map<string, string>, from: 'bundle' | 'chunk'): Plugin {
  return {
    name: 'lazy-chunks',
    setup(esbuild) {
      esbuild.onResolve({ filter: /.*/ }, async (args) => {
        if (
          args.kind !== 'dynamic-import' ||
          args.pluginData === 'lazy-chunks' ||
          !args.importer.startsWith(LAMBDA_DIR + sep)
        )
          return undefined;
        const resolved = await esbuild.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'lazy-chunks',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const name = chunkName(args.path);
        const earlier = chunks.get(name);
        if (earlier !== undefined && earlier !== resolved.path) {
          return {
            errors: [{ text: `Two lazily imported modules would share the chunk name "${name}": rename one.` }],
          };
        }
        chunks.set(name, resolved.path);
        return { path: from === 'bundle' ? `./${CHUNKS_DIR}/${name}.js` : `./${name}.js`, external: true };
      });
    },
  };
}

/** The AWS clients the skill loads lazily, each given the lazy credential chain below. */
const CLIENTS_WITH_LAZY_CHAIN = ['client-ses', 'client-dynamodb', 'client-sts'];

/**
 * The SES, DynamoDB and STS clients name their default credential chain in a static import, which
 * would put the whole chain (with its STS and SSO clients) into their chunks although the skill
 * passes its own lazy one (lambda/mail/credentialChain.ts). Pointing the clients' import at that
 * module leaves the chain in a chunk that loads only when no key is configured.
 */
export function credentialChainOnDemand(credentialChain: string): Plugin {
  return {
    name: 'credential-chain-on-demand',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) =>
        CLIENTS_WITH_LAZY_CHAIN.some((client) =>
          args.importer.includes(`${sep}node_modules${sep}@aws-sdk${sep}${client}${sep}`),
        )
          ? { path: credentialChain }
          : undefined,
      );
    },
  };
}
