// The AWS JSON 1.0 protocol, as DynamoDB speaks it: the action in X-Amz-Target, a JSON body in,
// JSON out, and errors as {"__type", "message"} under the names JSON services give them.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, type RequestContext } from './protocol.ts';

/** One API action of a fake JSON service: reads the input, changes `state`, returns the output. */
type JsonAction<State> = (state: State, input: JsonInput, context: RequestContext) => Record<string, unknown>;

/** A fake JSON service's actions by name: adding an action is adding a row. */
export type JsonActions<State> = Readonly<Record<string, JsonAction<State>>>;

/** The parsed body of one request, with AWS's own answer to a missing member. */
export class JsonInput {
  constructor(readonly body: Readonly<Record<string, unknown>>) {}

  static parse(body: Buffer): JsonInput {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
    }
    return new JsonInput(parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {});
  }

  optional<T>(name: string): T | undefined {
    return this.body[name] as T | undefined;
  }

  required<T>(name: string): T {
    const value = this.body[name];
    if (value === undefined || value === null || value === '')
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
      );
    return value as T;
  }

  /** The top-level members as the fake's call log keeps them: strings as they are, the rest as JSON. */
  flat(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.body).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    );
  }
}

/** "DynamoDB_20120810.CreateTable" → "CreateTable"; '' when the header is missing. */
export function jsonTarget(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.slice(value.indexOf('.') + 1) ?? '';
}

export function runJsonAction<State>(
  actions: JsonActions<State>,
  state: State,
  action: string,
  input: JsonInput,
  context: RequestContext,
): Record<string, unknown> {
  const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (!handler) throw new AwsError('UnknownOperationException', `Unknown operation ${action}.`);
  return handler(state, input, context);
}

// What the query services call these errors, as the JSON services name them.
const JSON_ERROR_NAMES: Readonly<Record<string, string>> = {
  AccessDenied: 'AccessDeniedException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
};

export function answerJson(response: ServerResponse, status: number, value: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'local' })
    .end(JSON.stringify(value));
}

/** The error as a JSON service answers it, under `namespace` (com.amazonaws.dynamodb.v20120810 …). */
export function answerJsonError(response: ServerResponse, namespace: string, error: AwsError): void {
  const name = JSON_ERROR_NAMES[error.code] ?? error.code;
  answerJson(response, error.status === 403 ? 400 : error.status, {
    __type: `${namespace}#${name}`,
    message: error.message,
  });
}
