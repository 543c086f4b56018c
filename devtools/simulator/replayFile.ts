// The replay file of `ask dialog --replay FILE`, refused for the same reasons and in the same words as
// ask-cli 2.x (lib/model/dialog-replay-file.js), with two keys of our own that `ask dialog` ignores.
// A file that cannot be read at all (missing, a folder, not JSON) is said in our own words.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import { SES_BEHAVIOURS, type SesBehaviourName } from '../../testkit/aws/ses/modes.ts';
import { skillLocales } from '../interaction-model/skillPackage.ts';
import { emailProblem, givenNameProblem } from './worldSettings.ts';

export interface Expectation {
  /** A regular expression (case-insensitive) Alexa's speech must match; "^$" when she says nothing. */
  readonly speech: string;
  /** The card type the response must carry ("Simple", "AskForPermissionsConsent"), or null for no card. */
  readonly card?: string | null;
  /** How many mails the skill must send during the turn. */
  readonly mails?: number;
  readonly sessionEnded?: boolean;
}

export interface SimulateSettings {
  readonly email?: string | null;
  readonly name?: string | null;
  readonly emailPermission?: boolean;
  readonly ses?: SesBehaviourName;
}

export interface ReplayFile {
  readonly path: string;
  readonly skillId: string;
  readonly locale: string;
  /** Trimmed, as `ask dialog` trims them; lines starting with "." are commands (".quit"). */
  readonly userInput: readonly string[];
  readonly expect?: readonly Expectation[];
  readonly simulate?: SimulateSettings;
}

export class ReplayFileError extends Error {
  override readonly name: string = 'ReplayFileError';
}

/** The file could not be read as JSON at all; its message is the whole sentence. */
class UnreadableReplayFile extends ReplayFileError {
  override readonly name = 'UnreadableReplayFile';
}

/** A file that is JSON but not a replay file: `ask dialog`'s reason, in its words. */
class RefusedReplayFile extends ReplayFileError {
  override readonly name = 'RefusedReplayFile';
  constructor(
    readonly path: string,
    cause: ReplayFileError,
  ) {
    super(cause.message);
  }
}

/** `text` as the end of a sentence: one full stop, whether or not it had one. */
const withFullStop = (text: string) => `${text.replace(/[.\s]+$/, '')}.`;

/** The one sentence the simulator and simulate:cloud print for a file they cannot replay. */
export function replayFileRefusal(error: ReplayFileError): string {
  if (error instanceof UnreadableReplayFile) return error.message;
  const file = error instanceof RefusedReplayFile ? `The replay file ${error.path}` : 'The replay file';
  return `${file} was refused: ${withFullStop(error.message)}`;
}

export function isCommand(input: string): boolean {
  return input.startsWith('.');
}

/**
 * Our own keys, so that one file serves `ask dialog` and the simulator:
 *   "expect":   one entry per utterance:
 *               {"speech": REGEX, "card"?: TYPE | null, "mails"?: N, "sessionEnded"?: BOOL}
 *   "simulate": the simulated world:
 *               {"email"?: ADDRESS | null, "name"?: NAME | null, "emailPermission"?: BOOL, "ses"?: BEHAVIOUR}
 */
interface Extensions {
  expect?: Expectation[];
  simulate?: SimulateSettings;
}

const extensionsSchema: JSONSchemaType<Extensions> = {
  type: 'object',
  properties: {
    expect: {
      type: 'array',
      nullable: true,
      items: {
        type: 'object',
        properties: {
          speech: { type: 'string' },
          card: { type: 'string', nullable: true },
          mails: { type: 'integer', minimum: 0, nullable: true },
          sessionEnded: { type: 'boolean', nullable: true },
        },
        required: ['speech'],
        additionalProperties: false,
      },
    },
    simulate: {
      type: 'object',
      nullable: true,
      properties: {
        email: { type: 'string', nullable: true },
        name: { type: 'string', nullable: true },
        emailPermission: { type: 'boolean', nullable: true },
        ses: { type: 'string', enum: Object.keys(SES_BEHAVIOURS) as SesBehaviourName[], nullable: true },
      },
      additionalProperties: false,
    },
  },
  required: [],
  // Every other key is the replay file's own (skillId, locale, type, userInput) or one `ask dialog` ignores.
  additionalProperties: true,
};

// Compiled at the first file read, not at import: `npm start` without --replay never needs it.
let validateExtensions: ValidateFunction<Extensions> | undefined;

