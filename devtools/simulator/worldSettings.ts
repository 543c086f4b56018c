// The simulated world a conversation runs in (locale, the user's profile, how SES answers, the daily cap), checked
// the same way wherever it is set: the command line of `npm start` and `npm run console`, a replay
// file's "simulate" key, and the console's settings.

import {
  DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY,
  ENV,
  isPlausibleAddress,
  MAIL_LIMIT_RULE,
  parseMailLimit,
} from '../../lambda/config.ts';
import { ASK_STATES_FILE, readSkillId } from '../../ops/askStates.ts';
import { UsageError } from '../../ops/cli.ts';
import { isSesBehaviourName, SES_BEHAVIOURS, type SesBehaviourName } from '../../testkit/aws/ses/modes.ts';
import { LOCAL_SKILL_ID } from '../../testkit/envelopes.ts';
import { skillLocales } from '../interaction-model/skillPackage.ts';

export const DEFAULT_LOCALE = 'en-US';

export interface SimulatedUser {
  /** The profile's email address; null when the profile has none. */
  readonly email: string | null;
  /** The profile's given name; null when it has none. */
  readonly givenName: string | null;
  /** False when the user has not granted the skill the email (and name) permission. */
  readonly emailPermission: boolean;
}

export const DEFAULT_USER: SimulatedUser = { email: 'you@example.com', givenName: 'Alex', emailPermission: true };

// A name Alexa would read out; long enough for any real given name, short enough to keep a card readable.
const NAME_MAX_CHARS = 60;

/** Why `value` cannot be the simulated user's address, or undefined when it can. */
export function emailProblem(value: string): string | undefined {
  if (!value.trim()) return 'an address is needed, such as you@example.com';
  return isPlausibleAddress(value) ? undefined : `"${value}" is not an email address, such as you@example.com`;
}

/** Why `value` cannot be the simulated user's given name, or undefined when it can. */
export function givenNameProblem(value: string): string | undefined {
  if (!value.trim()) return 'a given name cannot be blank';
  if (/\p{Cc}/u.test(value)) return 'a given name cannot hold control characters';
  if (Array.from(value).length > NAME_MAX_CHARS) return `a given name can have at most ${NAME_MAX_CHARS} characters`;
  return undefined;
}

export function localeProblem(value: string): string | undefined {
  const locales = skillLocales();
  return locales.includes(value) ? undefined : `${value} is not a locale of the skill: use ${locales.join(' or ')}`;
}

export function sesProblem(value: string): string | undefined {
  return isSesBehaviourName(value)
    ? undefined
    : `${value} is not an SES behaviour: use one of ${Object.keys(SES_BEHAVIOURS).join(', ')}`;
}

/** The flags both `npm start` and `npm run console` take to set up the world, for parseCommandLine. */
export const WORLD_FLAGS = {
  locale: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  'no-email': { type: 'boolean', default: false },
  'no-email-permission': { type: 'boolean', default: false },
  ses: { type: 'string' },
  limit: { type: 'string' },
  'skill-id': { type: 'string' },
  'bundle-dir': { type: 'string' },
  hosted: { type: 'boolean', default: false },
} as const;

export const WORLD_FLAGS_USAGE = `  --locale LOCALE         ${skillLocales().join(' or ')} (default: ${DEFAULT_LOCALE})
  --email ADDRESS         the simulated user's profile email (default: ${DEFAULT_USER.email})
  --name NAME             the simulated user's given name (default: ${DEFAULT_USER.givenName})
  --no-email              the profile has no email address
  --no-email-permission   the user has not granted the skill the email permission
  --ses BEHAVIOUR         how the local SES answers (default: accept): ${Object.keys(SES_BEHAVIOURS).join(', ')}
  --limit N               the skill's daily cap per user, counted in memory (default:
                          ${ENV.mailLimitPerUserPerDay}, else ${DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY}; 0: none)
  --skill-id ID           the local skill's SKILL_ID and the ID in every request (default:
                          SKILL_ID, else the deployed skill's, from .ask/ask-states.json,
                          else a local ID)
  --bundle-dir DIR        build and load the skill bundle in DIR (default: dist/lambda)
  --hosted                run the bundle npm run hosted exports, as an Alexa-hosted skill runs it:
                          sending through a role it assumes with the fake AWS's STS, counting
                          in the hosted skill's table (default --bundle-dir: dist/hosted)`;

