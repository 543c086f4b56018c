// What a request cannot make the built skill do: send the user's token to a host other than
// Amazon's Alexa API (or an origin ALEXA_API_ENDPOINTS names), outgrow its memory or its deadline
// on a huge or endless profile answer, or send mail at all without a SKILL_ID. Each case runs
// the built bundle in a child process, configured only through its environment, as Lambda runs it,
// against stand-ins of its own: the cases run at once, as two wait out a deadline or a close.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ALEXA_DEADLINE_MS } from '../../../lambda/deadlines.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { spokenText } from '../../../testkit/bundle.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { parseSkillLogLine } from '../../helpers/leaks.ts';
import { copySkillBundle } from '../../helpers/localSkill.ts';

// The stand-in sees the closed connection once its process gets to the event: a wait for that,
// with a limit that only catches a connection never closed, however busy the machine.
const WAIT_FOR_THE_CLOSE = { timeout: 60_000 };

// Answers the envelopes in order with the bundle's handler; reports each answer's time and the peak RSS.
const RUNNER = `
const { handler } = require(process.argv[2]);
(async () => {
  const answers = [];
  for (const envelope of JSON.parse(process.argv[3])) {
    const started = performance.now();
    const response = await handler(envelope);
    answers.push({ response, elapsedMs: performance.now() - started });
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write('RESULT ' + JSON.stringify({ answers, peakRssMb }) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface ChildResult {
  readonly answers: { response: ResponseEnvelope; elapsedMs: number }[];
  readonly peakRssMb: number;
  /** The skill's JSON log lines, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly stdout: string;
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-untrusted-'));
  await Promise.all([copySkillBundle(join(folder, 'bundle')), writeFile(join(folder, 'runner.cjs'), RUNNER)]);
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/** A case's SES stand-in and Customer Profile API, closed once it has finished. */
async function standIns(
  onTestFinished: TestContext['onTestFinished'],
): Promise<{ outbox: SesStandIn; profile: ProfileApi }> {
  const [outbox, profile] = await Promise.all([startSesStandIn(), startProfileApi({ email: 'user@example.com' })]);
  onTestFinished(async () => {
    await Promise.all([outbox.close(), profile.close()]);
  });
  return { outbox, profile };
}

function runBundle(
  outbox: SesStandIn,
  envelopes: RequestEnvelope[],
  overrides: Record<string, string | undefined> = {},
): Promise<ChildResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', AWS_ENDPOINT_URL_SES: outbox.url };
  for (const [name, value] of Object.entries({ ...LOCAL_SKILL_ENVIRONMENT, ...overrides }))
    if (value !== undefined) env[name] = value;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(folder, 'runner.cjs'), join(folder, 'bundle/index.js'), JSON.stringify(envelopes)],
      { env, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
        if (error || !line) return reject(new Error(`the bundle failed: ${stderr || error?.message}`));
        const logs = stdout.split('\n').flatMap((text): Record<string, unknown>[] => {
          const entry = parseSkillLogLine(text);
          return entry ? [entry] : [];
        });
        resolve({ ...(JSON.parse(line.slice('RESULT '.length)) as Omit<ChildResult, 'logs'>), logs, stdout });
      },
    );
  });
}

const TOKEN = 'the-users-api-access-token';

describe.concurrent("a request whose apiEndpoint is not Amazon's Alexa API", () => {
  it('gets no request to that host and no mail: the user hears the profile apology, the log a warning', async ({
    onTestFinished,
  }) => {
    const { outbox } = await standIns(onTestFinished);
    // Another loopback address: to the skill, a different host, which ALEXA_API_ENDPOINTS does not name.
    const elsewhere = await startProfileApi({ email: 'attacker@example.net' }, '127.0.0.2');
    onTestFinished(() => elsewhere.close());
    const { answers, logs, stdout } = await runBundle(outbox, [
      intentRequest('SendEmailIntent', {}, { apiEndpoint: elsewhere.url, apiAccessToken: TOKEN }),
    ]);

    expect(elsewhere.url).toMatch(/^http:\/\/127\.0\.0\.2:/);
    expect(elsewhere.requests).toEqual([]);
    expect(await outbox.mails()).toEqual([]);
    expect(spokenText(answers[0]!.response)).toBe(
      "Sorry, I couldn't read your Amazon profile just now. Please try again in a moment.",
    );
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        event: 'profile-unavailable',
        reason: `api endpoint not allowed: ${elsewhere.url}`,
      }),
    );
    expect(stdout).not.toContain(TOKEN);
  });

  it.for(['https://api.amazonalexa.com.attacker.example', 'https://api.amazonalexa.com@127.0.0.2'])(
    'is refused for %s too, which only looks like Amazon',
    async (apiEndpoint, { onTestFinished }) => {
      const { outbox } = await standIns(onTestFinished);
      const { answers } = await runBundle(outbox, [intentRequest('SendEmailIntent', {}, { apiEndpoint })]);
      expect(spokenText(answers[0]!.response)).toMatch(/^Sorry, I couldn't read your Amazon profile/);
      expect(await outbox.mails()).toEqual([]);
    },
  );

  it('reaches the loopback stand-in only because ALEXA_API_ENDPOINTS names it', async ({ onTestFinished }) => {
    const { outbox, profile } = await standIns(onTestFinished);
    const envelope = intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url });

    const without = await runBundle(outbox, [envelope], { ALEXA_API_ENDPOINTS: undefined });
    expect(profile.requests).toEqual([]);
    expect(spokenText(without.answers[0]!.response)).toMatch(/^Sorry, I couldn't read your Amazon profile/);

    const withIt = await runBundle(outbox, [envelope]);
    expect(spokenText(withIt.answers[0]!.response)).toMatch(/^Done\./);
    expect((await outbox.mails()).map((mail) => mail.destination.to)).toEqual([['user@example.com']]);
  });
});

describe.concurrent('a hostile profile answer', () => {
  // expect.poll needs the test's own expect when tests run at once.
  it('of 200 MB is abandoned unread: peak memory stays under 150 MB and the answer inside the deadline', async ({
    onTestFinished,
    expect,
  }) => {
    const { outbox, profile } = await standIns(onTestFinished);
    profile.set({ emailAnswerBytes: 200 * 1024 * 1024 });

    const { answers, peakRssMb, logs } = await runBundle(outbox, [
      intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }),
    ]);

    expect(spokenText(answers[0]!.response)).toMatch(/^Sorry, I couldn't read your Amazon profile/);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'profile-unavailable', reason: 'answer too large' }));
    expect(peakRssMb).toBeLessThan(150);
    expect(answers[0]!.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
    await expect.poll(() => profile.abandoned, WAIT_FOR_THE_CLOSE).toBeGreaterThanOrEqual(1);
    expect(await outbox.mails()).toEqual([]);
  });

  it('that never comes is given up at the profile deadline, with the connection closed', async ({
    onTestFinished,
    expect,
  }) => {
    const { outbox, profile } = await standIns(onTestFinished);
    // Far beyond Alexa's deadline: the skill must not wait for it.
    profile.set({ email: 'user@example.com', delayMs: 60_000 });

    const { answers, logs } = await runBundle(outbox, [
      intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }),
    ]);

    expect(spokenText(answers[0]!.response)).toMatch(/^Sorry, I couldn't read your Amazon profile/);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'profile-unavailable', reason: 'timeout' }));
    expect(answers[0]!.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
    await expect.poll(() => profile.abandoned, WAIT_FOR_THE_CLOSE).toBeGreaterThanOrEqual(1);
  });
});

describe.concurrent('a skill without a SKILL_ID', () => {
  it('sends no mail and answers every request with the not-set-up sentence, logging config-invalid', async ({
    onTestFinished,
  }) => {
    const { outbox, profile } = await standIns(onTestFinished);
    const { answers, logs } = await runBundle(
      outbox,
      [
        launchRequest(),
        intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }),
        intentRequest('AMAZON.HelpIntent'),
      ],
      { SKILL_ID: undefined },
    );

    expect(answers.map(({ response }) => spokenText(response))).toEqual(
      Array(3).fill("Sorry, this skill isn't set up to send email yet. Its owner needs to finish the setup."),
    );
    expect(await outbox.mails()).toEqual([]);
    expect(profile.requests).toEqual([]);
    const invalid = logs.filter((entry) => entry.event === 'config-invalid');
    // One at cold start, then one per request.
    expect(invalid).toHaveLength(4);
    for (const entry of invalid) expect(entry.problems).toMatch(/SKILL_ID is not set/);
  });
});
