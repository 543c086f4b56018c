// Gives a malformed request envelope the one part ask-sdk-core reads before any handler runs.

import type { RequestEnvelope } from 'ask-sdk-model';

function objectOr<T extends object>(value: unknown, fallback: T): T {
  return value && typeof value === 'object' ? (value as T) : fallback;
}

/**
 * Without `context.System.application`, CustomSkill.invoke throws a TypeError before the error
 * handler can answer or log; with an empty one, a SKILL_ID check refuses the request cleanly and
 * anything else reaches the handlers and their polite answers.
 */
export function withSystemContext(envelope: RequestEnvelope): RequestEnvelope {
  const context = objectOr<Partial<RequestEnvelope['context']>>(envelope?.context, {});
  const system = objectOr<Partial<RequestEnvelope['context']['System']>>(context.System, {});
  if (system.application && typeof system.application === 'object' && context.System === system) return envelope;
  return {
    ...objectOr<RequestEnvelope>(envelope, {} as RequestEnvelope),
    context: {
      ...context,
      System: { ...system, application: objectOr(system.application, { applicationId: '' }) },
    } as RequestEnvelope['context'],
  };
}
