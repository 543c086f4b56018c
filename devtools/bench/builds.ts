// What the benchmark measures: the project as the build hook makes it (sender embedded), the child programs
// as small CommonJS files plain node runs as Lambda does, and HTTPS stand-ins for SES and the profile API.

import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ENV, MAIL_LIMIT_MAX } from '../../lambda/config.ts';
import { buildLambda, NODE_BUNDLE_OPTIONS } from '../../ops/build/bundle.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';
import { startSesOutbox } from '../../testkit/aws/ses/outbox.ts';
import { intentRequest, launchRequest } from '../../testkit/envelopes.ts';
import { makeLocalCertificate, startHttpsFront } from '../../testkit/https.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../testkit/placeholders.ts';
import { startProfileApi } from '../../testkit/profileApi.ts';
import type { ColdStart } from './cold.ts';

/** The sender the children send as, embedded in the project's build as a deploy embeds its own. */
export const BENCH_SENDER = 'bench-sender@example.com';
/** A placeholder, not shaped like a key; the local outbox checks no signature. */
const BENCH_KEY = { id: 'TEST-KEY-ID-NOT-REAL', secret: 'bench-only-secret-not-a-real-key' } as const;

/**
 * A folder whose path is short, as Lambda's /var/task is: loaded from deep inside a project, the
 * same build's cold first mail peaked 5.5 MB higher (2026-11-30); what V8 keeps depends on where
 * the files are. One per run, so that two runs never build over each other.
 */
export const WORK_DIR = join(tmpdir(), `amb${process.pid}`);

/** The project's index.js and folder, and the two child programs. */
export async function buildAll(sender: string) {
  await rm(WORK_DIR, { recursive: true, force: true });
  const projectDir = join(WORK_DIR, 'project');
  const built = await buildLambda(projectDir, { deployConfig: { [ENV.fromAddress]: sender } });
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [
      { in: join(PROJECT_ROOT, 'devtools/bench/coldChild.ts'), out: 'cold' },
      { in: join(PROJECT_ROOT, 'devtools/bench/warmChild.ts'), out: 'warm' },
    ],
    outdir: join(WORK_DIR, 'runners'),
    outExtension: { '.js': '.cjs' },
    ...NODE_BUNDLE_OPTIONS,
    format: 'cjs',
  });
  return {
    project: built.outFile,
    projectDir,
    coldRunner: join(WORK_DIR, 'runners/cold.cjs'),
    warmRunner: join(WORK_DIR, 'runners/warm.cjs'),
  };
}

/** The stand-ins, and how a cold child starts against them. */
export async function startStandIns(
  node: string,
  runner: string,
  lambdaArguments: readonly string[],
): Promise<{ start: ColdStart; close(): Promise<void> }> {
  const certificate = await makeLocalCertificate(WORK_DIR);
  const [outbox, profile] = await Promise.all([startSesOutbox(), startProfileApi({ email: 'bench-user@example.com' })]);
  const [ses, alexa] = await Promise.all([
    startHttpsFront(outbox.url, certificate),
    startHttpsFront(profile.url, certificate),
  ]);
  const start: ColdStart = {
    node,
    runner,
    // What Lambda gives a function, and no more: this shell's NODE_OPTIONS or NODE_EXTRA_CA_CERTS would slow every child.
    env: {
      PATH: process.env.PATH ?? '',
      ...LOCAL_SKILL_ENVIRONMENT,
      [ENV.fromAddress]: BENCH_SENDER,
      [ENV.accessKeyId]: BENCH_KEY.id,
      [ENV.secretAccessKey]: BENCH_KEY.secret,
      // The profile API stand-in answers over HTTPS, as Amazon's does: allow its loopback origin, any port.
      [ENV.alexaApiEndpoints]: 'https://127.0.0.1',
      AWS_ENDPOINT_URL_SES: ses.url,
      // Each request is a user of its own but all mail one address, which the skill counts too: a cap no run reaches.
      [ENV.mailLimitPerUserPerDay]: String(MAIL_LIMIT_MAX),
      // Nothing from this user's ~/.aws may change what the SDK does.
      AWS_CONFIG_FILE: join(WORK_DIR, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(WORK_DIR, 'no-aws-credentials'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    // Node 22 reads it at the first TLS connection, when it builds the store of trusted roots that production builds too.
    trust: { NODE_EXTRA_CA_CERTS: certificate.certFile },
    nodeArguments: { plain: [], lambda: lambdaArguments },
    events: { launch: launchRequest(), mail: intentRequest('SendEmailIntent', {}, { apiEndpoint: alexa.url }) },
  };
  return {
    start,
    close: async () => {
      await Promise.all([ses.close(), alexa.close(), outbox.close(), profile.close()]);
    },
  };
}
