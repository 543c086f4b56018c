// Property-based fuzzing of the handler: generated envelopes, valid and broken, against the
// SES stand-in (which keeps every request as it arrived on the wire) and a local Customer
// Profile API. The seed is fixed so that `npm test` is repeatable; `npm run fuzz` runs many
// more with a fresh seed.

import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Observation, ssmlProblems, violations } from '../../../devtools/fuzz/invariants.ts';
import { type FuzzRig, startFuzzRig } from '../../../devtools/fuzz/rig.ts';
import { ATTACKER_ADDRESS, type FuzzScenario } from '../../../devtools/fuzz/scenarios.ts';
import type { WireRequest } from '../../../testkit/aws/ses/standIn.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { PLACEHOLDER_FROM_ADDRESS } from '../../../testkit/placeholders.ts';
import { EMAIL_PATH } from '../../../testkit/profileApi.ts';

/** Fixed, so a failure here is the same failure on every machine. */
const SEED = 20_261_127;
const RUNS = 1_000;

let rig: FuzzRig;
beforeAll(async () => {
  rig = await startFuzzRig();
});
afterAll(() => rig.close());

describe('the handler under fuzzed requests', () => {
  it(`keeps every invariant for ${RUNS} generated envelopes (seed ${SEED})`, async () => {
    await fc.assert(rig.property(), { seed: SEED, numRuns: RUNS });
    // The run must have exercised what it claims to: mails, refusals and broken envelopes.
    // Only the half of the scenarios whose skill has a SKILL_ID may send.
    expect(rig.tally.mailsSent).toBeGreaterThan(25);
    expect(rig.tally.refusals).toBeGreaterThan(10);
    expect(rig.tally.brokenEnvelopes).toBeGreaterThan(RUNS / 4);
  });
});

