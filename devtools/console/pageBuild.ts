// The console's single page, built from page/ by the project's own esbuild when the console
// starts (a few tens of milliseconds), into memory: there is nothing to rebuild by hand or go stale.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../ops/paths.ts';

// From the project root, not this file's folder: the tests run the console bundled into one file elsewhere.
const PAGE_DIR = join(PROJECT_ROOT, 'devtools/console/page');

export interface Page {
  readonly html: string;
  readonly css: string;
  readonly js: string;
  /** The tab's icon: without one the browser asks for /favicon.ico and logs the 404 as an error. */
  readonly icon: string;
}

export async function buildPage(): Promise<Page> {
  const [html, css, icon, bundle] = await Promise.all([
    readFile(join(PAGE_DIR, 'index.html'), 'utf8'),
    readFile(join(PAGE_DIR, 'style.css'), 'utf8'),
    readFile(join(PAGE_DIR, 'icon.svg'), 'utf8'),
    build({
      entryPoints: [join(PAGE_DIR, 'main.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      // Chromium, Firefox and Safari of the last two years.
      target: ['chrome115', 'firefox115', 'safari16'],
      logLevel: 'silent',
    }),
  ]);
  const js = bundle.outputFiles[0]?.text;
  if (js === undefined) throw new Error('esbuild wrote no page script.');
  return { html, css, js, icon };
}