function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath
    .replace(/^\//, '')
    .replace(/\/(\d+)/g, '[$1]')
    .replace(/\//g, '.');
  const allowed =
    error.keyword === 'enum' ? ` (${(error.params as { allowedValues: string[] }).allowedValues.join(', ')})` : '';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"`
      : '';
  return `Replay file's ${where} ${error.message ?? 'is invalid'}${extra}${allowed}.`;
}

function isNonBlankString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Validates parsed content, in the order and with the words of `ask dialog`, then our own keys. */
export function parseReplayFile(
  content: unknown,
  path: string,
  locales: readonly string[] = skillLocales(),
): ReplayFile {
  const file = (content && typeof content === 'object' ? content : {}) as Record<string, unknown>;
  if (!isNonBlankString(file.skillId)) throw new ReplayFileError('Replay file must contain skillId');
  if (!isNonBlankString(file.locale)) throw new ReplayFileError('Replay file must contain locale');
  if (!Array.isArray(file.userInput) || !file.userInput.every((input) => typeof input === 'string')) {
    // `ask dialog` fails here with a TypeError; say what it needs instead.
    throw new ReplayFileError("Replay file's userInput must be a list of strings.");
  }
  const userInput = file.userInput.map((input: string) => {
    const trimmed = input.trim();
    if (!isNonBlankString(trimmed)) throw new ReplayFileError("Replay file's userInput cannot contain empty string.");
    return trimmed;
  });
  if (!locales.includes(file.locale)) {
    throw new ReplayFileError(
      `Locale ${file.locale} was not found for your skill. Ensure the locale you want to simulate exists in your publishingInformation.`,
    );
  }

  validateExtensions ??= new Ajv({ allErrors: false }).compile(extensionsSchema);
  if (!validateExtensions(file))
    throw new ReplayFileError(describeSchemaError(validateExtensions.errors?.[0] as ErrorObject));
  const { expect, simulate } = file as Extensions;
  // The same checks as the command line's --email and --name.
  const simulateProblem =
    (typeof simulate?.email === 'string' ? emailProblem(simulate.email) : undefined) ??
    (typeof simulate?.name === 'string' ? givenNameProblem(simulate.name) : undefined);
  if (simulateProblem) throw new ReplayFileError(`Replay file's simulate: ${simulateProblem}.`);
  if (expect) {
    const utterances = userInput.filter((input) => !isCommand(input)).length;
    if (expect.length !== utterances) {
      throw new ReplayFileError(
        `Replay file's expect has ${expect.length} entries but userInput has ${utterances} utterances: give one entry per utterance (commands such as .quit have none).`,
      );
    }
    expect.forEach((expectation, index) => {
      try {
        new RegExp(expectation.speech, 'iu');
      } catch (error) {
        throw new ReplayFileError(
          `Replay file's expect[${index}].speech is not a regular expression: ${(error as Error).message}`,
        );
      }
    });
  }
  return {
    path,
    skillId: file.skillId,
    locale: file.locale,
    userInput,
    ...(expect ? { expect } : {}),
    ...(simulate ? { simulate } : {}),
  };
}

/** Why the file cannot be read, in a sentence that says what to give instead. */
function whyUnreadable(path: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `There is no replay file at ${path}.`;
    case 'EISDIR': {
      const example = readdirSync(path)
        .sort()
        .find((name) => name.endsWith('.json'));
      return `${path} is a folder: give a replay file${example ? `, such as ${join(path, example)}` : ' (a .json file)'}.`;
    }
    case 'EACCES':
    case 'EPERM':
      return `The replay file ${path} cannot be read: permission denied.`;
    default:
      return `The replay file ${path} cannot be read (${error.code ?? error.message}).`;
  }
}

export function readReplayFile(path: string, locales?: readonly string[]): ReplayFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UnreadableReplayFile(whyUnreadable(path, error as NodeJS.ErrnoException));
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text it choked on, line breaks and all: one line, one sentence.
    const reason = (error as Error).message.replace(/\p{Cc}/gu, (control) => JSON.stringify(control).slice(1, -1));
    throw new UnreadableReplayFile(`The replay file ${path} is not JSON: ${withFullStop(reason)}`);
  }
  try {
    return parseReplayFile(content, path, locales);
  } catch (error) {
    throw error instanceof ReplayFileError ? new RefusedReplayFile(path, error) : error;
  }
}
