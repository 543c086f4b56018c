// A stand-in for SMAPI's skill simulation API on loopback, for the real ASK CLI to talk to
// (ASK_SMAPI_SERVER_BASE_URL): POST /v2/skills/{skillId}/stages/{stage}/simulations starts a
// simulation, GET …/simulations/{id} returns its result in SMAPI's shape (ask-smapi-model
// v2.skill.simulations.SimulationsApiResponse). Behind it, the "deployed skill" is the
// offline simulator's conversation over the built bundle: Alexa's part (the interaction model
// and the session) and the Lambda's, so a cloud run can be compared with an offline one.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { v2 } from 'ask-smapi-model';
import type { Conversation, Turn } from '../../devtools/simulator/conversation.ts';
import type { Simulator } from '../../devtools/simulator/simulator.ts';
import { listenOnLoopback } from '../../testkit/loopback.ts';

export interface FakeSmapi {
  readonly url: string;
  /** "METHOD path authorization" of every request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

const SIMULATIONS = /^\/v2\/skills\/([^/]+)\/stages\/([^/]+)\/simulations(?:\/([^/?]+))?$/;

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function bodyOf(request: IncomingMessage): Promise<v2.skill.simulations.SimulationsApiRequest> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return JSON.parse(text) as v2.skill.simulations.SimulationsApiRequest;
}

function simulationResult(id: string, turn: Turn): v2.skill.simulations.SimulationsApiResponse {
  return {
    id,
    status: 'SUCCESSFUL',
    result: {
      alexaExecutionInfo: {
        alexaResponses: turn.speech !== undefined ? [{ type: 'Speech', content: { caption: turn.speech } }] : [],
      },
      skillExecutionInfo: {
        invocations: turn.exchanges.map((exchange) => ({
          invocationRequest: {
            endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:ask-mail-sender',
            body: exchange.request as unknown as Record<string, object>,
          },
          invocationResponse: { body: (exchange.response ?? {}) as unknown as Record<string, object> },
        })),
      },
    },
  };
}

export async function startFakeSmapi(simulator: Simulator): Promise<FakeSmapi> {
  const requests: string[] = [];
  const results = new Map<string, v2.skill.simulations.SimulationsApiResponse>();
  let conversation: Conversation | undefined;

  const simulate = async (skillId: string, body: v2.skill.simulations.SimulationsApiRequest): Promise<string> => {
    const locale = body.device.locale;
    if (body.session?.mode === 'FORCE_NEW_SESSION' || !conversation || conversation.locale !== locale) {
      await conversation?.finish();
      conversation = simulator.converse({ locale, skillId });
    }
    const id = randomUUID();
    results.set(id, simulationResult(id, await conversation.say(body.input.content)));
    return id;
  };

  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
    const route = SIMULATIONS.exec(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (!route) return send(response, 404, { message: 'Not a simulation resource.' });
    const [, skillId, , simulationId] = route;
    if (request.method === 'POST' && !simulationId) {
      bodyOf(request)
        .then((body) => simulate(decodeURIComponent(skillId!), body))
        .then((id) => send(response, 200, { id, status: 'IN_PROGRESS' }))
        .catch((error: unknown) => send(response, 500, { message: (error as Error).message }));
      return;
    }
    const result = request.method === 'GET' && simulationId ? results.get(simulationId) : undefined;
    return result ? send(response, 200, result) : send(response, 404, { message: `No simulation ${simulationId}.` });
  });
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    requests,
    close: listener.close,
  };
}
