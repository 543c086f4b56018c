// What the scans take for a credential: key IDs, secrets beside them or named as secrets, private
// keys; never the placeholders of the tests, digests or words.

import { describe, expect, it } from 'vitest';
import { findCredentials } from '../../../../devtools/repositoryChecks/secretPatterns.ts';
import { PLACEHOLDER_KEY } from '../../../../testkit/placeholders.ts';

describe('the credential patterns', () => {
  it('ignores the placeholders of the tests, digests and words', () => {
    const text = [
      `id: '${PLACEHOLDER_KEY.accessKeyId}', secret: '${PLACEHOLDER_KEY.secretAccessKey}'`,
      "example: 'AKIAxxxxxxxxxxxxxxxx' / 'example-secret-not-a-key'",
      'commit 8f14e45fceea167a5a36dedd4bea2543a0d1b2c3',
      'path node_modules/@aws-sdk/client-ses/dist-cjs/index.js',
    ].join('\n');
    expect(findCredentials(text)).toEqual([]);
  });

  it('reports a private key', () => {
    expect(findCredentials(`-----BEGIN ${'RSA '}PRIVATE KEY-----\nMIIB...\n`)).toEqual([
      { rule: 'private-key', line: 1, shown: expect.any(String) },
    ]);
  });
});
