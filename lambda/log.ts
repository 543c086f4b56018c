// Structured logging: one JSON line per event, with the Alexa request ID and the
// intent, so CloudWatch Logs Insights can query them. Addresses are masked here,
// at the only place that writes, and secrets never reach it.

type LogLevel = 'info' | 'warn' | 'error';

interface LogContext {
  readonly requestId?: string | undefined;
  readonly requestType?: string | undefined;
  readonly intent?: string | undefined;
  readonly locale?: string | undefined;
}

type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  with(context: LogContext): Logger;
}

type LogSink = (line: string) => void;

/**
 * "taro@example.com" → "t***@example.com": the whole local part goes, whatever it holds (a +tag,
 * a quoted "taro yamada"), and the domain stays, even a non-ASCII one: it tells ops which provider
 * bounced. A local part that starts with a quote keeps no character at all.
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  const first = Array.from(address)[0] ?? '';
  return `${first === '"' ? '' : first}***${address.slice(at)}`;
}

// Anything shaped like local@domain, with no demand for a known TLD: over-masking a log line
// costs nothing, while a missed address is personal data in CloudWatch. A quoted local part
// may hold spaces and the characters that otherwise end an address.
const ADDRESS_IN_TEXT = /(?:"[^"\r\n]*"[^\s@<>"(),;:]*|[^\s@<>"(),;:]+)@[^\s@<>"(),;:]+/gu;

/** Masks any address that slipped into free text (an SDK error message, for instance). */
export function maskAddressesIn(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, maskAddress);
}

function sanitize(fields: LogFields): Record<string, string | number | boolean> {
  const clean: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    clean[key] = typeof value === 'string' ? maskAddressesIn(value) : value;
  }
  return clean;
}

const defaultSink: LogSink = (line) => process.stdout.write(`${line}\n`);

export function createLogger(sink: LogSink = defaultSink, context: LogContext = {}): Logger {
  const write = (level: LogLevel, event: string, fields: LogFields = {}) => {
    sink(
      JSON.stringify({
        level,
        event,
        time: new Date().toISOString(),
        ...sanitize({ ...context }),
        ...sanitize(fields),
      }),
    );
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    with: (more) => createLogger(sink, { ...context, ...more }),
  };
}
