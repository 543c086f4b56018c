// What the fuzzer throws at the skill: request envelopes, valid (testkit/envelopes.ts) and with one
// field broken, and what the Customer Profile API answers. Every URL in them is on loopback.

import type { RequestEnvelope } from 'ask-sdk-model';
import fc from 'fast-check';
import { SEND_EMAIL_INTENT } from '../../lambda/intents.ts';
import {
  canFulfillRequest,
  type EnvelopeOptions,
  intentRequest,
  LOCAL_SKILL_ID,
  launchRequest,
  sessionEndedRequest,
} from '../../testkit/envelopes.ts';
import type { ProfileBehaviour } from '../../testkit/profileApi.ts';

export interface FuzzScenario {
  /** What the handler receives: a complete envelope, or one with a broken field. */
  readonly envelope: Record<string, unknown>;
  /** How the local Customer Profile API answers during this request. */
  readonly profile: ProfileBehaviour;
  /**
   * The skill under test has a SKILL_ID (a foreign or missing skill ID must be refused); without
   * one it must send nothing at all.
   */
  readonly guarded: boolean;
  /** The damage done to an otherwise valid envelope ("request.locale: deleted"), if any. */
  readonly broken?: string;
}

const FOREIGN_SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
/** A loopback port nothing listens on: the profile call is refused at once. */
const REFUSED_ENDPOINT = 'http://127.0.0.1:9';
/** Every address an attacker might try to add; none of them may ever receive a mail. */
export const ATTACKER_ADDRESS = 'attacker@evil.example';

const HEADER_INJECTIONS = [
  `hello\r\nBcc: ${ATTACKER_ADDRESS}`,
  `x\nTo: ${ATTACKER_ADDRESS}\nSubject: pwned`,
  `x\r\n\r\n<html>body smuggled</html>`,
  `line\u2028Bcc: ${ATTACKER_ADDRESS}`,
  `\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>`,
  '=?utf-8?b?QmNjOiBhdHRhY2tlckBldmlsLmV4YW1wbGU=?=',
  `%0d%0aBcc:%20${ATTACKER_ADDRESS}`,
];

const MARKUP = [
  '<speak>',
  '</speak><audio src="https://evil.example/loud.mp3"/>',
  '<break time="10s"/>',
  '& &amp; &lt; &#x26; &unknown;',
  ']]><![CDATA[',
  '<!-- comment -->',
  '"\'<>',
  '<script>alert(1)</script>',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
  '\u0000\u0001\u0007\u001b[31m\u007f\u0085\ufffe',
];

/** "a 100 KB dictated note", in one, two, three and four UTF-8 bytes per character. */
const HUGE_NOTES = ['a', 'é', 'あ', '😀', '<&>'].map((unit) =>
  unit.repeat(Math.ceil(100_000 / Buffer.byteLength(unit))),
);

const noteValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 120 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HEADER_INJECTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_NOTES) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom(...HEADER_INJECTIONS, ...MARKUP, 'buy milk', '牛乳を買う'), { minLength: 2, maxLength: 4 })
      .map((parts) => parts.join(' ')),
  },
);

