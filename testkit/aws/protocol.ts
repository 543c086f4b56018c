// The AWS Query protocol, as IAM, SES (v1) and STS speak it: form-encoded parameters in,
// XML out, and the ErrorResponse document with the HTTP status each error code carries.
// Only what the fake services need: scalar members, `member` lists, `entry` maps; and the
// shape every fake service's actions share, so each service is a table of its actions.

import { randomUUID } from 'node:crypto';

/** An error answered the way AWS answers it; `status` is the code's documented HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** The identity that signed a request, as GetCallerIdentity reports it. */
export interface Caller {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

/** What an action may need beyond its parameters: the region it was sent to and who sent it. */
export interface RequestContext {
  readonly region: string;
  readonly caller: Caller;
}

/** One API action of a fake service: reads the parameters, changes `state`, returns the result members. */
type QueryAction<State> = (state: State, params: QueryParams, context: RequestContext) => Record<string, XmlValue>;

/** A fake service's actions by name: adding an action is adding a row. */
export type QueryActions<State> = Readonly<Record<string, QueryAction<State>>>;

const invalidAction = (action: string) =>
  new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`, 400);

/** Runs the named action of a table; an action it lacks (or an inherited name such as `toString`) is refused. */
export function runAction<State>(
  actions: QueryActions<State>,
  state: State,
  action: string,
  params: QueryParams,
  context: RequestContext,
  unknownAction: (action: string) => AwsError = invalidAction,
): Record<string, XmlValue> {
  const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (!handler) throw unknownAction(action);
  return handler(state, params, context);
}

/** Reads `Name`, `Name.member.N` and `Name.member.N.Field` parameters of one request. */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  get action(): string {
    return this.params.get('Action') ?? '';
  }

  optional(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  required(name: string): string {
    const value = this.params.get(name);
    if (value === null || value === '') {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  /** `Name.member.1`, `Name.member.2` … in order. */
  list(name: string): string[] {
    const values: string[] = [];
    for (let index = 1; this.params.has(`${name}.member.${index}`); index++)
      values.push(this.params.get(`${name}.member.${index}`) ?? '');
    return values;
  }

  /** `Name.member.1.Key`, `Name.member.1.Value` … as records, in order. */
  structures(name: string): Record<string, string>[] {
    const records: Record<string, string>[] = [];
    for (let index = 1; ; index++) {
      const prefix = `${name}.member.${index}.`;
      const record: Record<string, string> = {};
      for (const [key, value] of this.params) if (key.startsWith(prefix)) record[key.slice(prefix.length)] = value;
      if (Object.keys(record).length === 0) return records;
      records.push(record);
    }
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A Query-protocol map (`<entry><key/><value/></entry>`), as opposed to a structure. */
export class XmlMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, XmlValue]>) {}
}

export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | undefined
  | XmlMap
  | readonly XmlValue[]
  | { readonly [member: string]: XmlValue };

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function toXml(tag: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return `<${tag}>${value.toISOString()}</${tag}>`;
  if (typeof value !== 'object') return `<${tag}>${escapeXml(String(value))}</${tag}>`;
  if (value instanceof XmlMap) {
    return `<${tag}>${value.entries.map(([key, entry]) => `<entry>${toXml('key', key)}${toXml('value', entry)}</entry>`).join('')}</${tag}>`;
  }
  if (Array.isArray(value)) return `<${tag}>${value.map((item: XmlValue) => toXml('member', item)).join('')}</${tag}>`;
  const members = Object.entries(value as Record<string, XmlValue>);
  return `<${tag}>${members.map(([name, member]) => toXml(name, member)).join('')}</${tag}>`;
}

export function resultDocument(namespace: string, action: string, result: Record<string, XmlValue>): string {
  const body = Object.keys(result).length > 0 ? toXml(`${action}Result`, result) : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${body}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorDocument(namespace: string, error: AwsError): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}
