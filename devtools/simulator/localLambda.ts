// The built Lambda bundle, run the way the Lambda runtime runs it: configured through the
// environment before its cold start, answering through its `handler` export, logging apart.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { ALEXA_DEADLINE_MS } from '../../lambda/deadlines.ts';
import { ensureLambdaBuilt } from '../../ops/build/bundle.ts';
import { type LambdaHandler, loadBundledHandler } from '../../testkit/bundle.ts';
import { withinDeadline } from '../../testkit/deadline.ts';

interface Invocation {
  /** The response, or why there is none: the handler threw, or missed Alexa's deadline (Alexa then says the skill did not answer). */
  readonly outcome:
    | { readonly ok: true; readonly response: ResponseEnvelope }
    | { readonly ok: false; readonly error: Error };
  /** The function's log lines written during this invocation. */
  readonly logs: readonly string[];
}

export interface LocalLambda {
  readonly bundlePath: string;
  /** True when the bundle was (re)built because it was missing or older than lambda/. */
  readonly rebuilt: boolean;
  /** Log lines written while the bundle loaded (a configuration problem is logged there). */
  readonly coldStartLogs: readonly string[];
  invoke(envelope: RequestEnvelope): Promise<Invocation>;
}

interface LocalLambdaOptions {
  /** Set in process.env before the bundle loads. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the bundle is built (default dist/lambda). */
  readonly outDir?: string | undefined;
  /** A bundle built already (the hosted one, --hosted): loaded as it is, never rebuilt. */
  readonly bundleFile?: string | undefined;
  /** How long Alexa waits for an answer before giving up on the skill (default ALEXA_DEADLINE_MS). */
  readonly deadlineMs?: number;
}

// The bundle reads its configuration once, at cold start: one process holds one configuration.
let loaded: { bundlePath: string; environment: string } | undefined;

/**
 * Runs `work` with the function's log lines (one JSON object per write) collected instead of
 * printed: Lambda sends them to CloudWatch, not to the caller, so they stay out of the conversation.
 * Anything else written meanwhile, such as a terminal echoing what the user types ahead, still
 * reaches the screen.
 */
async function capturingStdout<T>(work: () => T | Promise<T>): Promise<{ value: T; lines: string[] }> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!text.startsWith('{')) return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    chunks.push(text);
    const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    const value = await work();
    return {
      value,
      lines: chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0),
    };
  } finally {
    process.stdout.write = write;
  }
}

export async function startLocalLambda({
  environment,
  outDir,
  bundleFile,
  deadlineMs = ALEXA_DEADLINE_MS,
}: LocalLambdaOptions): Promise<LocalLambda> {
  const { outFile, rebuilt } = bundleFile ? { outFile: bundleFile, rebuilt: true } : await ensureLambdaBuilt(outDir);
  const wanted = JSON.stringify(Object.entries(environment).sort());
  if (loaded && (loaded.bundlePath !== outFile || loaded.environment !== wanted)) {
    throw new Error(
      'The skill bundle reads its configuration once per process, and this process already loaded it with another one; start a new process.',
    );
  }
  Object.assign(process.env, environment);
  loaded = { bundlePath: outFile, environment: wanted };

  const { value: handler, lines: coldStartLogs } = await capturingStdout<LambdaHandler>(() =>
    loadBundledHandler(outFile),
  );
  return {
    bundlePath: outFile,
    rebuilt,
    coldStartLogs,
    async invoke(envelope) {
      const { value: outcome, lines } = await capturingStdout(() =>
        withinDeadline(
          handler(envelope),
          deadlineMs,
          `The skill did not answer within ${deadlineMs / 1000} s, when Alexa stops waiting.`,
        ).then(
          (response) => ({ ok: true as const, response }),
          (error: unknown) => ({
            ok: false as const,
            error: error instanceof Error ? error : new Error(String(error)),
          }),
        ),
      );
      return { outcome, logs: lines };
    },
  };
}
