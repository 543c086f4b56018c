// What provisioning tells the owner about the sender address: a mailbox provider's domain
// (gmail.com, yahoo.co.jp …) cannot pass its DMARC check through SES, and the sandbox needs no
// recipient verified when the skill mails the sender's own address, the usual hobbyist setup.

import { describe, expect, it } from 'vitest';
import { statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

function lineOf(stdout: string, step: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith(`  ${step.padEnd(18)} `));
}

describe('a free-mail sender', () => {
  const world = useProvisionWorld();

  it('is warned about the provider’s DMARC policy and pointed to --domain, in the plan and in the run', async () => {
    for (const args of [['--dry-run'], []]) {
      const result = await world.run(['--from', 'me@gmail.com', '--out', world.outFile, ...args]);

      expect(result.code).toBe(0);
      expect(lineOf(result.stdout, 'sender domain')).toBe(
        "  sender domain      warning       gmail.com is a mailbox provider's domain: SES signs the mail as amazonses.com, not as gmail.com, so it fails gmail.com's DMARC check, and receiving servers may reject it or file it as spam; send from a domain you own with --domain DOMAIN (docs/deliverability.md)",
      );
    }
  });

  it('is recognised for Japanese carriers and whatever the case', async () => {
    const result = await world.run(['--from', 'Taro@Docomo.ne.jp', '--out', world.outFile, '--dry-run']);

    expect(statuses(result.stdout)['sender domain']).toBe('warning');
    expect(lineOf(result.stdout, 'sender domain')).toContain("fails docomo.ne.jp's DMARC check");
  });

  it('is not said of an address at a domain of its own, nor of a subdomain that only looks like a provider', async () => {
    for (const from of ['skill@example.com', 'skill@gmail.com.example.org']) {
      const result = await world.run(['--from', from, '--out', world.outFile, '--dry-run']);

      expect(result.code).toBe(0);
      expect(statuses(result.stdout)).not.toHaveProperty('sender domain');
    }
  });
});

describe('the sandbox advice', () => {
  const world = useProvisionWorld();

  it('says nothing more is needed when the Alexa account’s address is the sender, and asks for --verify-recipient only otherwise', async () => {
    const result = await world.run(['--from', 'me@gmail.com', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(lineOf(result.stdout, 'SES sending')).toContain(
      'SES delivers only to verified addresses, such as the sender (another with --verify-recipient ADDRESS), until you request production access in the SES console',
    );
    expect(result.stdout).toContain(
      "\nWhile the account is in the SES sandbox, SES delivers only to verified addresses. If m***@gmail.com is also your Alexa account's address (the skill mails you from your own address), nothing more is needed: the sender's verification covers it. Otherwise run again with --verify-recipient YOUR-ALEXA-ACCOUNT-ADDRESS, or request production access in the SES console.\n",
    );
  });

  it('names the recipients already asked for, and asks for another only if the Alexa account has another address', async () => {
    const result = await world.run([
      '--from',
      'skill@example.com',
      '--verify-recipient',
      'owner@example.net',
      '--out',
      world.outFile,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Otherwise, the skill can mail o***@example.net once verified; for another address run again with --verify-recipient ADDRESS too, or request production access in the SES console.',
    );
    expect(result.stdout).not.toContain('YOUR-ALEXA-ACCOUNT-ADDRESS');
  });

  it('is not given once the account has production access', async () => {
    world.fake.ses.leaveSandbox('us-east-1');
    const result = await world.run(['--from', 'skill@example.com', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('SES sandbox');
    expect(result.stdout).not.toContain('--verify-recipient');
  });
});
