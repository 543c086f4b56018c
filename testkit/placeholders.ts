// The sender and SES key the skill is configured with wherever it runs against local stand-ins
// (tests, the simulator, fuzz, load): placeholders, shaped like no AWS credential so that the
// secret scans never mistake them for one, and the key the SES stand-in verifies by default.

export const PLACEHOLDER_FROM_ADDRESS = 'skill-sender@example.com';

export const PLACEHOLDER_KEY: { readonly accessKeyId: string; readonly secretAccessKey: string } = {
  accessKeyId: 'TEST-KEY-ID-NOT-REAL',
  secretAccessKey: 'placeholder-secret-not-a-real-key',
};
