// The sender, SES key and skill ID the skill is configured with wherever it runs against local
// stand-ins (tests, the simulator, fuzz, load, bench): placeholders, shaped like no AWS credential
// so that the secret scans never mistake them for one, and the key the SES stand-in verifies by default.

import { DEFAULT_REGION, ENV } from '../lambda/config.ts';
import { LOCAL_SKILL_ID } from './envelopes.ts';
import { LOOPBACK_ORIGIN } from './loopback.ts';

export const PLACEHOLDER_FROM_ADDRESS = 'skill-sender@example.com';

export const PLACEHOLDER_KEY: { readonly accessKeyId: string; readonly secretAccessKey: string } = {
  accessKeyId: 'TEST-KEY-ID-NOT-REAL',
  secretAccessKey: 'placeholder-secret-not-a-real-key',
};

/**
 * The skill's whole configuration for a local run: the placeholders above, the skill ID the
 * envelopes carry, and the loopback origin, so the skill may call the local profile API.
 */
export const LOCAL_SKILL_ENVIRONMENT: Readonly<Record<string, string>> = {
  [ENV.fromAddress]: PLACEHOLDER_FROM_ADDRESS,
  [ENV.region]: DEFAULT_REGION,
  [ENV.accessKeyId]: PLACEHOLDER_KEY.accessKeyId,
  [ENV.secretAccessKey]: PLACEHOLDER_KEY.secretAccessKey,
  [ENV.skillId]: LOCAL_SKILL_ID,
  [ENV.alexaApiEndpoints]: LOOPBACK_ORIGIN,
};
