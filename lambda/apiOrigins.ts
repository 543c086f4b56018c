// Which origins the skill may send the user's API access token to: Amazon's three Alexa API
// origins, plus any that local tools and tests name in ALEXA_API_ENDPOINTS. Nothing else.

/** An origin the token may go to; `port: 'any'` is an ALEXA_API_ENDPOINTS entry written without one. */
export interface ApiOrigin {
  readonly protocol: 'https:' | 'http:';
  readonly hostname: string;
  /** As URL.port has it: '' for the scheme's default port. */
  readonly port: string | 'any';
}

/** The regional Alexa API endpoints Alexa puts in context.System.apiEndpoint, on their default port. */
export const AMAZON_API_ORIGINS: readonly ApiOrigin[] = [
  'api.amazonalexa.com',
  'api.eu.amazonalexa.com',
  'api.fe.amazonalexa.com',
].map((hostname) => ({ protocol: 'https:', hostname, port: '' }));

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `scheme://host[:port]` (a trailing slash allowed) with no path, query, fragment or user; else undefined. */
export function parseApiOrigin(entry: string): ApiOrigin | undefined {
  const url = parseUrl(entry);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
  const portWritten = /:\d+\/?$/.test(entry.trim());
  return { protocol: url.protocol, hostname: url.hostname, port: portWritten ? url.port : 'any' };
}

/**
 * Whether a request may go to this URL: its scheme, host and port are those of an allowed
 * origin, and it carries no user name or password (`https://api.amazonalexa.com@elsewhere`).
 */
export function isAllowedApiUrl(origins: readonly ApiOrigin[], target: string): boolean {
  const url = parseUrl(target);
  if (!url || url.username || url.password) return false;
  return origins.some(
    (origin) =>
      origin.protocol === url.protocol &&
      origin.hostname === url.hostname &&
      (origin.port === 'any' || origin.port === url.port),
  );
}

/** The scheme, host and port of a URL, for a log line: never its path, query or credentials. */
export function originOf(target: string): string {
  return parseUrl(target)?.origin ?? '(not a URL)';
}
