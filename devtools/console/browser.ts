// Chromium from the system (Debian's /usr/bin/chromium, or CHROMIUM_PATH), driven by playwright-core,
// for the console's --screenshot and its browser tests: never a browser playwright downloads.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// No sandbox (root in a container), and none of the calls home a fresh profile makes on its own.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface LocalBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile, removed again on close. */
export async function launchChromium(options: { readonly width?: number; readonly height?: number } = {}) {
  if (!chromiumInstalled())
    throw new Error(
      `there is no Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  const profile = await mkdtemp(join(tmpdir(), 'console-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      acceptDownloads: true,
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      locale: 'en-US',
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    } satisfies LocalBrowser;
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
