// A role's trust policy judged as STS judges an AssumeRole: an explicit Deny that applies wins, else
// an Allow that applies lets the caller in, else nobody is let in. A statement applies when its
// Action, Principal and every Condition match; a condition that does not match (or that this fake
// cannot read) makes the statement not apply.

interface AssumeRoleRequest {
  readonly action: string;
  /** The IAM ARN of the caller: a user's, or for a role session, its role's (not the session's). */
  readonly principalArn: string;
  readonly principalAccount: string;
  readonly externalId?: string;
}

type OneOrMany = string | readonly string[];

interface Statement {
  readonly Effect?: string;
  readonly Principal?: '*' | { readonly AWS?: OneOrMany; readonly Service?: OneOrMany; readonly Federated?: OneOrMany };
  readonly Action?: OneOrMany;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, OneOrMany>>>>;
}

const many = (value: OneOrMany | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** IAM's wildcards: `*` any run of characters, `?` one. */
function wildcardMatches(pattern: string, value: string, caseSensitive: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseSensitive ? '' : 'i').test(value);
}

/** `*`, the account (`123456789012` or its root ARN) for any principal in it, or the principal's own ARN. */
function principalMatches(statement: Statement, request: AssumeRoleRequest): boolean {
  if (statement.Principal === '*') return true;
  return many(statement.Principal?.AWS).some(
    (named) =>
      named === '*' ||
      named === request.principalArn ||
      named === request.principalAccount ||
      new RegExp(`^arn:aws[a-z-]*:iam::${request.principalAccount}:root$`).test(named),
  );
}

/** The condition keys an AssumeRole carries (keys are case-insensitive); absent ones are undefined. */
function contextValue(key: string, request: AssumeRoleRequest): string | undefined {
  switch (key.toLowerCase()) {
    case 'sts:externalid':
      return request.externalId;
    case 'aws:principalarn':
      return request.principalArn;
    case 'aws:principalaccount':
      return request.principalAccount;
    default:
      return undefined;
  }
}

function conditionMatches(operator: string, key: string, values: readonly string[], request: AssumeRoleRequest) {
  const actual = contextValue(key, request);
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  if (actual === undefined) {
    // A missing key satisfies only the negated operators, and any operator ...IfExists.
    return ifExists || base === 'StringNotEquals' || base === 'StringNotLike';
  }
  switch (base) {
    case 'StringEquals':
      return values.includes(actual);
    case 'StringNotEquals':
      return !values.includes(actual);
    case 'StringLike':
      return values.some((value) => wildcardMatches(value, actual, true));
    case 'StringNotLike':
      return !values.some((value) => wildcardMatches(value, actual, true));
    default:
      return false;
  }
}

function applies(statement: Statement, request: AssumeRoleRequest): boolean {
  const actionMatches = many(statement.Action).some((action) => wildcardMatches(action, request.action, false));
  if (!actionMatches || !principalMatches(statement, request)) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionMatches(operator, key, many(values), request)),
  );
}

/** Whether the trust policy (JSON text, as IAM stores it) lets this caller assume the role. */
export function trustPolicyAllows(document: string, request: AssumeRoleRequest): boolean {
  const parsed = JSON.parse(document) as { Statement?: Statement | readonly Statement[] };
  const statements =
    parsed.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  const applying = (statements as readonly Statement[]).filter((statement) => applies(statement, request));
  if (applying.some((statement) => statement.Effect === 'Deny')) return false;
  return applying.some((statement) => statement.Effect === 'Allow');
}
