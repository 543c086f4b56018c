// Everything a conversation with the skill needs, on loopback and with no account: the SES
// stand-in (switchable, to make sending fail on purpose; its outbox page shows each mail), a
// Customer Profile API, and the built skill.

import { DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY, ENV } from '../../lambda/config.ts';
import { shownPath } from '../../ops/paths.ts';
import {
  type CapturedMail,
  type SesBehaviour,
  type SesStandIn,
  startSesStandIn,
} from '../../testkit/aws/ses/standIn.ts';
import { LOCAL_SKILL_ID } from '../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../testkit/profileApi.ts';
import { matcherFor } from '../interaction-model/matcher.ts';
import { skillName } from '../interaction-model/skillPackage.ts';
import { type Conversation, startConversation } from './conversation.ts';
import { type LocalLambda, startLocalLambda } from './localLambda.ts';
import { DEFAULT_USER, type SimulatedUser } from './worldSettings.ts';

// Defined with the world's settings, which the command line reads before any server is loaded;
// offered here too, beside the simulator that takes them.
export { DEFAULT_USER, type SimulatedUser };

/** The sender the local skill is configured with; the outbox accepts any address. */
const LOCAL_FROM_ADDRESS = 'mail-sender@example.com';

export interface Simulator {
  /** The skill's SKILL_ID: a conversation with any other ID is refused, as in Lambda. */
  readonly skillId: string;
  /** The skill's daily cap per user (0: none), counted in the bundle's memory. */
  readonly limit: number;
  /** The outbox page, which shows every mail the skill sent. */
  readonly outboxUrl: string;
  /** The Customer Profile API base URL, for context.System.apiEndpoint. */
  readonly profileApiUrl: string;
  readonly lambda: LocalLambda;
  readonly user: SimulatedUser;
  setUser(user: SimulatedUser): void;
  setSes(behaviour: SesBehaviour): void;
  /** Mails the outbox received since the last call, in the order they arrived. */
  takeNewMails(): Promise<CapturedMail[]>;
  /** A new conversation with the skill in a locale of the skill package. */
  converse(options: { readonly locale: string; readonly skillId: string }): Conversation;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  /** The skill's SKILL_ID (default: the local placeholder ID); a conversation with another ID is refused, as in Lambda. */
  readonly skillId?: string;
  /** MAIL_LIMIT_PER_USER_PER_DAY (default: the skill's own, 10). */
  readonly limit?: number;
  readonly user?: SimulatedUser;
  readonly ses?: SesBehaviour;
  /** Where the skill bundle is built (default dist/lambda; with `hosted`, dist/hosted). */
  readonly bundleDir?: string;
  /** Run the bundle `npm run hosted` exports, as an Alexa-hosted skill runs it (hostedSkill.ts). */
  readonly hosted?: boolean;
  /** How long Alexa waits for the skill (default ALEXA_DEADLINE_MS, 8 s). */
  readonly deadlineMs?: number;
  /** Progress lines while starting ("Checking the skill bundle…"). */
  readonly progress?: (line: string) => void;
}

function profileBehaviour(user: SimulatedUser) {
  return user.emailPermission
    ? { email: user.email, givenName: user.givenName }
    : { email: user.email, givenName: user.givenName, emailStatus: 403, givenNamePermission: false };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const progress = options.progress ?? (() => undefined);
  let user = options.user ?? DEFAULT_USER;
  const skillId = options.skillId ?? LOCAL_SKILL_ID;
  const limit = options.limit ?? DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY;

  progress('Starting the local SES outbox and Customer Profile API…');
  const started: { close(): Promise<void> }[] = [];
  try {
    // Loaded only for --hosted: it brings the whole fake AWS (IAM, STS, dynalite), which an ordinary
    // session never uses and would load on every `npm start`.
    const hosted = options.hosted
      ? await (await import('./hostedSkill.ts')).startHostedSkill({
          skillId,
          fromAddress: LOCAL_FROM_ADDRESS,
          limit,
          dir: options.bundleDir,
          progress,
        })
      : undefined;
    if (hosted) started.push(hosted);
    const ses: SesStandIn = hosted?.ses ?? (await startSesStandIn(options.ses ? { behaviour: options.ses } : {}));
    if (hosted && options.ses) ses.set(options.ses);
    if (!hosted) started.push(ses);
    const profile: ProfileApi = await startProfileApi(profileBehaviour(user));
    started.push(profile);

    progress('Checking the skill bundle (it is rebuilt when lambda/ changed)…');
    const lambda = await startLocalLambda({
      outDir: options.bundleDir,
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(hosted ? { bundleFile: hosted.bundleFile } : {}),
      environment: hosted?.environment ?? {
        // The key the SES stand-in verifies signatures with, and the loopback origin of the profile API.
        ...LOCAL_SKILL_ENVIRONMENT,
        [ENV.fromAddress]: LOCAL_FROM_ADDRESS,
        [ENV.skillId]: skillId,
        // Counted in the bundle's memory: a limit table named in this shell would be asked in AWS.
        [ENV.mailLimitPerUserPerDay]: String(limit),
        [ENV.mailLimitTable]: '',
        AWS_ENDPOINT_URL_SES: ses.url,
        // Lambda runs nodejs22.x, so the SDK's warning about this machine's Node 20 does not apply to what is simulated.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    progress(`${lambda.rebuilt ? 'Built' : 'Using'} ${shownPath(lambda.bundlePath)}.`);

    let seenMails = (await ses.mails()).length;
    const takeNewMails = async (): Promise<CapturedMail[]> => {
      const mails = await ses.mails();
      const fresh = mails.slice(seenMails);
      seenMails = mails.length;
      return fresh;
    };
    return {
      skillId,
      limit,
      outboxUrl: ses.outboxUrl,
      profileApiUrl: profile.url,
      lambda,
      get user() {
        return user;
      },
      setUser(next) {
        user = next;
        profile.set(profileBehaviour(next));
      },
      setSes(next) {
        ses.set(next);
      },
      takeNewMails,
      converse: ({ locale, skillId }) =>
        startConversation({
          lambda,
          matcher: matcherFor(locale),
          skillId,
          profileApiUrl: profile.url,
          takeNewMails,
          skillName: skillName(locale),
          hasConsent: () => user.emailPermission,
        }),
      close: async () => {
        await Promise.all(started.map((server) => server.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.close()));
    throw error;
  }
}
