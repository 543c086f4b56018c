// Time budget of one request. Alexa abandons a skill response after about 8 seconds,
// so the worst case of every external call, retries included, must fit well inside it:
//   profile 1.5 s + SES (1 s connect + 2.5 s answer) + 0.3 s back-off + second SES attempt 2.5 s ≈ 7.8 s
// is the theoretical ceiling; a second attempt only follows an answer that came back fast
// (throttling or a refused connection), so the real worst case is about 5.5 s.

export const PROFILE_TIMEOUT_MS = 1_500;
export const SES_CONNECTION_TIMEOUT_MS = 1_000;
export const SES_REQUEST_TIMEOUT_MS = 2_500;
export const SES_RETRY_DELAY_MS = 300;
/** Only failures that prove SES did not take the mail are retried, and only once. */
export const SES_MAX_ATTEMPTS = 2;
/** Alexa's own limit, used by tests and benchmarks to assert that every answer beats it. */
export const ALEXA_DEADLINE_MS = 8_000;
