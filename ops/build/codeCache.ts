// The bundle's V8 code cache, made at build time: a Node of Lambda's major, with the flags Lambda
// passes for the configured memory size, loads the bundle, answers a LaunchRequest and sends a
// mail against local stand-ins, and serializes what it compiled (trainer.ts). A second fresh
// process renumbers it, so that its bytes do not depend on timing, and a third answers the same
// requests through it, so that a build never ships one V8 would refuse or one that runs differently.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { build } from 'esbuild';
import type { CodeCacheManifest } from '../../lambda/codeCache.ts';
import { ENV } from '../../lambda/config.ts';
import { en } from '../../lambda/messages/en.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { lambdaNodeArguments, v8FlagsOf } from './lambdaRuntime.ts';
import { cachesNotTaken, REPORT_FD, TRAINER_ENV, type TrainerReport } from './trainerProtocol.ts';
import { startTrainingStandIns, TRAINING_ADDRESS, TRAINING_SKILL_ID, trainingRequests } from './trainingStandIns.ts';

export interface CodeCacheOptions {
  /** A node of Lambda's major: the cache holds V8 bytecode that only the same V8 accepts. */
  readonly node: string;
  /**
   * The function's memory size: Lambda's flags for it are part of what V8 checks a cache against.
   * Undefined trains without Lambda's flags, for plain node (the benchmark's comparison only).
   */
  readonly memoryMb: number | undefined;
  /**
   * The sender a deploy build embeds: the training run sends as it, so that it runs what the
   * deployed skill runs (SendEmail's From encoded at build time). It only ever reaches the stand-ins.
   */
  readonly sender?: string | undefined;
}

export interface TrainedCache {
  readonly manifest: CodeCacheManifest;
  readonly memoryMb: number | undefined;
}

/** The code cache a build shipped, or in a sentence why it shipped none. */
export type CodeCacheResult =
  | (TrainedCache & { readonly files: readonly string[]; readonly bytes: number })
  | { readonly skipped: string };

/** Builds trainer.ts into one CommonJS file that plain node runs, as the bundle itself is run. */
async function buildTrainer(dir: string): Promise<string> {
  const outfile = join(dir, 'trainer.cjs');
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [join(PROJECT_ROOT, 'ops/build/trainer.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}

function runTrainer(
  node: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<TrainerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let report = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    (child.stdio[REPORT_FD] as Readable).on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && report.trim()) resolve(JSON.parse(report) as TrainerReport);
      else
        reject(
          new Error(
            `the ${env[TRAINER_ENV.step] === 'train' ? 'training' : env[TRAINER_ENV.step]} run failed: ${stderr.trim().split('\n').slice(0, 3).join(' ') || `exit ${code}`}`,
          ),
        );
    });
  });
}

/**
 * Throws unless a run answered as the skill does when all goes well: the launch, then the mail sent.
 * A run that apologised compiled another path than the one a cold start takes, or ran differently.
 */
function expectAnswered(run: string, report: TrainerReport): void {
  const expected = [en.launch, en.sent(TRAINING_ADDRESS[0] ?? '', 'example.com')];
  if (!expected.every((speech, index) => report.answers[index]?.includes(speech)))
    throw new Error(`the ${run} run answered ${JSON.stringify(report.answers)}`);
}

/** Trains the cache for the bundle in outDir and writes it to outDir/code-cache/; returns what index.js must know of it. */
export async function trainCodeCache(
  outDir: string,
  { node, memoryMb, sender }: CodeCacheOptions,
): Promise<TrainedCache> {
  const work = await mkdtemp(join(tmpdir(), 'alexa-mailer-code-cache-'));
  const standIns = await startTrainingStandIns();
  try {
    const trainer = await buildTrainer(work);
    const nodeArguments = memoryMb === undefined ? [] : lambdaNodeArguments(memoryMb);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      // Placeholders in place of anything real, and the stand-ins in place of SES and Alexa: the
      // environment wins over what a deploy build embeds (lambda/deployConfig.ts). The sender's
      // address is no secret, and with the one the build embeds the run takes the deployed path.
      [ENV.fromAddress]: sender ?? 'training-sender@example.com',
      [ENV.region]: 'us-east-1',
      [ENV.accessKeyId]: 'TRAINING-KEY-NOT-REAL',
      [ENV.secretAccessKey]: 'training-only-secret-not-a-real-key',
      [ENV.skillId]: TRAINING_SKILL_ID,
      // The stand-in plays the Customer Profile API on loopback, which the skill calls only when allowed to.
      [ENV.alexaApiEndpoints]: 'http://127.0.0.1',
      AWS_ENDPOINT_URL_SES: standIns.url,
      // A limit table the deploy build embedded is asked here, never in AWS.
      AWS_ENDPOINT_URL_DYNAMODB: standIns.url,
      AWS_CONFIG_FILE: join(work, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      [TRAINER_ENV.bundleDir]: outDir,
      [TRAINER_ENV.requests]: JSON.stringify(trainingRequests(standIns.url)),
    };
    // --predictable fixes what V8 otherwise seeds at random (its hash seed among them), and the
    // renumber step what timing changes (trainer.ts), so that the same bundle always gives the same
    // cache, an unchanged project a byte-identical zip, and \`ask deploy\` skips the upload. V8
    // leaves --predictable out of the flags it checks a cache against: the check runs without it.
    const predictable = [...nodeArguments, '--predictable', trainer];
    const trained = await runTrainer(node, predictable, { ...env, [TRAINER_ENV.step]: 'train' });
    expectAnswered('training', trained);
    const manifest: CodeCacheManifest = { node: trained.node, v8Flags: v8FlagsOf(nodeArguments), files: trained.files };
    await runTrainer(node, predictable, {
      ...env,
      [TRAINER_ENV.step]: 'renumber',
      [TRAINER_ENV.manifest]: JSON.stringify(manifest),
    });
    const checked = await runTrainer(node, [...nodeArguments, trainer], {
      ...env,
      [TRAINER_ENV.step]: 'check',
      [TRAINER_ENV.manifest]: JSON.stringify(manifest),
    });
    const notTaken = cachesNotTaken(Object.entries(checked.outcomes));
    if (notTaken) throw new Error(notTaken);
    // The only run of the bytes that ship: an apology here would be a cache that runs differently.
    expectAnswered('check', checked);
    return { manifest, memoryMb };
  } finally {
    await standIns.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** One line for the user: what the build trained, or why it trained nothing. */
export function describeCodeCache(codeCache: CodeCacheResult): string {
  if ('skipped' in codeCache) return `No code cache: ${codeCache.skipped}.`;
  const { manifest, memoryMb, bytes, files } = codeCache;
  const flags =
    memoryMb === undefined
      ? "without Lambda's flags"
      : `with Lambda's flags for ${memoryMb} MB (${manifest.v8Flags.join(' ')})`;
  return `Code cache: ${files.length} files, ${(bytes / 1024).toFixed(0)} KB, for Node ${manifest.node} ${flags}.`;
}
