// One conversation with the skill, turn by turn, as Alexa runs it: complete request envelopes,
// and a session that stays open only while a response says shouldEndSession=false.

import { randomUUID } from 'node:crypto';
import type { canfulfill, RequestEnvelope, ResponseEnvelope, ui } from 'ask-sdk-model';
import type { CapturedMail } from '../../testkit/aws/ses/standIn.ts';
import { spokenText } from '../../testkit/bundle.ts';
import {
  canFulfillRequest,
  type EnvelopeOptions,
  intentRequest,
  launchRequest,
  sessionEndedRequest,
} from '../../testkit/envelopes.ts';
import type { Matcher, Resolution } from '../interaction-model/matcher.ts';
import type { LocalLambda } from './localLambda.ts';

export interface Exchange {
  readonly request: RequestEnvelope;
  /** Absent when the handler threw. */
  readonly response?: ResponseEnvelope;
  readonly error?: string;
  /** The skill's log lines for this request. */
  readonly logs: readonly string[];
}

export interface Turn {
  /** What the user said; null for what happens without them (the session timing out). */
  readonly user: string | null;
  readonly resolution?: Resolution;
  /** Requests sent to the skill for this line, in order, with their responses. */
  readonly exchanges: readonly Exchange[];
  /** What Alexa said, SSML removed; undefined when she said nothing. */
  readonly speech?: string;
  readonly card?: ui.Card;
  /** Mails the skill sent during this turn, in the order they arrived. */
  readonly mails: readonly CapturedMail[];
  /** True when the session ended on this turn. */
  readonly sessionEnded: boolean;
  /** What the simulator has to say when the words never reached the skill. */
  readonly note?: string;
}

export interface Conversation {
  readonly locale: string;
  readonly inSession: boolean;
  /** The open session's attributes, as the skill last returned them; empty outside a session. */
  readonly sessionAttributes: Readonly<Record<string, unknown>>;
  say(utterance: string): Promise<Turn>;
  /** The user walks away: an open session times out and Alexa sends SessionEndedRequest. */
  finish(): Promise<Turn | undefined>;
}

interface ConversationOptions {
  readonly lambda: LocalLambda;
  readonly matcher: Matcher;
  readonly skillId: string;
  readonly profileApiUrl: string;
  readonly takeNewMails: () => Promise<CapturedMail[]>;
  /** The name shown in notes ("That is not for Mail Sender …"). */
  readonly skillName?: string | undefined;
  /** Whether the simulated user granted the skill its permissions (default: yes). */
  readonly hasConsent?: () => boolean;
}

/** What an Alexa device says when a skill fails to answer. */
export const SKILL_DID_NOT_ANSWER = "There was a problem with the requested skill's response";

type SessionEndReason = NonNullable<Parameters<typeof sessionEndedRequest>[0]>;

interface Session {
  readonly sessionId: string;
  readonly apiAccessToken: string;
  attributes: Record<string, unknown>;
  isNew: boolean;
}

