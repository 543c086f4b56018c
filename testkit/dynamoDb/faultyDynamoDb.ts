// A DynamoDB endpoint that fails the way a real one can: never answering, or answering with
// throttling (ThrottlingException, ProvisionedThroughputExceededException) or an internal error,
// as DynamoDB words them; from the first request, or after passing some on to a real one. A
// refused connection is testkit/loopback.ts's. And one endpoint that passes each request on to
// the DynamoDB of the key it is signed with: the SDK takes a single endpoint from the process's
// environment, and skills tested at once in one process each need a DynamoDB of their own.

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { DYNAMODB_NAMESPACE } from '../aws/dynamoDb.ts';
import { answerJsonError } from '../aws/jsonProtocol.ts';
import { AwsError } from '../aws/protocol.ts';
import { credentialScope } from '../aws/signature.ts';
import { listenOnLoopback } from '../loopback.ts';

const FAULTS = {
  throttling: () => new AwsError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.'),
  'throughput-exceeded': () =>
    new AwsError(
      'ProvisionedThroughputExceededException',
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    ),
  'internal-error': () => new AwsError('InternalServerError', 'Internal server error', 500, 'Receiver'),
} as const;

export type DynamoDbFault = keyof typeof FAULTS | 'hang';

export interface FaultyDynamoDb {
  readonly url: string;
  /** The X-Amz-Target of every request received, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

interface FaultOptions {
  /** Pass this many requests on to `upstream` (a working DynamoDB) before failing. */
  readonly after?: { readonly requests: number; readonly upstream: string };
}

/**
 * Forwards one request as it came, signature and all, and its answer back; addressed to the
 * upstream's own name, which is all it answers to (dynalite checks no signature).
 */
function forward(request: IncomingMessage, response: ServerResponse, upstream: string): void {
  const target = new URL(request.url ?? '/', upstream);
  const headers = { ...request.headers, host: target.host };
  const outgoing = httpRequest(target, { method: request.method, headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  outgoing.on('error', () => response.destroy());
  request.pipe(outgoing);
}

export async function startFaultyDynamoDb(fault: DynamoDbFault, options: FaultOptions = {}): Promise<FaultyDynamoDb> {
  const requests: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(String(request.headers['x-amz-target'] ?? ''));
    if (options.after && requests.length <= options.after.requests) {
      forward(request, response, options.after.upstream);
      return;
    }
    request.resume();
    if (fault === 'hang') return;
    request.on('end', () => answerJsonError(response, DYNAMODB_NAMESPACE, FAULTS[fault]()));
  });
  const listener = await listenOnLoopback(server);
  return { url: listener.url, requests, close: listener.close };
}

export interface DynamoDbByKey {
  /** The endpoint for AWS_ENDPOINT_URL_DYNAMODB. */
  readonly url: string;
  /** Passes the requests signed with `accessKeyId` on to `upstream` (a DynamoDB's url) from now on. */
  route(accessKeyId: string, upstream: string): void;
  close(): Promise<void>;
}

/** Passes each request on as it came, to the DynamoDB routed for its key: neither kind checks signatures. */
export async function startDynamoDbByKey(): Promise<DynamoDbByKey> {
  const upstreams = new Map<string, string>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const upstream = upstreams.get(credentialScope(request)?.accessKeyId ?? '');
    if (upstream) forward(request, response, upstream);
    else
      answerJsonError(
        response,
        DYNAMODB_NAMESPACE,
        new AwsError('UnrecognizedClientException', 'No DynamoDB is routed for this key.', 400),
      );
  });
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    route: (accessKeyId, upstream) => void upstreams.set(accessKeyId, upstream),
    close: listener.close,
  };
}
