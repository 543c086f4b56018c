// Complete, typed Alexa request envelopes, as Alexa sends them, for local runs and tests.

import { randomUUID } from 'node:crypto';
import type { canfulfill, IntentRequest, RequestEnvelope, Slot } from 'ask-sdk-model';

export interface EnvelopeOptions {
  readonly locale?: string;
  readonly skillId?: string;
  /** The Customer Profile API base URL (context.System.apiEndpoint). */
  readonly apiEndpoint?: string;
  readonly apiAccessToken?: string;
  readonly sessionId?: string;
  readonly newSession?: boolean;
  readonly attributes?: Record<string, unknown> | undefined;
  readonly userId?: string;
  readonly deviceId?: string;
  /**
   * context.System.user.permissions.consentToken: Alexa sends one once the user granted the
   * skill any permission. Default: a local token (permissions granted); null: none.
   */
  readonly consentToken?: string | null;
}

export const LOCAL_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000';

function envelope(request: RequestEnvelope['request'], options: EnvelopeOptions): RequestEnvelope {
  const skillId = options.skillId ?? LOCAL_SKILL_ID;
  const application = { applicationId: skillId };
  const consentToken = options.consentToken === undefined ? 'local-consent-token' : options.consentToken;
  const user = {
    userId: options.userId ?? 'amzn1.ask.account.LOCAL-USER',
    ...(consentToken === null ? {} : { permissions: { consentToken } }),
  };
  return {
    version: '1.0',
    session: {
      new: options.newSession ?? true,
      sessionId: options.sessionId ?? `amzn1.echo-api.session.${randomUUID()}`,
      application,
      attributes: options.attributes ?? {},
      user,
    },
    context: {
      System: {
        application,
        user,
        device: { deviceId: options.deviceId ?? 'amzn1.ask.device.LOCAL-DEVICE', supportedInterfaces: {} },
        apiEndpoint: options.apiEndpoint ?? 'https://api.amazonalexa.com',
        apiAccessToken: options.apiAccessToken ?? 'local-api-access-token',
      },
    },
    request,
  };
}

function common(options: EnvelopeOptions) {
  return {
    requestId: `amzn1.echo-api.request.${randomUUID()}`,
    timestamp: new Date().toISOString(),
    locale: options.locale ?? 'en-US',
  };
}

/** A slot given as `undefined` is declared but unfilled: Alexa sends it with no value. */
export type SlotValueMap = Readonly<Record<string, string | undefined>>;

function slotsOf(values: SlotValueMap): Record<string, Slot> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]): [string, Slot] => [
      name,
      value === undefined ? { name, confirmationStatus: 'NONE' } : { name, value, confirmationStatus: 'NONE' },
    ]),
  );
}

export function launchRequest(options: EnvelopeOptions = {}): RequestEnvelope {
  return envelope({ type: 'LaunchRequest', ...common(options) }, options);
}

export function intentRequest(
  name: string,
  slotValues: SlotValueMap = {},
  options: EnvelopeOptions = {},
): RequestEnvelope {
  const request: IntentRequest = {
    type: 'IntentRequest',
    ...common(options),
    dialogState: 'COMPLETED',
    intent: { name, confirmationStatus: 'NONE', slots: slotsOf(slotValues) },
  };
  return envelope(request, options);
}

export function canFulfillRequest(
  name: string,
  slotValues: SlotValueMap = {},
  options: EnvelopeOptions = {},
): RequestEnvelope {
  const request: canfulfill.CanFulfillIntentRequest = {
    type: 'CanFulfillIntentRequest',
    ...common(options),
    intent: { name, confirmationStatus: 'NONE', slots: slotsOf(slotValues) },
  };
  return envelope(request, { ...options, newSession: true });
}

export function sessionEndedRequest(
  reason: 'USER_INITIATED' | 'ERROR' | 'EXCEEDED_MAX_REPROMPTS' = 'USER_INITIATED',
  options: EnvelopeOptions = {},
): RequestEnvelope {
  return envelope({ type: 'SessionEndedRequest', ...common(options), reason }, { ...options, newSession: false });
}
