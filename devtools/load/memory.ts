// Heap figures that mean something: taken after a full garbage collection, so what is
// compared between two points of a run is what is still alive, not what is not yet swept.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemorySample {
  /** Live JavaScript heap after a full collection, in bytes. */
  readonly heapUsed: number;
  /** Resident set size of the whole process, in bytes. */
  readonly rss: number;
}

let collect: (() => void) | undefined;

/** `global.gc` when node runs with --expose-gc (npm run load); otherwise the same function, enabled at run time. */
function collector(): () => void {
  if (collect) return collect;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') collect = exposed;
  else {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

export async function sampleMemory(): Promise<MemorySample> {
  const gc = collector();
  // Two passes with a turn of the event loop between: objects freed by finalizers go in the second.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

export const megabytes = (bytes: number) => bytes / (1024 * 1024);
