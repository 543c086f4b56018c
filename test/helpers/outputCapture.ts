// Where the setup file (test/setup.ts) keeps what the current test
// file printed and what the skill logged, and how a suite declares a secret of its own so
// the scan looks for it too. Kept on globalThis: the setup file fills it before any import.

export interface CapturedOutput {
  /** Everything written to stdout, stderr or the console, in order, as written. */
  readonly printed: string[];
  /** What was written straight to stdout or stderr and not yet shown or let go: never passed to the terminal. */
  readonly held: string[];
  /** Every line the skill's logger (lambda/log.ts createLogger) wrote, whatever its sink. */
  readonly skillLogLines: string[];
  /** Secrets a suite declared with declareTestSecret. */
  readonly declaredSecrets: Set<string>;
}

const CAPTURE_KEY = Symbol.for('alexa-ses-mailer.test.capturedOutput');

export function capturedOutput(): CapturedOutput | undefined {
  return (globalThis as Record<symbol, CapturedOutput | undefined>)[CAPTURE_KEY];
}

/** Makes the end-of-file scan also fail when this value appears in any output of the file. */
export function declareTestSecret(secret: string): void {
  capturedOutput()?.declaredSecrets.add(secret);
}
