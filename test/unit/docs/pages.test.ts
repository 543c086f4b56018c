// The README and docs/ hold together: the README stays short, links every page, every relative
// link and anchor leads somewhere, and each page a command's --markdown writes has its block.

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../ops/paths.ts';

const DOCS_DIR = join(PROJECT_ROOT, 'docs');
const README = join(PROJECT_ROOT, 'README.md');

const read = (path: string) => readFile(path, 'utf8');
const docsPages = async () =>
  (await readdir(DOCS_DIR)).filter((name) => name.endsWith('.md')).map((name) => join(DOCS_DIR, name));

/** Markdown outside fenced code blocks, where a bracket is text, not a link. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');

const anchorsIn = (text: string) =>
  new Set([...prose(text).matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));

/** Every link to a file of the repository: [text](target) that is not a web address. */
const localLinks = (text: string) =>
  [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/.test(target));

describe('the README', () => {
  it('stays within 200 lines', async () => {
    expect((await read(README)).split('\n').length).toBeLessThanOrEqual(200);
  });

  it('links every page of docs/', async () => {
    const linked = new Set(
      localLinks(await read(README)).map((target) => resolve(PROJECT_ROOT, target.split('#')[0]!)),
    );
    for (const page of await docsPages()) expect(linked, relative(PROJECT_ROOT, page)).toContain(page);
  });
});

describe('the links of the README and docs/', () => {
  it('lead to files and headings that exist', async () => {
    const broken: string[] = [];
    for (const page of [README, ...(await docsPages())]) {
      for (const target of localLinks(await read(page))) {
        const [path, anchor] = target.split('#');
        const file = path ? resolve(dirname(page), path) : page;
        if (!existsSync(file)) broken.push(`${relative(PROJECT_ROOT, page)}: ${target} (no such file)`);
        else if (anchor && !anchorsIn(await read(file)).has(anchor))
          broken.push(`${relative(PROJECT_ROOT, page)}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the pages that commands write into', () => {
  it.each([
    ['docs/performance.md', 'bench'],
    ['docs/reliability.md', 'fuzz'],
    ['docs/reliability.md', 'load'],
  ])('%s has one %s block for --markdown', async (page, name) => {
    const text = await read(join(PROJECT_ROOT, page));
    expect(text.split(`\n<!-- ${name}:start -->\n`)).toHaveLength(2);
    expect(text.split(`\n<!-- ${name}:end -->\n`)).toHaveLength(2);
    expect(text.indexOf(`<!-- ${name}:start -->`)).toBeLessThan(text.indexOf(`<!-- ${name}:end -->`));
  });
});
