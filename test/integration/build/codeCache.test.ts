// The build's code cache steps (train, renumber, check), run as the build runs them, with a node
// that breaks one step the way a faulty cache or V8 would: the build must fail and say why.

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../../../ops/build/bundle.ts';
import { trainCodeCache } from '../../../ops/build/codeCache.ts';
import { runtimeNode } from '../../../ops/build/lambdaRuntime.ts';
import { CACHE_DIR, TRAINER_ENV, type TrainerStep } from '../../../ops/build/trainerProtocol.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';

const lambdaNode = runtimeNode();
if (!lambdaNode) console.info("The code cache steps are not tested: Lambda's Node major is not installed here.");
// In CI (Linux x64) npm ci installs it, and its absence fails.
const withoutLambdaNode = !lambdaNode && !process.env.CI;

let folder: string;
let bundleDir: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-code-cache-steps-'));
  bundleDir = join(folder, 'bundle');
  // The bundle alone: each test trains its cache itself.
  await buildLambda(bundleDir, { codeCache: false });
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A node for trainCodeCache that runs `shell` before the given step, then Lambda's node as asked. */
async function nodeThatBreaks(step: TrainerStep, shell: string): Promise<string> {
  const path = join(folder, `node-breaking-${step}`);
  const script = [
    '#!/bin/sh',
    `if [ "$${TRAINER_ENV.step}" = ${step} ]; then ${shell}; fi`,
    `exec '${lambdaNode?.path}' "$@"`,
  ];
  await writeFile(path, `${script.join('\n')}\n`);
  await chmod(path, 0o755);
  return path;
}

describe.skipIf(withoutLambdaNode)('the code cache steps of the build', () => {
  it('fail the build when the check run, the only run of the bytes that ship, does not send the mail', async () => {
    // The check step's skill reaches an SES that refuses the sender, so it apologises instead of confirming.
    let ses: SesStandIn | undefined;
    try {
      ses = await startSesStandIn({
        behaviour: { kind: 'fail', error: 'sender-not-verified' },
        keys: [{ accessKeyId: 'TRAINING-KEY-NOT-REAL', secretAccessKey: 'training-only-secret-not-a-real-key' }],
      });
      const node = await nodeThatBreaks('check', `export AWS_ENDPOINT_URL_SES='${ses.url}'`);
      const training = trainCodeCache(bundleDir, { node, memoryMb: undefined });
      await expect(training).rejects.toThrow(/^the check run answered \[.+sender address isn.+t verified/);
      // The refusal came from SES, not from a mail that never went out.
      expect(ses.requests.map(({ action, answer }) => [action, answer])).toEqual([['SendEmail', 400]]);
    } finally {
      await ses?.close();
    }
  });

  it.each<TrainerStep>(['renumber', 'check'])(
    'say a cache file is missing when the %s step finds none, rather than that V8 refused it',
    async (step) => {
      const node = await nodeThatBreaks(step, `rm -r "$${TRAINER_ENV.bundleDir}/${CACHE_DIR}"`);
      const training = trainCodeCache(bundleDir, { node, memoryMb: undefined });
      await expect(training).rejects.toThrow(/found no cache file for [\w/]+\.js/);
      await expect(training).rejects.not.toThrow(/refused/);
    },
  );
});
