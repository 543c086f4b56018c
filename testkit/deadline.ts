// Alexa stops waiting for a skill after its deadline. Local tools that call the skill race
// the call against the same clock; a late answer, if any, is thrown away as Alexa would.

export function withinDeadline<T>(work: Promise<T>, deadlineMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), deadlineMs);
    // A pending deadline must not keep a finished tool alive.
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
