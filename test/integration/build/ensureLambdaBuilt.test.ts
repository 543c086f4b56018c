// ensureLambdaBuilt, which the simulator runs before it loads the bundle: the build goes to a
// folder beside the bundle's and is renamed into place, so that a simulator starting at the same
// moment finds no bundle, the old one or the new one, and never half of one.

import { existsSync, readdirSync, watch } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureLambdaBuilt } from '../../../ops/build/bundle.ts';
import { loadBundledHandler, spokenText } from '../../../testkit/bundle.ts';
import { LOCAL_SKILL_ID, launchRequest } from '../../../testkit/envelopes.ts';
import { skillBundleDir } from '../../helpers/localSkill.ts';

let parent: string;
let outDir: string;

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'alexa-mailer-ensure-built-'));
  outDir = join(parent, 'lambda');
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** What a reader would find in the bundle folder right now: its files, or null when there is no folder. */
function bundleFilesNow(): string[] | null {
  return existsSync(outDir) ? readdirSync(outDir).sort() : null;
}

const COMPLETE = [
  'chunks',
  'index.js',
  'index.js.LEGAL.txt',
  'index.js.map',
  'package.json',
  'skill.js',
  'skill.js.map',
];

describe('ensureLambdaBuilt', () => {
  it('builds a missing bundle beside its folder, which appears whole, ready to answer', async () => {
    // Every time the parent folder changes, note what a reader would find there at that moment.
    const seen: { readonly beside: string[]; readonly bundle: string[] | null }[] = [];
    const watcher = watch(parent, () =>
      seen.push({ beside: readdirSync(parent).filter((name) => name !== 'lambda'), bundle: bundleFilesNow() }),
    );
    let result: Awaited<ReturnType<typeof ensureLambdaBuilt>>;
    try {
      result = await ensureLambdaBuilt(outDir);
    } finally {
      watcher.close();
    }

    expect(result).toEqual({ outFile: join(outDir, 'index.js'), rebuilt: true });
    // While it built, a reader found no bundle and the build in a folder of its own beside it…
    expect(seen).toContainEqual({ beside: [expect.stringMatching(/^lambda\.building-/)], bundle: null });
    // …and once there was a bundle, it was whole.
    expect(seen.filter(({ bundle }) => bundle !== null && bundle.join() !== COMPLETE.join())).toEqual([]);
    expect(await readdir(parent)).toEqual(['lambda']);
    expect((await readdir(outDir)).sort()).toEqual(COMPLETE);
    expect(JSON.parse(await readFile(join(outDir, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    // The bundle reads its configuration as it loads; without a skill ID it would only say it is not set up.
    process.env.SKILL_ID = LOCAL_SKILL_ID;
    const response = await loadBundledHandler(result.outFile)(launchRequest());
    expect(spokenText(response)).toMatch(/^Welcome to Mail Sender\./);
  });

  it('keeps a bundle newer than every source, and replaces a stale one with a new folder', async () => {
    // A copy of the skill bundle test/builtCommands.ts built for this run is newer than every source.
    await cp(skillBundleDir(), outDir, { recursive: true });
    expect((await ensureLambdaBuilt(outDir)).rebuilt).toBe(false);

    const stale = await stat(outDir);
    await utimes(join(outDir, 'index.js'), 0, 0);
    expect((await ensureLambdaBuilt(outDir)).rebuilt).toBe(true);

    // Another folder (the two existed at once, so the inode cannot be reused): nothing was written into the old one.
    expect((await stat(outDir)).ino).not.toBe(stale.ino);
    expect((await stat(join(outDir, 'index.js'))).mtimeMs).toBeGreaterThan(0);
    expect(await readdir(parent)).toEqual(['lambda']);
  });

  it('lets several callers build at once: one bundle is kept, whole, and nothing is left beside it', async () => {
    // Two are enough: the first to finish renames its build into place, the other finds it there and keeps it.
    const results = await Promise.all([1, 2].map(() => ensureLambdaBuilt(outDir)));

    expect(results.map((result) => result.outFile)).toEqual(Array(2).fill(join(outDir, 'index.js')));
    expect(await readdir(parent)).toEqual(['lambda']);
    expect((await readdir(outDir)).sort()).toEqual(COMPLETE);
  });

  it('does not replace a folder that holds anything besides a bundle', async () => {
    await mkdir(outDir);
    await writeFile(join(outDir, 'notes.txt'), 'keep me');
    await writeFile(join(outDir, 'index.js'), '// an old bundle');
    await utimes(join(outDir, 'index.js'), 0, 0);

    await expect(ensureLambdaBuilt(outDir)).rejects.toThrow(
      `${outDir} holds notes.txt besides a skill bundle: give the bundle a folder of its own.`,
    );
    expect(await readFile(join(outDir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(await readdir(parent)).toEqual(['lambda']);
  });

  it('replaces a stale bundle that still holds the code cache earlier builds trained', async () => {
    await mkdir(join(outDir, 'code-cache'), { recursive: true });
    await writeFile(join(outDir, 'code-cache', 'skill-0123456789abcdef.bin'), 'old cache');
    await writeFile(join(outDir, 'index.js'), '// an old bundle');
    await utimes(join(outDir, 'index.js'), 0, 0);

    expect(await ensureLambdaBuilt(outDir)).toMatchObject({ rebuilt: true });
    expect(bundleFilesNow()).toEqual(COMPLETE);
  });
});
