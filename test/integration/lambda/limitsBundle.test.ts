// The limits in the built bundle, as Lambda runs it: two processes (two containers) sharing one
// DynamoDB table never send more than the cap together, however their requests interleave; and
// the DynamoDB client is a chunk of its own that only a send with a limit table loads, sharing the
// AWS SDK's common code with the SES client's chunk rather than carrying a copy of it.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { userHashOf } from '../../../lambda/limits/limiter.ts';
import { buildLambda } from '../../../ops/build/bundle.ts';
import { CHUNKS_DIR } from '../../../ops/build/lazyChunks.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { spokenText } from '../../../testkit/bundle.ts';
import { type DynamoDbStandIn, startDynamoDbStandIn } from '../../../testkit/dynamoDb/standIn.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';

// Loads the bundle, answers its warm-up envelope if it has one, says READY, waits for a line on
// stdin, then answers its envelopes one at a time, as a Lambda container does, and prints the
// responses, with whether the DynamoDB chunk had been loaded after each one.
const RUNNER = `
const bundle = require(process.argv[2]);
const { dirname, sep } = require('node:path');
const dir = dirname(process.argv[2]) + sep;
const envelopes = JSON.parse(process.argv[3]);
const warmUp = process.argv[4] ? JSON.parse(process.argv[4]) : undefined;
(warmUp ? bundle.handler(warmUp) : Promise.resolve()).then(() => process.stdout.write('READY\\n'));
process.stdin.once('data', async () => {
  try {
    const responses = [];
    const chunkLoaded = [];
    for (const envelope of envelopes) {
      responses.push(await bundle.handler(envelope));
      chunkLoaded.push(Boolean(globalThis.dynamoDbStoreChunkLoaded));
    }
    const loaded = Object.keys(require.cache).filter((file) => file.startsWith(dir) && !file.endsWith(sep + 'index.js')).map((file) => file.slice(dir.length).split(sep).join('/'));
    process.stdout.write('RESULT ' + JSON.stringify({ responses, chunkLoaded, loaded }) + '\\n');
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
});
`;

const TABLE = 'AlexaSkillMailLimit';
const CAP = 5;

let folder: string;
let ses: SesStandIn;
let profile: ProfileApi;
/** Another user's profile, for the mail that warms a container up without counting against the user's cap. */
let otherProfile: ProfileApi;
let dynamoDb: DynamoDbStandIn;
/** Each bundle file (relative to the bundle, with /) and the source files built into it. */
let sourcesOf: Map<string, string[]>;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-limits-'));
  let built: Awaited<ReturnType<typeof buildLambda>>;
  [ses, profile, otherProfile, dynamoDb, built] = await Promise.all([
    startSesStandIn(),
    startProfileApi({ email: 'user@example.com' }),
    startProfileApi({ email: 'other@example.com' }),
    startDynamoDbStandIn(),
    buildLambda(join(folder, 'bundle')),
    writeFile(join(folder, 'runner.cjs'), RUNNER),
  ]);
  sourcesOf = new Map(
    Object.entries(built.metafile.outputs).map(([path, output]) => [
      relative(join(folder, 'bundle'), resolve(path)).split(sep).join('/'),
      Object.keys(output.inputs),
    ]),
  );
  await dynamoDb.createLimitTable(TABLE);
});
afterAll(async () => {
  await Promise.all([
    ses.close(),
    profile.close(),
    otherProfile.close(),
    dynamoDb.close(),
    rm(folder, { recursive: true, force: true }),
  ]);
});
beforeEach(async () => {
  await ses.clear();
});

interface Container {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<{ responses: ResponseEnvelope[]; chunkLoaded: boolean[]; loaded: string[]; logs: string[] }>;
}

/**
 * One Lambda container: a node process with the bundle, configured through its environment; ready
 * once it has loaded the bundle and answered `warmUp`, when given, as a container that already served.
 */
