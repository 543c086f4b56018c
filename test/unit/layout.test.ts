// The layout rule, checked on every import of lambda/, ops/, devtools/ and testkit/: lambda ← ops ←
// devtools and lambda ← testkit ← devtools, nothing imports test/, no cycle between files or folders,
// and the AGPL policy simulator and the test runner stay in the tests.

import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../ops/paths.ts';

const AREAS = ['lambda', 'ops', 'devtools', 'testkit'] as const;
type Area = (typeof AREAS)[number];

/** What each area may import besides its own files. */
const MAY_IMPORT: Readonly<Record<Area, readonly Area[]>> = {
  lambda: [],
  ops: ['lambda'],
  testkit: ['lambda'],
  devtools: ['lambda', 'ops', 'testkit'],
};

/** One import, both sides as paths from the project root with `/`. */
interface Import {
  readonly from: string;
  readonly to: string;
}

function sourceFiles(): string[] {
  return AREAS.flatMap((area) =>
    readdirSync(join(PROJECT_ROOT, area), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => relative(PROJECT_ROOT, join(entry.parentPath, entry.name)).split(sep).join('/')),
  );
}

/** Static imports, re-exports, import() and `typeof import()`, as the TypeScript scanner finds them; packages left out. */
function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(PROJECT_ROOT, file), 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ from: file, to: posix.normalize(posix.join(posix.dirname(file), specifier)) }));
}

const areaOf = (path: string) => path.split('/')[0] ?? '';

function ruleViolations(imports: readonly Import[]): string[] {
  return imports.flatMap(({ from, to }) => {
    const [source, target] = [areaOf(from), areaOf(to)];
    if (source === target) return [];
    const allowed = MAY_IMPORT[source as Area] ?? [];
    if (allowed.includes(target as Area)) return [];
    const may = allowed.length > 0 ? `only ${allowed.map((area) => `${area}/`).join(', ')}` : 'nothing outside it';
    return [`${from} imports ${to}: ${source}/ may import ${may}`];
  });
}

/** Each cycle of the graph, one per strongly connected set, as the nodes along it (the first again at the end). */
function cyclesOf(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || edges.get(node)?.has(node)) components.push(component);
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);

  // Within one strongly connected set, a path from its first node always leads back to it.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const path = [start];
    const seen = new Set<string>();
    const walk = (node: string): boolean => {
      for (const next of edges.get(node) ?? []) {
        if (next === start) return path.push(next) > 0;
        if (!members.has(next) || seen.has(next)) continue;
        seen.add(next);
        path.push(next);
        if (walk(next)) return true;
        path.pop();
      }
      return false;
    };
    walk(start);
    return path;
  });
}

function fileCycles(imports: readonly Import[]): string[] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  return cyclesOf(edges).map((cycle) => cycle.join(' imports '));
}

/**
 * Why not dependency-cruiser's folder cycles: they lead an import only to the imported file's own
 * folder, so a/ importing b/sub/ while b/ imports a/ is no cycle to it; here it joins a/ and b/.
 *
 * The two folders an import joins, each taken just below the deepest folder holding both files:
 * devtools/cloud/main.ts → devtools/simulator/replay.ts joins devtools/cloud and devtools/simulator.
 * A folder holds its subfolders: an import between a folder and one inside it joins nothing.
 */
function foldersJoined({ from, to }: Import): [string, string] | undefined {
  const a = posix.dirname(from).split('/');
  const b = posix.dirname(to).split('/');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  if (common === a.length || common === b.length) return undefined;
  return [a.slice(0, common + 1).join('/'), b.slice(0, common + 1).join('/')];
}

