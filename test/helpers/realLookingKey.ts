// A key pair made at run time in exactly IAM's shape, for the tests that prove a scan finds keys and
// never prints them: no file holds one.

import { randomBytes } from 'node:crypto';

/** AKIA + 16 of [A-Z2-7], and 40 characters of base64 from 30 random bytes with upper case, lower case and a digit. */
export function realLookingKeyPair(): { id: string; secret: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = `AK${'IA'}${Array.from(randomBytes(16), (byte) => alphabet[byte % 32]).join('')}`;
  let secret = randomBytes(30).toString('base64');
  while (!/[A-Z]/.test(secret) || !/[a-z]/.test(secret) || !/[0-9]/.test(secret))
    secret = randomBytes(30).toString('base64');
  return { id, secret };
}