function container(
  bundle: string,
  envelopes: RequestEnvelope[],
  environment: Record<string, string>,
  warmUp?: RequestEnvelope,
): Container {
  const child = spawn(
    process.execPath,
    [
      join(folder, 'runner.cjs'),
      join(bundle, 'index.js'),
      JSON.stringify(envelopes),
      ...(warmUp ? [JSON.stringify(warmUp)] : []),
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ENDPOINT_URL_SES: ses.url,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.url,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...LOCAL_SKILL_ENVIRONMENT,
        ...environment,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.includes('READY\n')) signalReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const result = new Promise<{
    responses: ResponseEnvelope[];
    chunkLoaded: boolean[];
    loaded: string[];
    logs: string[];
  }>((resolve, reject) => {
    child.on('close', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`the container failed (exit ${code}): ${stderr}`));
      else
        resolve({
          ...(JSON.parse(line.slice('RESULT '.length)) as {
            responses: ResponseEnvelope[];
            chunkLoaded: boolean[];
            loaded: string[];
          }),
          logs: stdout.split('\n').filter((text) => text.startsWith('{')),
        });
    });
  });
  return { child, ready, result };
}

function go(containers: readonly Container[]): void {
  for (const { child } of containers) child.stdin?.write('go\n');
}

describe('the limit table shared by two containers', () => {
  it(`never lets one user past the cap of ${CAP}, however the two interleave`, async () => {
    const user = `amzn1.ask.account.${randomUUID()}`;
    const requests = (from: number) =>
      Array.from({ length: 8 }, (_, index) =>
        intentRequest('SendEmailIntent', { note: `note ${from + index}` }, { apiEndpoint: profile.url, userId: user }),
      );
    const limits = { MAIL_LIMIT_TABLE: TABLE, MAIL_LIMIT_PER_USER_PER_DAY: String(CAP) };
    const bundle = join(folder, 'bundle');
    // As in Lambda, each container answers one request at a time, and the two race each other on
    // the table. Each first sends another user's mail, as a container that already served would
    // have: its DynamoDB client is loaded and connected before the race starts, so the race is
    // between the two containers' writes, not against the cold load of a client on a busy machine
    // (past the reservation's deadline the skill sends unchecked: limitFaults.test.ts's subject).
    const warmUp = () =>
      intentRequest(
        'SendEmailIntent',
        {},
        { apiEndpoint: otherProfile.url, userId: `amzn1.ask.account.${randomUUID()}` },
      );
    const containers = [
      container(bundle, requests(0), limits, warmUp()),
      container(bundle, requests(100), limits, warmUp()),
    ];
    await Promise.all(containers.map((one) => one.ready));
    go(containers);
    const results = await Promise.all(containers.map((one) => one.result));

    const logged = results.flatMap(({ logs }) => logs.map((line) => JSON.parse(line) as Record<string, unknown>));
    // A reservation past its deadline sends unchecked: that would be the machine's slowness, not the table's race.
    expect(logged.filter((entry) => entry.event === 'limit-unchecked' && entry.user === userHashOf(user))).toEqual([]);
    const speech = results.flatMap(({ responses }) => responses.map(spokenText));
    expect(speech.filter((text) => text.startsWith('Done.'))).toHaveLength(CAP);
    expect(speech.filter((text) => text.includes("today's limit of 5 emails"))).toHaveLength(16 - CAP);
    const mails = await ses.mails();
    expect(mails.filter((mail) => mail.destination.to.includes('user@example.com'))).toHaveLength(CAP);
    expect(mails).toHaveLength(CAP + containers.length);
    const row = await dynamoDb.limitRow(TABLE, userHashOf(user));
    expect(Object.entries(row ?? {}).find(([name]) => name.startsWith('mails-'))?.[1]).toEqual({ N: String(CAP) });
    expect(results.flatMap(({ logs }) => logs).join('\n')).not.toContain(user);
  });
});