export function startConversation(options: ConversationOptions): Conversation {
  const { lambda, matcher, skillId, profileApiUrl, takeNewMails } = options;
  const locale = matcher.locale;
  const skillName = options.skillName ?? matcher.invocationName;
  const userId = `amzn1.ask.account.LOCAL-${randomUUID()}`;
  const deviceId = `amzn1.ask.device.LOCAL-${randomUUID()}`;
  let session: Session | undefined;

  const openSession = (): Session => {
    session = {
      sessionId: `amzn1.echo-api.session.${randomUUID()}`,
      apiAccessToken: `local-api-access-token-${randomUUID()}`,
      attributes: {},
      isNew: true,
    };
    return session;
  };

  const envelopeOptions = (current: Session | undefined): EnvelopeOptions => ({
    locale,
    skillId,
    userId,
    deviceId,
    apiEndpoint: profileApiUrl,
    consentToken: (options.hasConsent?.() ?? true) ? `local-consent-token-${userId}` : null,
    ...(current
      ? {
          sessionId: current.sessionId,
          apiAccessToken: current.apiAccessToken,
          newSession: current.isNew,
          attributes: current.attributes,
        }
      : { apiAccessToken: `local-api-access-token-${randomUUID()}` }),
  });

  const send = async (request: RequestEnvelope): Promise<Exchange> => {
    const { outcome, logs } = await lambda.invoke(request);
    return outcome.ok ? { request, response: outcome.response, logs } : { request, error: outcome.error.message, logs };
  };

  /** "exit", a handler error or walking away: Alexa forgets the session, then tells the skill why it ended. */
  const endSession = (current: Session, reason: SessionEndReason): Promise<Exchange> => {
    session = undefined;
    return send(sessionEndedRequest(reason, envelopeOptions(current)));
  };

  /** Sends a request inside the current session and applies the response to it. */
  const exchangeInSession = async (
    current: Session,
    build: (options: EnvelopeOptions) => RequestEnvelope,
  ): Promise<Exchange[]> => {
    const exchange = await send(build(envelopeOptions(current)));
    current.isNew = false;
    const exchanges = [exchange];
    const response = exchange.response?.response;
    if (exchange.response?.sessionAttributes) current.attributes = { ...exchange.response.sessionAttributes };
    if (!exchange.response) {
      // A failed invocation ends the session, and Alexa tells the skill so.
      exchanges.push(await endSession(current, 'ERROR'));
    } else if (response?.shouldEndSession !== false) {
      // Absent or true: on a voice device the session ends with this answer.
      session = undefined;
    }
    return exchanges;
  };

  const turnFromExchanges = async (
    user: string | null,
    resolution: Resolution | undefined,
    exchanges: Exchange[],
    note?: string,
  ): Promise<Turn> => {
    const main = exchanges.find((exchange) => exchange.request.request.type !== 'CanFulfillIntentRequest');
    const speech = main?.response
      ? spokenText(main.response)
      : main?.error !== undefined
        ? SKILL_DID_NOT_ANSWER
        : undefined;
    const card = main?.response?.response.card;
    return {
      user,
      ...(resolution ? { resolution } : {}),
      exchanges,
      ...(speech ? { speech } : {}),
      ...(card ? { card } : {}),
      mails: await takeNewMails(),
      sessionEnded: main !== undefined && session === undefined,
      ...(note ? { note } : {}),
    };
  };

  const say = async (utterance: string): Promise<Turn> => {
    const resolution = matcher.resolve(utterance, { inSession: session !== undefined });
    switch (resolution.kind) {
      case 'launch':
        return turnFromExchanges(utterance, resolution, await exchangeInSession(openSession(), launchRequest));
      case 'intent': {
        const current = resolution.oneShot || !session ? openSession() : session;
        return turnFromExchanges(
          utterance,
          resolution,
          await exchangeInSession(current, (sessionOptions) =>
            intentRequest(resolution.intent, resolution.slots, sessionOptions),
          ),
        );
      }
      case 'exit': {
        const current = session;
        if (!current) return turnFromExchanges(utterance, resolution, []);
        return turnFromExchanges(utterance, resolution, [await endSession(current, 'USER_INITIATED')]);
      }
      case 'name-free': {
        // Alexa asks the skill first whether it can fulfil the request, and only sends it on a YES.
        const question = await send(canFulfillRequest(resolution.intent, resolution.slots, envelopeOptions(undefined)));
        const answer = (question.response?.response as { canFulfillIntent?: canfulfill.CanFulfillIntent } | undefined)
          ?.canFulfillIntent;
        if (answer?.canFulfill !== 'YES') {
          const note = `Alexa asked ${skillName} whether it can do that (CanFulfillIntentRequest) and it answered ${answer?.canFulfill ?? 'nothing'}; name it to be sure: "${matcher.examples()[0]}".`;
          return turnFromExchanges(utterance, resolution, [question], note);
        }
        const exchanges = await exchangeInSession(openSession(), (sessionOptions) =>
          intentRequest(resolution.intent, resolution.slots, sessionOptions),
        );
        return turnFromExchanges(utterance, resolution, [question, ...exchanges]);
      }
      case 'not-for-skill': {
        const [oneShot, launch] = matcher.examples();
        return turnFromExchanges(
          utterance,
          resolution,
          [],
          `That is not for ${skillName}: no session is open, so start with its name, for example "${oneShot}" or "${launch}".`,
        );
      }
    }
  };

  return {
    locale,
    get inSession() {
      return session !== undefined;
    },
    get sessionAttributes() {
      return session?.attributes ?? {};
    },
    say,
    async finish() {
      if (!session) return undefined;
      return turnFromExchanges(null, undefined, [await endSession(session, 'EXCEEDED_MAX_REPROMPTS')]);
    },
  };
}
