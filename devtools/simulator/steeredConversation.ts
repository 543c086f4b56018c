// A conversation that can be steered while it runs, as the web console steers it: the locale, the
// simulated user and how SES answers change between turns with no restart (the stand-ins keep their
// URLs and switch behaviour; the skill's configuration does not depend on them), every turn and
// mail is kept, and what was said in the current world can be saved as a replay file.

import { type CapturedMail, SES_BEHAVIOURS, type SesBehaviourName } from '../../testkit/aws/ses/standIn.ts';
import { matcherFor } from '../interaction-model/matcher.ts';
import { skillLocales, skillName } from '../interaction-model/skillPackage.ts';
import type { Conversation, Turn } from './conversation.ts';
import type { SimulateSettings } from './replayFile.ts';
import { DEFAULT_USER, type SimulatedUser, type Simulator } from './simulator.ts';
import { DEFAULT_LOCALE, emailProblem, givenNameProblem, localeProblem, sesProblem } from './worldSettings.ts';

/** What the console shows besides the conversation, as GET /api/state answers it. */
export interface SteeredConversationState {
  readonly locale: string;
  readonly locales: readonly string[];
  readonly skillId: string;
  /** The skill's name in this locale ("Mail Sender", "メールセンダー"). */
  readonly skillName: string;
  /** Things to try saying in this locale: a one-shot request and a launch. */
  readonly examples: readonly string[];
  readonly user: SimulatedUser;
  readonly ses: SesBehaviourName;
  readonly sesBehaviours: readonly SesBehaviourName[];
  /** The skill's daily cap per user (0: none); set at start (--limit), since the skill reads it once. */
  readonly limit: number;
  readonly session: { readonly open: boolean; readonly attributes: Readonly<Record<string, unknown>> };
  /** How many utterances a replay file saved now would hold. */
  readonly recorded: number;
  readonly outboxUrl: string;
}

/** A change of world; what is left out stays as it is. */
export interface WorldChange {
  readonly locale?: string;
  readonly user?: Partial<SimulatedUser>;
  readonly ses?: string;
}

type SettingName = 'locale' | 'email' | 'givenName' | 'emailPermission' | 'ses';

/** A setting that cannot be used, with the sentence that says why. */
export class WorldChangeError extends Error {
  override readonly name = 'WorldChangeError';
  constructor(
    readonly setting: SettingName,
    problem: string,
  ) {
    super(`${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`);
  }
}

/** The replay file of what was said in the current world, as `ask dialog --replay` and our replays read it. */
interface ReplayFileContent {
  readonly skillId: string;
  readonly locale: string;
  readonly type: 'text';
  readonly userInput: readonly string[];
  readonly simulate?: SimulateSettings;
}

export interface SteeredConversation {
  state(): SteeredConversationState;
  /** Every turn so far, the closing ones of a session included, oldest first. */
  turns(): readonly Turn[];
  /** Every mail the skill sent, oldest first. */
  mails(): readonly CapturedMail[];
  say(utterance: string): Promise<Turn>;
  /** Changes the world; a change of locale first ends an open session, whose closing turn it returns. */
  configure(settings: WorldChange): Promise<Turn | undefined>;
  /** Ends the open session as a user walking away does; the next utterance starts a new one. */
  newSession(): Promise<Turn | undefined>;
  /** What was said since the world last changed, with the world as its "simulate" key (left out when it is the default). */
  replayFile(): ReplayFileContent;
}

interface SteeredConversationOptions {
  readonly locale?: string;
  readonly ses?: SesBehaviourName;
}

function checked(settings: WorldChange): void {
  const problems: [SettingName, string | undefined][] = [
    ['locale', settings.locale === undefined ? undefined : localeProblem(settings.locale)],
    ['email', typeof settings.user?.email === 'string' ? emailProblem(settings.user.email) : undefined],
    ['givenName', typeof settings.user?.givenName === 'string' ? givenNameProblem(settings.user.givenName) : undefined],
    ['ses', settings.ses === undefined ? undefined : sesProblem(settings.ses)],
  ];
  for (const [setting, problem] of problems) if (problem) throw new WorldChangeError(setting, problem);
}