describe('the DynamoDB client in the bundle', () => {
  it('shares the AWS SDK code it has in common with the SES client: a send with a table compiles no source twice', async () => {
    const envelope = intentRequest(
      'SendEmailIntent',
      {},
      { apiEndpoint: profile.url, userId: `amzn1.ask.account.${randomUUID()}` },
    );
    const one = container(join(folder, 'bundle'), [envelope], { MAIL_LIMIT_TABLE: TABLE });
    await one.ready;
    go([one]);
    const { responses, loaded } = await one.result;

    expect(spokenText(responses[0] as ResponseEnvelope)).toMatch(/^Done\./);
    expect(loaded).toEqual(expect.arrayContaining(['skill.js', 'chunks/sesSdk.js', 'chunks/dynamoDbStore.js']));
    const chunks = loaded.filter((file) => file !== 'skill.js');
    const holders = new Map<string, string[]>();
    for (const file of chunks)
      for (const source of sourcesOf.get(file) ?? []) holders.set(source, [...(holders.get(source) ?? []), file]);
    expect([...holders.keys()].some((source) => source.includes('/client-dynamodb/'))).toBe(true);
    expect([...holders].filter(([, files]) => files.length > 1)).toEqual([]);
    // What both clients run, the SDK's core (@smithy/core), is there once, in chunks the two share.
    const core = [...holders].filter(([source]) => source.includes('node_modules/@smithy/core/'));
    expect(core.length).toBeGreaterThan(0);
    expect(core.every(([, files]) => files.every((file) => /^chunks\/shared-\w+\.js$/.test(file)))).toBe(true);
  });

  /** A copy of the bundle whose DynamoDB chunk only notes that it was loaded, and holds no store. */
  async function bundleWithMarkedChunk(): Promise<string> {
    const marked = join(folder, `marked-${randomUUID()}`);
    await cp(join(folder, 'bundle'), marked, { recursive: true });
    const chunk = (await readdir(join(marked, CHUNKS_DIR))).find((name) => /^dynamoDbStore\.[cm]?js$/.test(name));
    if (!chunk) throw new Error('The bundle has no dynamoDbStore chunk.');
    await writeFile(join(marked, CHUNKS_DIR, chunk), 'globalThis.dynamoDbStoreChunkLoaded = true;\n');
    return marked;
  }

  const envelopes = () => [
    launchRequest(),
    intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url, userId: `amzn1.ask.account.${randomUUID()}` }),
  ];

  it('is not loaded by a LaunchRequest, and loaded by the first send with a limit table', async () => {
    const one = container(await bundleWithMarkedChunk(), envelopes(), { MAIL_LIMIT_TABLE: TABLE });
    await one.ready;
    go([one]);
    const { responses, chunkLoaded, logs } = await one.result;

    expect(chunkLoaded).toEqual([false, true]);
    // The marked chunk holds no store: the send fails open, as with any table that cannot be used.
    expect(spokenText(responses[1] as ResponseEnvelope)).toMatch(/^Done\./);
    expect(logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ event: 'limit-unchecked', store: 'dynamodb', reason: 'TypeError' }),
    );
  });

  it('is never loaded without a limit table, nor any of its code through the chunks it shares', async () => {
    const one = container(await bundleWithMarkedChunk(), envelopes(), {});
    await one.ready;
    go([one]);
    const { responses, chunkLoaded, loaded } = await one.result;

    expect(chunkLoaded).toEqual([false, false]);
    expect(spokenText(responses[1] as ResponseEnvelope)).toMatch(/^Done\./);
    expect(loaded).toContain('chunks/sesSdk.js');
    const sources = loaded.flatMap((file) => sourcesOf.get(file) ?? []);
    expect(sources.filter((source) => source.includes('/client-dynamodb/'))).toEqual([]);
    expect(sources.filter((source) => source.includes('lambda/limits/dynamoDbStore.ts'))).toEqual([]);
  });
});
