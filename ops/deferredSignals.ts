// Holds Ctrl-C (SIGINT) and SIGTERM back while a step that must not stop half-way runs (a new
// access key and the file that keeps its secret), then lets the signal end the process as usual.

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Runs `work` with SIGINT and SIGTERM deferred: the first one received prints `notice` on stderr;
 * once `work` settles, the signal is raised again with the default handling (the process ends).
 */
export async function withSignalsDeferred<T>(notice: string, work: () => Promise<T>): Promise<T> {
  let received: NodeJS.Signals | undefined;
  const defer = (signal: NodeJS.Signals) => {
    if (!received) process.stderr.write(`${notice}\n`);
    received ??= signal;
  };
  for (const signal of SIGNALS) process.on(signal, defer);
  try {
    return await work();
  } finally {
    for (const signal of SIGNALS) process.off(signal, defer);
    if (received) process.kill(process.pid, received);
  }
}
