// Whether a browser test can run: Debian's Chromium (or CHROMIUM_PATH) is there, or the run is CI,
// where .ci/run installs it and its absence must fail rather than skip.

import { CHROMIUM_PATH, chromiumInstalled } from '../../devtools/console/browser.ts';

/** Why the file's browser tests are skipped (told once), or undefined when they run. */
export function chromiumSkipReason(what: string): string | undefined {
  if (chromiumInstalled() || process.env.CI) return undefined;
  const reason = `there is no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  console.info(`Skipping ${what}: ${reason}.`);
  return reason;
}
