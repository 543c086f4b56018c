// What must hold for every request the fuzzer sends, whatever it contains. Each check returns the
// violations it found, in words, so a failure reads as a bug report.

import { Ajv } from 'ajv';
import { simpleParser } from 'mailparser';
import { SaxesParser } from 'saxes';
import { isPlausibleAddress } from '../../lambda/config.ts';
import { SEND_EMAIL_INTENT } from '../../lambda/intents.ts';
import { en } from '../../lambda/messages/en.ts';
import { messagesFor } from '../../lambda/messages/index.ts';
import { ja } from '../../lambda/messages/ja.ts';
import type { WireRequest } from '../../testkit/aws/ses/standIn.ts';
import { EMAIL_PATH, type ProfileBehaviour } from '../../testkit/profileApi.ts';
import { ATTACKER_ADDRESS, type FuzzScenario } from './scenarios.ts';

/** Alexa refuses a response larger than this, and speech longer than 8,000 characters. */
const ALEXA_MAX_RESPONSE_BYTES = 24 * 1024;
const ALEXA_MAX_SPEECH_CHARS = 8_000;

export type Outcome =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'refused'; readonly error: unknown };

export interface Observation {
  readonly scenario: FuzzScenario;
  readonly outcome: Outcome;
  /** What reached the SES endpoint during the request. */
  readonly wire: readonly WireRequest[];
  /** Paths the profile API was asked for during the request. */
  readonly profileRequests: readonly string[];
  readonly logLines: readonly string[];
}

export interface SkillUnderFuzz {
  readonly skillId: string;
  readonly fromAddress: string;
}

const outputSpeech = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'ssml'],
      properties: { type: { const: 'SSML' }, ssml: { type: 'string' }, playBehavior: { type: 'string' } },
      additionalProperties: false,
    },
    {
      type: 'object',
      required: ['type', 'text'],
      properties: { type: { const: 'PlainText' }, text: { type: 'string' }, playBehavior: { type: 'string' } },
      additionalProperties: false,
    },
  ],
};

