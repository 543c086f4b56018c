// What the deploy build embeds in the bundle (the provisioning output and the skill ID), so that
// `ask deploy` ships a skill that can send without a secret pasted into the Lambda console.

import { ENV, type Environment } from './config.ts';

// Replaced by esbuild's `define` in the deploy build only; an undeclared global everywhere else.
declare const __DEPLOY_CONFIG__: Environment | undefined;

/** `{}` unless this bundle was built by the ASK CLI build hook: in every other build, under tsx and vitest. */
export const DEPLOY_CONFIG: Environment = typeof __DEPLOY_CONFIG__ === 'undefined' ? {} : __DEPLOY_CONFIG__;

function isSet(env: Environment, name: string): boolean {
  return Boolean(env[name]?.trim());
}

/**
 * The environment with the embedded values filling only what it leaves unset (or blank).
 * The access key ID and its secret are taken as a pair, from one source or the other: a key ID
 * from the environment with the embedded secret of another key could never sign a request.
 */
export function withDeployConfig(env: Environment, embedded: Environment = DEPLOY_CONFIG): Environment {
  const merged: Record<string, string | undefined> = { ...env };
  const pair: readonly string[] = [ENV.accessKeyId, ENV.secretAccessKey];
  const pairFromEnvironment = pair.some((name) => isSet(env, name));
  for (const name of Object.values(ENV)) {
    if (pair.includes(name) ? pairFromEnvironment : isSet(env, name)) continue;
    if (isSet(embedded, name)) merged[name] = embedded[name];
  }
  return merged;
}