/** The "simulate" key of a replay file for this world: only what differs from the defaults. */
function simulateKey(user: SimulatedUser, ses: SesBehaviourName): SimulateSettings | undefined {
  const simulate: SimulateSettings = {
    ...(user.email !== DEFAULT_USER.email ? { email: user.email } : {}),
    ...(user.givenName !== DEFAULT_USER.givenName ? { name: user.givenName } : {}),
    ...(user.emailPermission !== DEFAULT_USER.emailPermission ? { emailPermission: user.emailPermission } : {}),
    ...(ses !== 'accept' ? { ses } : {}),
  };
  return Object.keys(simulate).length > 0 ? simulate : undefined;
}

export function startSteeredConversation(
  simulator: Simulator,
  options: SteeredConversationOptions = {},
): SteeredConversation {
  // The simulator's own: the skill refuses a request carrying any other.
  const { skillId } = simulator;
  let ses: SesBehaviourName = options.ses ?? 'accept';
  let conversation: Conversation = simulator.converse({ locale: options.locale ?? DEFAULT_LOCALE, skillId });
  const turns: Turn[] = [];
  const mails: CapturedMail[] = [];
  let recorded: string[] = [];
  simulator.setSes(SES_BEHAVIOURS[ses]);

  // One request at a time, as one person talks to one device: the skill's log capture and the
  // session's state would not survive two turns running at once.
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const keep = (turn: Turn | undefined): Turn | undefined => {
    if (turn) {
      turns.push(turn);
      mails.push(...turn.mails);
    }
    return turn;
  };

  return {
    state() {
      const locale = conversation.locale;
      const matcher = matcherFor(locale);
      return {
        locale,
        locales: skillLocales(),
        skillId,
        skillName: skillName(locale) ?? matcher.invocationName,
        examples: matcher.examples(),
        user: simulator.user,
        ses,
        sesBehaviours: Object.keys(SES_BEHAVIOURS) as SesBehaviourName[],
        limit: simulator.limit,
        session: { open: conversation.inSession, attributes: conversation.sessionAttributes },
        recorded: recorded.length,
        outboxUrl: simulator.outboxUrl,
      };
    },
    turns: () => turns,
    mails: () => mails,
    say: (utterance) =>
      inTurn(async () => {
        const turn = await conversation.say(utterance);
        recorded.push(utterance);
        return keep(turn) as Turn;
      }),
    configure: (settings) =>
      inTurn(async () => {
        checked(settings);
        const world = () => JSON.stringify([conversation.locale, simulator.user, ses]);
        const before = world();
        let closing: Turn | undefined;
        if (settings.locale !== undefined && settings.locale !== conversation.locale) {
          closing = keep(await conversation.finish());
          conversation = simulator.converse({ locale: settings.locale, skillId });
        }
        if (settings.user) simulator.setUser({ ...simulator.user, ...settings.user });
        if (settings.ses !== undefined) {
          ses = settings.ses as SesBehaviourName;
          simulator.setSes(SES_BEHAVIOURS[ses]);
        }
        // A replay file has one world: what was said before a change would replay differently.
        if (world() !== before) recorded = [];
        return closing;
      }),
    newSession: () => inTurn(async () => keep(await conversation.finish())),
    replayFile() {
      const simulate = simulateKey(simulator.user, ses);
      return {
        skillId,
        locale: conversation.locale,
        type: 'text',
        // .quit, as `.record FILE --append-quit` adds, so that `ask dialog --replay` ends at the end of the file.
        userInput: [...recorded, '.quit'],
        ...(simulate ? { simulate } : {}),
      };
    },
  };
}