const LOCALES = [
  'en-US',
  'ja-JP',
  'en-GB',
  'en-IN',
  'de-DE',
  'fr-FR',
  'es-ES',
  'pt-BR',
  'ar-SA',
  'ja',
  'EN-us',
  'xx-XX',
  '',
];
const locale = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('en-US', 'ja-JP') },
  { weight: 2, arbitrary: fc.constantFrom(...LOCALES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const KNOWN_INTENTS = [
  'AMAZON.HelpIntent',
  'AMAZON.StopIntent',
  'AMAZON.CancelIntent',
  'AMAZON.FallbackIntent',
  'AMAZON.NavigateHomeIntent',
  'AMAZON.YesIntent',
];
const intentName = fc.oneof(
  { weight: 8, arbitrary: fc.constant(SEND_EMAIL_INTENT) },
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_INTENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const slots = fc.record(
  {
    note: noteValue,
    to: fc.constant(ATTACKER_ADDRESS),
    email: fc.constant(ATTACKER_ADDRESS),
    recipient: fc.constantFrom(ATTACKER_ADDRESS, `${ATTACKER_ADDRESS}, victim@example.org`),
  },
  { requiredKeys: [] },
);

const attributes = fc.oneof(
  fc.constant({}),
  fc.record(
    { to: fc.constant(ATTACKER_ADDRESS), bcc: fc.constant(ATTACKER_ADDRESS), recipient: fc.constant(ATTACKER_ADDRESS) },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

const UNKNOWN_REQUEST_TYPES = [
  'AudioPlayer.PlaybackStarted',
  'AudioPlayer.PlaybackFinished',
  'AudioPlayer.PlaybackFailed',
  'PlaybackController.PlayCommandIssued',
  'Connections.Response',
  'Alexa.Presentation.APL.UserEvent',
  'Messaging.MessageReceived',
  'System.ExceptionEncountered',
  'Display.ElementSelected',
  'Alexa.Authorization.Grant',
];

function envelopeFor(
  kind: string,
  options: EnvelopeOptions,
  extra: { intent: string; slots: Record<string, string>; reason: string; unknownType: string },
): RequestEnvelope {
  switch (kind) {
    case 'launch':
      return launchRequest(options);
    case 'intent':
      return intentRequest(extra.intent, extra.slots, options);
    case 'canFulfill':
      return canFulfillRequest(extra.intent, extra.slots, options);
    case 'sessionEnded': {
      const envelope = sessionEndedRequest(extra.reason as 'ERROR', options);
      if (extra.reason === 'ERROR')
        (envelope.request as unknown as Record<string, unknown>).error = {
          type: 'INVALID_RESPONSE',
          message: '<b>bad</b> & "worse"',
        };
      return envelope;
    }
    default: {
      // Built like a launch request, then retyped: the envelope around it stays complete.
      const envelope = launchRequest(options);
      const request = envelope.request as unknown as Record<string, unknown>;
      request.type = extra.unknownType;
      request.token = 'fuzz-token';
      request.offsetInMilliseconds = 0;
      return envelope;
    }
  }
}

/** Where one field of an envelope can be broken, and the values it may be broken with. */
const MUTABLE_PATHS: readonly (readonly string[])[] = [
  ['version'],
  ['request'],
  ['request', 'type'],
  ['request', 'requestId'],
  ['request', 'locale'],
  ['request', 'intent'],
  ['request', 'intent', 'name'],
  ['request', 'intent', 'slots'],
  ['request', 'intent', 'slots', 'note'],
  ['request', 'intent', 'slots', 'note', 'value'],
  ['request', 'reason'],
  ['session'],
  ['session', 'attributes'],
  ['session', 'application'],
  ['session', 'new'],
  ['context'],
  ['context', 'System'],
  ['context', 'System', 'application'],
  ['context', 'System', 'application', 'applicationId'],
  ['context', 'System', 'apiAccessToken'],
  ['context', 'System', 'apiEndpoint'],
  ['context', 'System', 'user'],
];

type Damage = { readonly how: 'deleted' } | { readonly how: 'set'; readonly value: unknown };

/** Wrong-typed values. For apiEndpoint only non-strings and a refused loopback URL: the SDK would connect to a string. */
function damageFor(path: readonly string[]): fc.Arbitrary<Damage> {
  const isEndpoint = path.at(-1) === 'apiEndpoint';
  const wrong = isEndpoint
    ? fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant({}), fc.constant(REFUSED_ENDPOINT))
    : fc.oneof(
        fc.constant(null),
        fc.integer(),
        fc.boolean(),
        fc.string({ maxLength: 20 }),
        fc.array(fc.integer(), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
      );
  return fc.oneof(
    fc.constant<Damage>({ how: 'deleted' }),
    wrong.map((value): Damage => ({ how: 'set', value })),
  );
}

/** A copy of the envelope with the field at `path` deleted or replaced; the original is untouched. */
export function damaged(envelope: RequestEnvelope, path: readonly string[], damage: Damage): Record<string, unknown> {
  const copy = structuredClone(envelope) as unknown as Record<string, unknown>;
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) {
    parent = parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[key] : undefined;
  }
  if (!parent || typeof parent !== 'object') return copy; // the field is not in this kind of request
  const last = path.at(-1) as string;
  if (damage.how === 'deleted') delete (parent as Record<string, unknown>)[last];
  else (parent as Record<string, unknown>)[last] = damage.value;
  return copy;
}

function describeDamage(path: readonly string[], damage: Damage): string {
  return `${path.join('.')}: ${damage.how === 'deleted' ? 'deleted' : `set to ${JSON.stringify(damage.value)?.slice(0, 40)}`}`;
}

/** Addresses the profile may hold: plain, with characters SSML must escape, and non-ASCII. */
const PROFILE_EMAILS = ['taro@example.com', 'o.brien+alexa@example.co.uk', "a&b'c@example.com", 'ユーザー@example.jp'];
/** What a compromised or broken profile answer could hold: the skill must mail none of them. */
const HOSTILE_PROFILE_EMAILS = [
  `victim@example.com\r\nBcc: ${ATTACKER_ADDRESS}`,
  `victim@example.com>, <${ATTACKER_ADDRESS}`,
  `victim@example.com,${ATTACKER_ADDRESS}`,
  ' ',
];

const profileBehaviour: fc.Arbitrary<ProfileBehaviour> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      email: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...PROFILE_EMAILS) },
        { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_PROFILE_EMAILS) },
      ),
      givenName: fc.constantFrom(
        null,
        'Taro',
        '花子',
        '<b>Bob</b> & "co"',
        `Eve\r\nBcc: ${ATTACKER_ADDRESS}`,
        'x'.repeat(500),
      ),
      givenNamePermission: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant<ProfileBehaviour>({ email: null }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(401, 403, 404, 429, 500, 503)
      .map((status): ProfileBehaviour => ({ emailStatus: status })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('<html>oops</html>', '{"email":1}', '"unterminated', '123', 'null')
      .map((body): ProfileBehaviour => ({ rawEmailBody: body })),
  },
);