function folderCycles(imports: readonly Import[]): string[] {
  const edges = new Map<string, Set<string>>();
  const example = new Map<string, Import>();
  for (const entry of imports) {
    const joined = foldersJoined(entry);
    if (!joined) continue;
    const [from, to] = joined;
    edges.set(from, (edges.get(from) ?? new Set()).add(to));
    if (!example.has(`${from} ${to}`)) example.set(`${from} ${to}`, entry);
  }
  return cyclesOf(edges).map((cycle) =>
    cycle
      .slice(1)
      .map((folder, step) => {
        const through = example.get(`${cycle[step]} ${folder}`)!;
        return `${cycle[step]}/ → ${folder}/ (${through.from} imports ${through.to})`;
      })
      .join(', '),
  );
}

describe('the project layout', () => {
  const imports = sourceFiles().flatMap(importsOf);

  it('reads the imports of every area', () => {
    for (const area of AREAS)
      expect(
        imports.some(({ from }) => areaOf(from) === area),
        area,
      ).toBe(true);
  });

  it('follows lambda ← ops ← devtools and lambda ← testkit ← devtools, and nothing imports test/', () => {
    expect(ruleViolations(imports)).toEqual([]);
  });

  it('has no cycle between files', () => {
    expect(fileCycles(imports)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(folderCycles(imports)).toEqual([]);
  });

  // AGPL: the provisioning audit compares policy documents instead (ops/provision/grantAudit.ts).
  // The test runner: testkit/ and devtools/ run outside vitest too (npm start, the console, the bench).
  it.each([
    ['the IAM policy simulator', '@cloud-copilot/'],
    ['the test runner', 'vitest'],
  ])('leaves %s to the tests: no file of lambda/, ops/, devtools/ or testkit/ imports it', (_, prefix) => {
    const importers = sourceFiles().filter((file) =>
      ts
        .preProcessFile(readFileSync(join(PROJECT_ROOT, file), 'utf8'), true, true)
        .importedFiles.some(({ fileName }) => fileName === prefix || fileName.startsWith(prefix)),
    );
    expect(importers).toEqual([]);
  });
});

describe('the layout checks themselves', () => {
  it('name the import that goes against the rule', () => {
    expect(
      ruleViolations([
        { from: 'lambda/skill.ts', to: 'ops/paths.ts' },
        { from: 'testkit/bundle.ts', to: 'ops/build/bundle.ts' },
        { from: 'devtools/fake-aws.ts', to: 'test/helpers/leaks.ts' },
        { from: 'ops/cli.ts', to: 'lambda/config.ts' },
      ]),
    ).toEqual([
      'lambda/skill.ts imports ops/paths.ts: lambda/ may import nothing outside it',
      'testkit/bundle.ts imports ops/build/bundle.ts: testkit/ may import only lambda/',
      'devtools/fake-aws.ts imports test/helpers/leaks.ts: devtools/ may import only lambda/, ops/, testkit/',
    ]);
  });

  it('name every file of a cycle', () => {
    expect(
      fileCycles([
        { from: 'ops/a.ts', to: 'ops/b.ts' },
        { from: 'ops/b.ts', to: 'ops/c.ts' },
        { from: 'ops/c.ts', to: 'ops/a.ts' },
        { from: 'ops/c.ts', to: 'ops/d.ts' },
      ]),
    ).toEqual(['ops/a.ts imports ops/b.ts imports ops/c.ts imports ops/a.ts']);
  });

  it('name two folders that import each other, with an import each way', () => {
    expect(
      folderCycles([
        { from: 'ops/deploy/buildHook.ts', to: 'ops/build/bundle.ts' },
        { from: 'ops/build/bundle.ts', to: 'ops/deploy/embeddedConfig.ts' },
        { from: 'ops/provision/steps/user.ts', to: 'ops/provision/names.ts' },
        { from: 'ops/provision/teardown.ts', to: 'ops/provision/steps/user.ts' },
      ]),
    ).toEqual([
      'ops/build/ → ops/deploy/ (ops/build/bundle.ts imports ops/deploy/embeddedConfig.ts), ' +
        'ops/deploy/ → ops/build/ (ops/deploy/buildHook.ts imports ops/build/bundle.ts)',
    ]);
  });
});