/** The response envelope as the Alexa Skills Kit documents it (the parts this skill can produce). */
const RESPONSE_ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['version', 'response'],
  properties: {
    version: { const: '1.0' },
    userAgent: { type: 'string' },
    sessionAttributes: {},
    response: {
      type: 'object',
      properties: {
        outputSpeech,
        reprompt: {
          type: 'object',
          required: ['outputSpeech'],
          properties: { outputSpeech },
          additionalProperties: false,
        },
        card: {
          type: 'object',
          required: ['type'],
          properties: {
            type: { enum: ['Simple', 'Standard', 'LinkAccount', 'AskForPermissionsConsent'] },
            title: { type: 'string' },
            content: { type: 'string' },
            text: { type: 'string' },
            permissions: { type: 'array', items: { type: 'string' } },
          },
          additionalProperties: false,
        },
        shouldEndSession: { type: 'boolean' },
        directives: { type: 'array', items: { type: 'object', required: ['type'] } },
        canFulfillIntent: {
          type: 'object',
          required: ['canFulfill'],
          properties: { canFulfill: { enum: ['YES', 'NO', 'MAYBE'] }, slots: { type: 'object' } },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

const validateEnvelope = new Ajv({ allErrors: true, strict: false }).compile(RESPONSE_ENVELOPE_SCHEMA);

/** Subjects the skill writes. A subject outside this set came from somewhere else. */
const SKILL_SUBJECTS = new Set(
  [en, ja].flatMap((messages) => [messages.mailContent({}).subject, messages.mailContent({ note: 'x' }).subject]),
);
const NOTE_FILE_NAMES = new Set([en, ja].map((messages) => messages.mailContent({}).noteFileName));
/** Display names the skill puts on its From. */
const SENDER_NAMES = new Set([en, ja].map((messages) => messages.mailContent({}).senderName));
/** Top-level headers MailComposer writes for the skill's message; anything else was injected. */
const RAW_MESSAGE_HEADERS = new Set([
  'from',
  'to',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);
const SEND_EMAIL_PARAMETERS = new Set([
  'Action',
  'Version',
  'Source',
  'Destination.ToAddresses.member.1',
  'Message.Subject.Data',
  'Message.Subject.Charset',
  'Message.Body.Text.Data',
  'Message.Body.Text.Charset',
  'Message.Body.Html.Data',
  'Message.Body.Html.Charset',
]);
const SEND_RAW_EMAIL_PARAMETERS = new Set(['Action', 'Version', 'Source', 'Destinations.member.1', 'RawMessage.Data']);

type Loose = Record<string, unknown> | undefined;
const field = (object: unknown, key: string): unknown =>
  object && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined;
const path = (object: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((at, key) => field(at, key), object);

function requestTypeOf(scenario: FuzzScenario): unknown {
  return path(scenario.envelope, 'request', 'type');
}

function isSendEmailIntent(scenario: FuzzScenario): boolean {
  return (
    requestTypeOf(scenario) === 'IntentRequest' &&
    path(scenario.envelope, 'request', 'intent', 'name') === SEND_EMAIL_INTENT
  );
}

/** The address the profile API hands out in this scenario, if it hands one out at all. */
function profileEmailOf(profile: ProfileBehaviour): string | undefined {
  if (profile.emailStatus || profile.rawEmailBody !== undefined) return undefined;
  return typeof profile.email === 'string' && profile.email ? profile.email : undefined;
}

/** The skill sends a mail only to an address it could trust: trimmed, and shaped like one. */
function usableAddress(profile: ProfileBehaviour): string | undefined {
  const email = profileEmailOf(profile)?.trim();
  return email && isPlausibleAddress(email) ? email : undefined;
}

export function ssmlProblems(ssml: string): string[] {
  const problems: string[] = [];
  if (ssml.length > ALEXA_MAX_SPEECH_CHARS)
    problems.push(`SSML is ${ssml.length} characters, over Alexa's ${ALEXA_MAX_SPEECH_CHARS}`);
  const elements: string[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => elements.push(tag.name));
  parser.on('doctype', () => problems.push('SSML holds a DOCTYPE'));
  parser.on('processinginstruction', () => problems.push('SSML holds a processing instruction'));
  parser.on('cdata', () => problems.push('SSML holds a CDATA section'));
  parser.on('comment', () => problems.push('SSML holds a comment'));
  try {
    parser.write(ssml).close();
  } catch (error) {
    problems.push(`SSML is not well-formed XML (${(error as Error).message.split('\n')[0]})`);
    return problems;
  }
  if (elements[0] !== 'speak') problems.push(`SSML root is <${elements[0] ?? 'nothing'}>, not <speak>`);
  // The skill writes one element inside <speak>: say-as, to spell the address's initial.
  const others = elements.slice(1).filter((name) => name !== 'say-as');
  if (others.length > 0)
    problems.push(`SSML holds elements the skill never writes: ${others.map((name) => `<${name}>`).join(' ')}`);
  return problems;
}

function responseProblems(observation: Observation, response: unknown): string[] {
  const problems: string[] = [];
  if (!validateEnvelope(response)) {
    problems.push(
      `not a well-formed Alexa response: ${(validateEnvelope.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`,
    );
    return problems;
  }
  const bytes = Buffer.byteLength(JSON.stringify(response));
  if (bytes > ALEXA_MAX_RESPONSE_BYTES)
    problems.push(`response is ${bytes} bytes, over Alexa's ${ALEXA_MAX_RESPONSE_BYTES}`);

  const body = path(response, 'response') as Loose;
  for (const speech of [path(body, 'outputSpeech'), path(body, 'reprompt', 'outputSpeech')]) {
    const ssml = field(speech, 'ssml');
    if (typeof ssml === 'string') problems.push(...ssmlProblems(ssml));
  }
  const type = requestTypeOf(observation.scenario);
  if (
    type === 'SessionEndedRequest' &&
    (field(body, 'outputSpeech') || field(body, 'reprompt') || field(body, 'card'))
  ) {
    problems.push('answered a SessionEndedRequest with speech or a card, which Alexa does not allow');
  }
  if (type === 'CanFulfillIntentRequest') {
    if (!field(body, 'canFulfillIntent')) problems.push('answered a CanFulfillIntentRequest without canFulfillIntent');
    if (field(body, 'outputSpeech')) problems.push('spoke in answer to a CanFulfillIntentRequest');
  }
  return problems;
}

function applicationIdOf(scenario: FuzzScenario): unknown {
  return path(scenario.envelope, 'context', 'System', 'application', 'applicationId');
}

function outcomeProblems(observation: Observation, skill: SkillUnderFuzz): string[] {
  const { scenario, outcome } = observation;
  const mustRefuse = scenario.guarded && applicationIdOf(scenario) !== skill.skillId;
  if (outcome.kind === 'refused') {
    const error = outcome.error as { name?: unknown; message?: unknown } | undefined;
    const message = String(error?.message ?? error);
    if (mustRefuse && /Skill ID verification failed/.test(message)) return [];
    return [`the handler threw instead of answering: ${String(error?.name ?? 'Error')}: ${message}`];
  }
  if (mustRefuse) return ['answered a request whose skill ID it should have refused'];
  return responseProblems(observation, outcome.response);
}

/** SendEmail's Source, read as a mail client reads a From header: the sender's address under one of the skill's names. */
async function isSkillFrom(source: string | undefined, skill: SkillUnderFuzz): Promise<boolean> {
  if (source === undefined || /[\r\n]/.test(source)) return false;
  const from = (await simpleParser(`From: ${source}\r\n\r\n`)).from?.value ?? [];
  return from.length === 1 && from[0]?.address === skill.fromAddress && SENDER_NAMES.has(from[0]?.name ?? '');
}

async function rawMessageProblems(raw: Buffer, recipient: string): Promise<string[]> {
  const problems: string[] = [];
  const parsed = await simpleParser(raw);
  const injected = parsed.headerLines.map((header) => header.key).filter((key) => !RAW_MESSAGE_HEADERS.has(key));
  if (injected.length > 0) problems.push(`the MIME message has headers the skill never writes: ${injected.join(', ')}`);
  for (const header of parsed.headerLines) {
    // headerLines keeps folded lines as written; a fold is CRLF + space, anything else is a break in the value.
    if (/\r?\n(?![ \t])/.test(header.line)) problems.push(`the ${header.key} header holds a line break`);
  }
  const to =
    parsed.to && !Array.isArray(parsed.to)
      ? parsed.to.value.map((address) => address.address)
      : ['(several To headers)'];
  if (to.length !== 1 || to[0] !== recipient)
    problems.push(`the MIME To header names ${JSON.stringify(to)}, not only the profile address`);
  if (parsed.cc || parsed.bcc) problems.push('the MIME message has a Cc or Bcc');
  if (!SKILL_SUBJECTS.has(parsed.subject ?? ''))
    problems.push(`the MIME subject is not one the skill writes: ${JSON.stringify(parsed.subject)}`);
  for (const attachment of parsed.attachments) {
    if (!NOTE_FILE_NAMES.has(attachment.filename ?? ''))
      problems.push(`an attachment is named ${JSON.stringify(attachment.filename)}`);
    const partHeaders = [...attachment.headers.keys()].filter(
      (key) => !['content-type', 'content-transfer-encoding', 'content-disposition'].includes(key),
    );
    if (partHeaders.length > 0)
      problems.push(`the attachment has headers the skill never writes: ${partHeaders.join(', ')}`);
  }
  return problems;
}

async function mailProblems(observation: Observation, skill: SkillUnderFuzz): Promise<string[]> {
  const { scenario, wire, profileRequests } = observation;
  const mails = wire.filter((request) => request.action === 'SendEmail' || request.action === 'SendRawEmail');
  const others = wire.filter((request) => !mails.includes(request));
  const problems: string[] = others.map(
    (request) => `called SES ${request.action || '(no action)'}, which the skill never needs`,
  );
  if (mails.length > 1) problems.push(`sent ${mails.length} mails for one request`);
  if (!scenario.guarded && mails.length > 0) problems.push('sent a mail although no SKILL_ID is set');
  if (!scenario.guarded && profileRequests.length > 0)
    problems.push("sent the user's token to the profile API although no SKILL_ID is set");

  const recipient = usableAddress(scenario.profile);
  if (mails.length > 0) {
    if (!isSendEmailIntent(scenario))
      problems.push(`sent a mail for a ${String(requestTypeOf(scenario))} that is not a SendEmailIntent`);
    if (!recipient) problems.push('sent a mail although the profile API returned no usable address');
    if (!profileRequests.includes(EMAIL_PATH))
      problems.push('sent a mail without asking the profile API for the address');
  }
  for (const [index, mail] of mails.entries()) {
    const which = mails.length > 1 ? `mail ${index + 1}: ` : '';
    if (
      mail.action === 'SendEmail'
        ? !(await isSkillFrom(mail.form.Source, skill))
        : mail.form.Source !== skill.fromAddress
    )
      problems.push(`${which}the Source is ${JSON.stringify(mail.form.Source)}`);
    if (mail.action === 'SendEmail') {
      const unexpected = Object.keys(mail.form).filter((key) => !SEND_EMAIL_PARAMETERS.has(key));
      if (unexpected.length > 0)
        problems.push(`${which}SendEmail carries parameters the skill never sets: ${unexpected.join(', ')}`);
      if (mail.form['Destination.ToAddresses.member.1'] !== recipient)
        problems.push(`${which}SendEmail is addressed to someone other than the profile address`);
      if (!SKILL_SUBJECTS.has(mail.form['Message.Subject.Data'] ?? ''))
        problems.push(
          `${which}the subject is not one the skill writes: ${JSON.stringify(mail.form['Message.Subject.Data'])}`,
        );
    } else {
      const unexpected = Object.keys(mail.form).filter((key) => !SEND_RAW_EMAIL_PARAMETERS.has(key));
      if (unexpected.length > 0)
        problems.push(`${which}SendRawEmail carries parameters the skill never sets: ${unexpected.join(', ')}`);
      if (mail.form['Destinations.member.1'] !== recipient)
        problems.push(`${which}SendRawEmail is addressed to someone other than the profile address`);
      if (mail.rawMessage && recipient)
        problems.push(...(await rawMessageProblems(mail.rawMessage, recipient)).map((problem) => `${which}${problem}`));
    }
  }

  // Not only safe but useful: an intact SendEmailIntent with a usable profile address is mailed once and confirmed.
  const expectsMail =
    !scenario.broken &&
    isSendEmailIntent(scenario) &&
    recipient !== undefined &&
    typeof path(scenario.envelope, 'context', 'System', 'apiAccessToken') === 'string' &&
    scenario.guarded &&
    applicationIdOf(scenario) === skill.skillId;
  if (expectsMail && observation.outcome.kind === 'response') {
    if (mails.length !== 1)
      problems.push(
        `an intact SendEmailIntent with the profile address ${recipient} sent ${mails.length} mails, not 1`,
      );
    const locale = path(scenario.envelope, 'request', 'locale');
    const card = path(observation.outcome.response, 'response', 'card', 'title');
    const expected = messagesFor(typeof locale === 'string' ? locale : undefined).sentCardTitle;
    if (card !== expected)
      problems.push(
        `an intact SendEmailIntent was not confirmed (card title ${JSON.stringify(card)}, expected ${JSON.stringify(expected)})`,
      );
  }
  return problems;
}

function logProblems(observation: Observation): string[] {
  const problems: string[] = [];
  const secrets = [ATTACKER_ADDRESS, profileEmailOf(observation.scenario.profile)?.trim()].filter(
    (value): value is string => Boolean(value?.includes('@')),
  );
  observation.logLines.forEach((line, index) => {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      problems.push(`log line ${index + 1} is not JSON`);
      return;
    }
    if (typeof field(entry, 'level') !== 'string' || typeof field(entry, 'event') !== 'string')
      problems.push(`log line ${index + 1} has no level or event`);
    for (const address of secrets)
      if (line.includes(address)) problems.push(`log line ${index + 1} holds a full address`);
  });
  return problems;
}

/**
 * Every violation of the invariants in one observed request; empty when all hold:
 *   - the handler returns a well-formed Alexa response, or refuses a foreign skill ID cleanly;
 *   - its SSML is well-formed XML with <speak> as the only element (dictated text is escaped);
 *   - no mail leaves except for a SendEmailIntent whose profile email was returned, at most one,
 *     and its only recipient is that address; without a SKILL_ID, none at all;
 *   - no header carries user text: the subject is one the skill wrote, the header names are
 *     the composer's own, and no value holds a line break;
 *   - no log line carries the user's or an attacker's address.
 */
export async function violations(observation: Observation, skill: SkillUnderFuzz): Promise<string[]> {
  return [
    ...outcomeProblems(observation, skill),
    ...(await mailProblems(observation, skill)),
    ...logProblems(observation),
  ];
}
