// Loads the built Lambda bundle and calls its `handler` as the Lambda runtime would.
// The configuration must be in process.env before the first load: the bundle reads it
// once, at cold start, exactly as in Lambda.

import { createRequire } from 'node:module';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';

export type LambdaHandler = (event: RequestEnvelope, context?: unknown) => Promise<ResponseEnvelope>;

export function loadBundledHandler(bundlePath: string): LambdaHandler {
  const module = createRequire(import.meta.url)(bundlePath) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${bundlePath} does not export a handler function.`);
  return module.handler as LambdaHandler;
}

/** The spoken text of a response, without SSML tags. */
export function spokenText(response: ResponseEnvelope): string {
  const speech = response.response.outputSpeech;
  if (!speech) return '';
  const text = speech.type === 'SSML' ? (speech.ssml ?? '') : (speech.text ?? '');
  return text
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}
