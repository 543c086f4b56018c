// Reads the account holder's email address (and, when allowed, given name) through
// the Alexa Customer Profile API. This address is the only recipient the skill knows.

import type { HandlerInput } from 'ask-sdk-core';
import { isPlausibleAddress } from './config.ts';

export const EMAIL_PERMISSION = 'alexa::profile:email:read';
export const GIVEN_NAME_PERMISSION = 'alexa::profile:given_name:read';
/** An address or a given name is a few dozen bytes: a larger answer is abandoned unread. */
export const PROFILE_ANSWER_MAX_BYTES = 16 * 1024;

type ProfileResult =
  | { readonly kind: 'ok'; readonly email: string; readonly givenName?: string }
  | { readonly kind: 'permission-missing' }
  | { readonly kind: 'no-email' }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface ProfileReader {
  read(handlerInput: HandlerInput): Promise<ProfileResult>;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Why the API gave no address, for the log: a status, or what the API client stopped (lambda/apiClient.ts). */
function reasonOf(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) return `status ${status}`;
  const { name, origin } = (error ?? {}) as { name?: unknown; origin?: unknown };
  if (name === 'ApiTimeoutError') return 'timeout';
  if (name === 'ApiAnswerTooLargeError') return 'answer too large';
  if (name === 'ApiEndpointNotAllowedError') return `api endpoint not allowed: ${String(origin)}`;
  return typeof name === 'string' ? name : 'error';
}

async function readGivenName(handlerInput: HandlerInput): Promise<string | undefined> {
  try {
    const name = await handlerInput.serviceClientFactory?.getUpsServiceClient().getProfileGivenName();
    return typeof name === 'string' && name.trim() ? name.trim() : undefined;
  } catch {
    // The name only decorates the greeting; a refusal or failure here must not stop the mail.
    return undefined;
  }
}

export const customerProfile: ProfileReader = {
  async read(handlerInput) {
    const factory = handlerInput.serviceClientFactory;
    if (!factory || !handlerInput.requestEnvelope.context?.System?.apiAccessToken) {
      // Alexa omits the token when the user never granted any permission.
      return { kind: 'permission-missing' };
    }
    const ups = factory.getUpsServiceClient();
    const [email, givenName] = await Promise.allSettled([ups.getProfileEmail(), readGivenName(handlerInput)]);
    if (email.status === 'rejected') {
      const status = statusOf(email.reason);
      if (status === 403) return { kind: 'permission-missing' };
      if (status === 204) return { kind: 'no-email' };
      return { kind: 'unavailable', reason: reasonOf(email.reason) };
    }
    const address = typeof email.value === 'string' ? email.value.trim() : '';
    if (!address) return { kind: 'no-email' };
    if (!isPlausibleAddress(address)) return { kind: 'unavailable', reason: 'malformed address' };
    const name = givenName.status === 'fulfilled' ? givenName.value : undefined;
    return { kind: 'ok', email: address, ...(name ? { givenName: name } : {}) };
  },
};