// The checks themselves, on hand-made observations: a fuzzer whose checks cannot fail proves nothing.
describe('the fuzz invariants catch', () => {
  const skill = { skillId: 'amzn1.ask.skill.ours', fromAddress: PLACEHOLDER_FROM_ADDRESS };
  const sendEmail = (): FuzzScenario => ({
    envelope: intentRequest('SendEmailIntent', {}, { skillId: skill.skillId }) as unknown as Record<string, unknown>,
    profile: { email: 'taro@example.com' },
    guarded: true,
  });
  const confirmed = {
    version: '1.0',
    response: {
      outputSpeech: { type: 'SSML', ssml: '<speak>Done.</speak>' },
      card: { type: 'Simple', title: 'Email sent', content: 'x' },
      shouldEndSession: true,
    },
  };
  const plainMail = (to: string, extra: Record<string, string> = {}): WireRequest => ({
    action: 'SendEmail',
    form: {
      Action: 'SendEmail',
      Version: '2010-12-01',
      Source: `Mail Sender <${PLACEHOLDER_FROM_ADDRESS}>`,
      'Destination.ToAddresses.member.1': to,
      'Message.Subject.Data': 'A message from Mail Sender',
      ...extra,
    },
  });
  const observe = (overrides: Partial<Observation>): Observation => ({
    scenario: sendEmail(),
    outcome: { kind: 'response', response: confirmed },
    wire: [plainMail('taro@example.com')],
    profileRequests: [EMAIL_PATH],
    logLines: ['{"level":"info","event":"mail-sent","to":"t***@example.com"}'],
    ...overrides,
  });

  it('nothing in a correct exchange', async () => {
    expect(await violations(observe({}), skill)).toEqual([]);
  });

  it('a second mail, a foreign recipient, a Bcc parameter and a subject the skill did not write', async () => {
    const found = await violations(
      observe({
        wire: [
          plainMail('taro@example.com'),
          plainMail(ATTACKER_ADDRESS, {
            'Destination.BccAddresses.member.1': ATTACKER_ADDRESS,
            'Message.Subject.Data': 'pwned',
          }),
        ],
      }),
      skill,
    );
    expect(found).toContain('sent 2 mails for one request');
    expect(found).toEqual(
      expect.arrayContaining([expect.stringContaining('addressed to someone other than the profile address')]),
    );
    expect(found).toEqual(expect.arrayContaining([expect.stringContaining('Destination.BccAddresses.member.1')]));
  });

  it('a From under a name the skill does not use, or from another address', async () => {
    for (const Source of [
      `Your Bank <${PLACEHOLDER_FROM_ADDRESS}>`,
      `Mail Sender <other@example.com>`,
      PLACEHOLDER_FROM_ADDRESS,
    ]) {
      const found = await violations(observe({ wire: [plainMail('taro@example.com', { Source })] }), skill);
      expect(found, Source).toEqual([`the Source is ${JSON.stringify(Source)}`]);
    }
  });

  it('a mail for a request that is not a SendEmailIntent', async () => {
    const scenario = { ...sendEmail(), envelope: launchRequest() as unknown as Record<string, unknown> };
    expect(await violations(observe({ scenario }), skill)).toEqual(
      expect.arrayContaining([expect.stringContaining('not a SendEmailIntent')]),
    );
  });

  it('an intact SendEmailIntent that sent nothing', async () => {
    const found = await violations(
      observe({ wire: [], outcome: { kind: 'response', response: { version: '1.0', response: {} } } }),
      skill,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('sent 0 mails, not 1'),
        expect.stringContaining('was not confirmed'),
      ]),
    );
  });

  it('a header injected into the MIME message', async () => {
    const raw = await new MailComposer({
      from: PLACEHOLDER_FROM_ADDRESS,
      to: 'taro@example.com',
      bcc: ATTACKER_ADDRESS,
      subject: 'Your note from Mail Sender',
      text: 'x',
      headers: { 'X-Injected': 'yes' },
    })
      .compile()
      .build();
    const mail: WireRequest = {
      action: 'SendRawEmail',
      form: {
        Action: 'SendRawEmail',
        Source: PLACEHOLDER_FROM_ADDRESS,
        'Destinations.member.1': 'taro@example.com',
        'RawMessage.Data': raw.toString('base64'),
      },
      rawMessage: raw,
    };
    expect(await violations(observe({ wire: [mail] }), skill)).toEqual(
      expect.arrayContaining([expect.stringContaining('headers the skill never writes: x-injected')]),
    );
  });

  it('a throw where an answer was due, and an answer where a refusal was due', async () => {
    expect(
      await violations(observe({ outcome: { kind: 'refused', error: new TypeError('boom') }, wire: [] }), skill),
    ).toContain('the handler threw instead of answering: TypeError: boom');
    const foreign = {
      ...sendEmail(),
      guarded: true,
      envelope: launchRequest({ skillId: 'amzn1.ask.skill.theirs' }) as unknown as Record<string, unknown>,
    };
    expect(await violations(observe({ scenario: foreign, wire: [] }), skill)).toContain(
      'answered a request whose skill ID it should have refused',
    );
  });

  it('a full address in a log line, and a line that is not JSON', async () => {
    const found = await violations(
      observe({ logLines: ['{"level":"info","event":"mail-sent","to":"taro@example.com"}', 'plain text'] }),
      skill,
    );
    expect(found).toEqual(['log line 1 holds a full address', 'log line 2 is not JSON']);
  });

  it.each([
    { label: 'an unescaped ampersand', ssml: '<speak>salt & pepper</speak>', problem: 'not well-formed' },
    { label: 'two roots', ssml: '<speak>Done.</speak><speak>again</speak>', problem: 'not well-formed' },
    {
      label: 'an injected element',
      ssml: '<speak>hi <audio src="https://evil.example/x.mp3"/></speak>',
      problem: 'elements the skill never writes: <audio>',
    },
    { label: 'another root', ssml: '<p>hi</p>', problem: 'root is <p>' },
    { label: 'speech over 8,000 characters', ssml: `<speak>${'a'.repeat(8_001)}</speak>`, problem: 'over Alexa' },
  ])('SSML with $label', ({ ssml, problem }) => {
    expect(ssmlProblems(ssml).join(' ')).toContain(problem);
  });

  it('well-formed SSML with escaped markup', () => {
    expect(ssmlProblems('<speak>at a&amp;b&#39;c.example, &lt;x&gt;</speak>')).toEqual([]);
  });
});
