// What simulate:cloud says when the ASK CLI fails: ask-cli 2.x prints "[Error]: …", often a
// JSON object with the message and a stack, and drops SMAPI's own explanation of an HTTP error.

import { describe, expect, it } from 'vitest';
import { askErrorSentence } from '../../../../devtools/cloud/askCli.ts';

describe('askErrorSentence', () => {
  it('keeps the message of ask-cli’s JSON error, not its stack, and says what a 404 from SMAPI usually means', () => {
    const stderr = `[Error]: {
  "message": "Call to service failed: The request to https://api.amazonalexa.com/v2/skills/amzn1.ask.skill.x/stages/development/simulations failed. Client Error: AxiosError: Request failed with status code 404",
  "stack": "Error: Call to service failed\\n    at smapiApiClient.js:72:35",
  "detail": {}
}`;
    expect(askErrorSentence(stderr, '')).toBe(
      'SMAPI knows no such skill or simulation: check --skill-id, and that `npx ask deploy` has enabled the skill for testing (Call to service failed: The request to https://api.amazonalexa.com/v2/skills/amzn1.ask.skill.x/stages/development/simulations failed. Client Error: AxiosError: Request failed with status code 404)',
    );
  });

  it('passes a plain message through, on one line', () => {
    expect(
      askErrorSentence(
        '[Error]: Can\'t resolve profile [work] as it doesn\'t exist.\n  Please run "ask configure --profile work" first.\n',
        '',
      ),
    ).toBe('Can\'t resolve profile [work] as it doesn\'t exist. Please run "ask configure --profile work" first.');
    expect(askErrorSentence('', '')).toBe('the ASK CLI failed without a message');
  });
});
