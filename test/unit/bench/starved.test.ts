// A cold first mail whose profile deadline fired because the machine starved it: started again a
// bounded number of times and counted, and the benchmark fails only when it keeps happening.

import { describe, expect, it } from 'vitest';
import {
  type ColdReport,
  missedProfileDeadline,
  STARVED_RETRIES,
  unlessStarved,
} from '../../../devtools/bench/cold.ts';
import { en } from '../../../lambda/messages/en.ts';

const report = (speech: string, cardTitle?: string): ColdReport => ({
  loadedMs: 2,
  answeredMs: 3,
  cpuMs: 3,
  maxRssKb: 1,
  speech: `<speak>${speech}</speak>`,
  ...(cardTitle ? { cardTitle } : {}),
  files: [],
});
const SENT = { wallMs: 10, report: report('Done. I sent an email…', en.sentCardTitle) };
const STARVED = { wallMs: 1600, report: report(en.profileUnavailable) };

/** Hands out the given runs in order. */
function runs(...list: (typeof SENT)[]) {
  let next = 0;
  return async () => list[next++]!;
}

describe('a cold first mail starved past its profile deadline', () => {
  it('is recognised by the apology the skill speaks, and nothing else is', () => {
    expect(missedProfileDeadline(STARVED.report)).toBe(true);
    expect(missedProfileDeadline(SENT.report)).toBe(false);
    expect(missedProfileDeadline(report("Sorry, I couldn't reach the mail service just now."))).toBe(false);
  });

  it('is started again, and counted, until its child sends the mail', async () => {
    let starved = 0;
    const run = await unlessStarved(runs(STARVED, STARVED, SENT), 'the project', () => starved++);
    expect(run).toBe(SENT);
    expect(starved).toBe(2);
  });

  it(`fails the benchmark with one sentence when it is starved ${STARVED_RETRIES + 1} times in a row`, async () => {
    let starved = 0;
    const always = runs(...Array.from({ length: STARVED_RETRIES + 1 }, () => STARVED), SENT);
    await expect(unlessStarved(always, 'the project build on Node v22 (lambda)', () => starved++)).rejects.toThrow(
      `the project build on Node v22 (lambda) answered a cold SendEmailIntent with the profile apology ${STARVED_RETRIES + 1} times in a row: its 1.5 s profile deadline fired every time, so this machine is too busy to measure on`,
    );
    expect(starved).toBe(STARVED_RETRIES);
  });

  it('leaves any other answer to the checks that follow', async () => {
    const other = { wallMs: 10, report: report('Welcome to Mail Sender.') };
    expect(await unlessStarved(runs(other), 'the project', () => undefined)).toBe(other);
  });
});
