// Runs the bundle's CommonJS files through V8 with the code cache the build trained for them, so a
// cold start deserializes compiled code instead of parsing and compiling it again. Without a cache,
// or when V8 refuses it, each file compiles as require() would compile it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { Script } from 'node:vm';

/** What the build trained, written into index.js: the Node and flags it trained with, and a cache per file. */
export interface CodeCacheManifest {
  /** process.version of the node that made the caches. */
  readonly node: string;
  /** The V8 flags it ran with: Lambda's for the configured memory size. V8 refuses a cache made with other flags. */
  readonly v8Flags: readonly string[];
  /** Bundle file → its cache file, both relative to the bundle folder with `/`. The cache's name carries the file's hash. */
  readonly files: Readonly<Record<string, string>>;
}

/** Whether V8 used a file's cache: it had none, took it, or refused it (another V8 version, build or flags). */
export type CacheOutcome = 'none' | 'accepted' | 'rejected';

export interface ModuleLoader {
  /** Runs a bundle file (relative to the bundle folder, with `/`) as a CommonJS module, once. */
  load(file: string): unknown;
  /** Compiles a bundle file through its cache without running it, once: the build renumbers a trained cache with it. */
  compile(file: string): Script;
  /** Each file loaded so far, with what V8 did with its cache. */
  readonly outcomes: ReadonlyMap<string, CacheOutcome>;
  /** Each file's compiled script, for the build's training run to serialize with createCachedData(). */
  readonly scripts: ReadonlyMap<string, Script>;
}

interface LoaderOptions {
  readonly dir: string;
  readonly manifest?: CodeCacheManifest | undefined;
  /** Called for each file whose cache V8 refused. */
  readonly onRejected?: (file: string) => void;
  /**
   * The file name V8 records in a compiled script, and so in its cache: by default where the file
   * is. The build's training run names the place Lambda runs it from, so that a cache holds no
   * path of the build machine and the same bundle always gives the same bytes.
   */
  readonly scriptName?: (file: string) => string;
}

// Node's own CommonJS wrapper, on a line of its own so that line 1 of the file keeps its columns.
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_END = '\n})';

/** The exact text V8 compiles for a file: the training run and the loader must agree on it to the byte. */
function wrappedSource(source: string): string {
  return `${WRAPPER_START}${source}${WRAPPER_END}`;
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    // A cache is an optimisation: a missing one means compiling, never failing.
    return undefined;
  }
}

type ModuleFunction = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

export function createModuleLoader({ dir, manifest, onRejected, scriptName }: LoaderOptions): ModuleLoader {
  const modules = new Map<string, { exports: unknown }>();
  const outcomes = new Map<string, CacheOutcome>();
  const scripts = new Map<string, Script>();

  /** Bundle files require each other by relative path ('./chunks/sesSdk.js'); everything else is Node's. */
  const requireFrom = (file: string, path: string): NodeJS.Require => {
    const nodeRequire = createRequire(path);
    const bundleRequire = (id: string) =>
      id.startsWith('./') || id.startsWith('../') ? load(posix.join(posix.dirname(file), id)) : nodeRequire(id);
    return Object.assign(bundleRequire, {
      resolve: nodeRequire.resolve,
      cache: nodeRequire.cache,
      main: nodeRequire.main,
      extensions: nodeRequire.extensions,
    }) as NodeJS.Require;
  };

  const compile = (file: string): Script => {
    const compiled = scripts.get(file);
    if (compiled) return compiled;
    const path = join(dir, file);
    const cacheFile = manifest?.files[file];
    const cachedData = cacheFile === undefined ? undefined : readCache(join(dir, cacheFile));
    const script = new Script(wrappedSource(readFileSync(path, 'utf8')), {
      filename: scriptName?.(file) ?? path,
      lineOffset: -1,
      ...(cachedData ? { cachedData } : {}),
    });
    const outcome: CacheOutcome = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
    outcomes.set(file, outcome);
    scripts.set(file, script);
    if (outcome === 'rejected') onRejected?.(file);
    return script;
  };

  const load = (file: string): unknown => {
    const loaded = modules.get(file);
    if (loaded) return loaded.exports;
    const script = compile(file);
    const path = join(dir, file);
    const module = { exports: {} as unknown };
    // Registered before it runs, as require() does, so that a cycle sees the partial exports.
    modules.set(file, module);
    try {
      const run = script.runInThisContext() as ModuleFunction;
      run.call(module.exports, module.exports, requireFrom(file, path), module, path, dirname(path));
    } catch (error) {
      // As require() forgets a module that threw, so that the next load tries again.
      modules.delete(file);
      throw error;
    }
    return module.exports;
  };

  return { load, compile, outcomes, scripts };
}