interface WorldFlagValues {
  readonly locale?: string | undefined;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly 'no-email': boolean;
  readonly 'no-email-permission': boolean;
  readonly ses?: string | undefined;
  readonly limit?: string | undefined;
  readonly 'skill-id'?: string | undefined;
  readonly 'bundle-dir'?: string | undefined;
  readonly hosted?: boolean;
}

/** The world the flags set; what they leave out is left to the default (or, replaying, to the file). */
export interface WorldSettings {
  readonly locale?: string;
  readonly user: Partial<SimulatedUser>;
  readonly ses?: SesBehaviourName;
  /** MAIL_LIMIT_PER_USER_PER_DAY for the skill: the bundle reads it once, so it is set at start only. */
  readonly limit?: number;
  readonly skillId?: string;
  readonly bundleDir?: string;
  readonly hosted?: true;
}

/**
 * The local skill's SKILL_ID, which every request carries too (the skill refuses any other, as in
 * Lambda): the world's (--skill-id, SKILL_ID), else `fromReplayFile`, else the deployed skill's
 * (which `ask deploy` recorded), else the local placeholder ID.
 */
export async function localSkillId(world: WorldSettings, fromReplayFile?: string): Promise<string> {
  return world.skillId ?? fromReplayFile ?? (await readSkillId(ASK_STATES_FILE, 'default')).skillId ?? LOCAL_SKILL_ID;
}

/** The limits the skill runs with, in a sentence for the start of a session. */
export function describeLimits(limit: number, hosted = false): string {
  // A hosted skill counts in its own persistence table, as it will on Amazon's Lambda.
  const where = hosted ? "in the hosted skill's table (dynalite here)" : 'in memory';
  const cap =
    limit === 0
      ? 'no daily cap (--limit 0)'
      : `at most ${limit} mail${limit === 1 ? '' : 's'} a day per Alexa user (a UTC day), counted ${where}`;
  return `Abuse limits: ${cap}; the same mail asked again within a minute is sent once.`;
}

/** --limit, else the variable the skill itself reads; undefined when neither is set. */
function limitFrom(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): number | undefined {
  const [text, source] =
    flag !== undefined ? [flag, '--limit'] : [env[ENV.mailLimitPerUserPerDay], ENV.mailLimitPerUserPerDay];
  if (text === undefined || !text.trim()) return undefined;
  const limit = parseMailLimit(text);
  if (limit === undefined) throw new UsageError(`${source}: "${text}" is not ${MAIL_LIMIT_RULE}.`);
  return limit;
}

/** Checks the world flags; a wrong one is a UsageError of one sentence. */
export function worldFromFlags(
  values: WorldFlagValues,
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorldSettings {
  const refuse = (flag: string, problem: string | undefined) => {
    if (problem) throw new UsageError(`--${flag}: ${problem}.`);
  };
  if (values.locale !== undefined) refuse('locale', localeProblem(values.locale));
  if (values.email !== undefined && values['no-email'])
    throw new UsageError('--email and --no-email contradict each other: give one.');
  if (values.email !== undefined) refuse('email', emailProblem(values.email));
  if (values.name !== undefined) refuse('name', givenNameProblem(values.name));
  if (values.ses !== undefined) refuse('ses', sesProblem(values.ses));
  if (values['skill-id'] !== undefined && !values['skill-id'].trim())
    throw new UsageError('--skill-id needs a skill ID, such as amzn1.ask.skill.00000000-0000-0000-0000-000000000000.');
  // The variable the skill itself reads, as for --limit: what a shell set up for `ask deploy` holds.
  const skillId = values['skill-id'] ?? (env[ENV.skillId]?.trim() || undefined);
  if (values['bundle-dir'] !== undefined && !values['bundle-dir'].trim())
    throw new UsageError('--bundle-dir needs a folder, such as dist/lambda.');
  const ses = values.ses;
  const limit = limitFrom(values.limit, env);
  return {
    ...(values.locale !== undefined ? { locale: values.locale } : {}),
    user: {
      ...(values.email !== undefined ? { email: values.email } : {}),
      ...(values['no-email'] ? { email: null } : {}),
      ...(values.name !== undefined ? { givenName: values.name } : {}),
      ...(values['no-email-permission'] ? { emailPermission: false } : {}),
    },
    ...(ses !== undefined && isSesBehaviourName(ses) ? { ses } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(skillId !== undefined ? { skillId } : {}),
    ...(values['bundle-dir'] !== undefined ? { bundleDir: values['bundle-dir'] } : {}),
    ...(values.hosted ? { hosted: true as const } : {}),
  };
}
