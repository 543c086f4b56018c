// The deployed skill as a conversation of the dialog simulator: each utterance goes through
// SMAPI's skill simulation and its result becomes a Turn, so a cloud run is checked and printed
// as an offline run is. Mails are the one thing it cannot show: they arrive in the real inbox.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { spokenText } from '../../testkit/bundle.ts';
import type { Conversation, Exchange, Turn } from '../simulator/conversation.ts';
import type { AskRunner } from './askCli.ts';
import { type CloudTarget, type SimulationResponse, simulateUtterance } from './cloudSimulation.ts';

/** As `ask dialog`: the first utterance opens a new session, and so does the next one after a session ended. */
export function startCloudConversation(ask: AskRunner, target: CloudTarget): Pick<Conversation, 'say' | 'finish'> {
  let newSession = true;
  return {
    async say(utterance) {
      const turn = turnFromSimulation(utterance, await simulateUtterance(ask, target, utterance, newSession));
      newSession = turn.sessionEnded;
      return turn;
    },
    // Alexa times an open session out on its own; SMAPI shows no request for it.
    finish: async () => undefined,
  };
}

function turnFromSimulation(utterance: string, simulation: SimulationResponse): Turn {
  const invocations = simulation.result?.skillExecutionInfo?.invocations ?? [];
  const exchanges: Exchange[] = invocations.map((invocation) => {
    const request = invocation.invocationRequest?.body as unknown as RequestEnvelope;
    const response = invocation.invocationResponse?.body as unknown as ResponseEnvelope | undefined;
    return { request, ...(response && Object.keys(response).length > 0 ? { response } : {}), logs: [] };
  });
  // Alexa's question to a name-free skill (CanFulfillIntentRequest) is not part of what the user hears.
  const responses = exchanges.flatMap((exchange) =>
    exchange.response?.response && exchange.request?.request?.type !== 'CanFulfillIntentRequest'
      ? [exchange.response]
      : [],
  );
  // What Alexa said, as `ask dialog` prints it; the skill's own speech when Alexa gives no caption.
  const captions = (simulation.result?.alexaExecutionInfo?.alexaResponses ?? []).flatMap((answer) =>
    answer.content?.caption ? [answer.content.caption] : [],
  );
  const skillSpeech = responses.map(spokenText).filter(Boolean);
  const speech = captions.length > 0 ? captions.join(' ') : skillSpeech.length > 0 ? skillSpeech.join(' ') : undefined;
  const card = responses
    .map((response) => response.response.card)
    .filter((found) => found !== undefined)
    .at(-1);
  // As offline: a session stays open only while the skill says shouldEndSession=false.
  const last = responses.at(-1);
  const sessionEnded =
    exchanges.some((exchange) => exchange.request?.request?.type === 'SessionEndedRequest') ||
    (last !== undefined && last.response.shouldEndSession !== false);
  return {
    user: utterance,
    exchanges,
    ...(speech !== undefined ? { speech } : {}),
    ...(card ? { card } : {}),
    mails: [],
    sessionEnded,
    ...(exchanges.length === 0 ? { note: 'Alexa answered without calling the skill.' } : {}),
  };
}
