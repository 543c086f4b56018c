// What the build's code cache training talks to: one loopback server that answers as SES does to
// SendEmail, as DynamoDB does to the limit table's UpdateItem and as the Customer Profile API does
// to a request for the address, and the two requests the training run answers. The project's test
// stand-ins live in testkit/, which ops/ may not import; these answer just enough for one
// LaunchRequest and one mail.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SEND_EMAIL_INTENT } from '../../lambda/intents.ts';

export interface TrainingStandIns {
  /** For AWS_ENDPOINT_URL_SES and a request's context.System.apiEndpoint. */
  readonly url: string;
  close(): Promise<void>;
}

const SES_ANSWER = (action: string) =>
  `<${action}Response xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><${action}Result><MessageId>training-${randomUUID()}</MessageId></${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;

export const TRAINING_ADDRESS = 'training-user@example.com';
export const TRAINING_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000';

export async function startTrainingStandIns(): Promise<TrainingStandIns> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.method === 'POST' && request.headers['x-amz-target']) {
        // DynamoDB, when the deploy build embeds a limit table: the reservation is allowed.
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
      } else if (request.method === 'POST') {
        const action = new URLSearchParams(body).get('Action') ?? 'SendEmail';
        response.writeHead(200, { 'content-type': 'text/xml' }).end(SES_ANSWER(action));
      } else if (request.url?.endsWith('/Profile.email')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(TRAINING_ADDRESS));
      } else {
        // No given name on this profile, as the benchmark's profile has none.
        response.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function envelope(apiEndpoint: string, request: Record<string, unknown>): Record<string, unknown> {
  const application = { applicationId: TRAINING_SKILL_ID };
  const user = { userId: 'amzn1.ask.account.training' };
  return {
    version: '1.0',
    session: { new: true, sessionId: `amzn1.echo-api.session.${randomUUID()}`, application, user, attributes: {} },
    context: {
      System: {
        application,
        user,
        device: { deviceId: 'amzn1.ask.device.training', supportedInterfaces: {} },
        apiEndpoint,
        apiAccessToken: 'training-token',
      },
    },
    request: {
      requestId: `amzn1.echo-api.request.${randomUUID()}`,
      timestamp: new Date().toISOString(),
      locale: 'en-US',
      ...request,
    },
  };
}

/** What a container's first process answers most: a LaunchRequest, and a SendEmailIntent that sends a mail. */
export function trainingRequests(apiEndpoint: string): Record<string, unknown>[] {
  return [
    envelope(apiEndpoint, { type: 'LaunchRequest' }),
    envelope(apiEndpoint, {
      type: 'IntentRequest',
      dialogState: 'COMPLETED',
      intent: { name: SEND_EMAIL_INTENT, confirmationStatus: 'NONE', slots: {} },
    }),
  ];
}