export function scenarios(profileApiUrl: string): fc.Arbitrary<FuzzScenario> {
  const valid = fc
    .record({
      kind: fc.oneof(
        { weight: 2, arbitrary: fc.constant('launch') },
        { weight: 10, arbitrary: fc.constant('intent') },
        { weight: 2, arbitrary: fc.constant('canFulfill') },
        { weight: 2, arbitrary: fc.constant('sessionEnded') },
        { weight: 2, arbitrary: fc.constant('unknown') },
      ),
      intent: intentName,
      slots,
      reason: fc.constantFrom('USER_INITIATED', 'ERROR', 'EXCEEDED_MAX_REPROMPTS', 'SOMETHING_NEW'),
      unknownType: fc.oneof(fc.constantFrom(...UNKNOWN_REQUEST_TYPES), fc.string({ maxLength: 20 })),
      locale,
      attributes,
      foreignSkill: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      withToken: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      guarded: fc.boolean(),
      profile: profileBehaviour,
      // Each scenario its own Alexa user, so the abuse limits (lambda/limits/) never stand between
      // an intact request and its one mail; they are tested on their own.
      user: fc.uuid(),
    })
    .map(
      ({
        kind,
        foreignSkill,
        withToken,
        guarded,
        profile,
        locale: chosenLocale,
        attributes: chosenAttributes,
        user,
        ...extra
      }) => {
        const envelope = envelopeFor(
          kind,
          {
            locale: chosenLocale,
            attributes: chosenAttributes,
            apiEndpoint: profileApiUrl,
            skillId: foreignSkill ? FOREIGN_SKILL_ID : LOCAL_SKILL_ID,
            userId: `amzn1.ask.account.FUZZ-${user}`,
          },
          extra,
        );
        const system = envelope.context.System as unknown as Record<string, unknown>;
        if (!withToken) delete system.apiAccessToken; // Alexa omits it when no permission was ever granted
        return { envelope: envelope as unknown as Record<string, unknown>, profile, guarded };
      },
    );

  const broken = fc
    .tuple(
      valid,
      fc.constantFrom(...MUTABLE_PATHS).chain((path) => damageFor(path).map((damage) => ({ path, damage }))),
    )
    .map(([scenario, { path, damage }]) => ({
      ...scenario,
      envelope: damaged(scenario.envelope as unknown as RequestEnvelope, path, damage),
      broken: describeDamage(path, damage),
    }));

  return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 1, arbitrary: broken });
}
