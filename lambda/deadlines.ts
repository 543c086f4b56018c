// The time budget of one request: the worst case of every external call, retries included,
// must fit well inside the 8 seconds after which Alexa abandons a skill's response.

// profile 1.5 s (the user's and the account's reservations, at most 1 s, run beside it) + the
// recipient's reservation 0.5 s + SES attempt 2.5 s + 0.3 s back-off + second SES attempt 2.5 s +
// giving the reservations back after a send that surely failed 0.5 s = 7.8 s. A second attempt only follows an answer that proves SES did not take the mail
// (throttling, a refused connection), and those come back fast, so the usual worst case is a
// single attempt: about 4 s.

export const PROFILE_TIMEOUT_MS = 1_500;
/** Connecting to SES; part of the attempt's own bound below, not added to it. */
export const SES_CONNECTION_TIMEOUT_MS = 1_000;
/** One whole SES attempt, from connecting to the last byte of the answer. */
export const SES_ATTEMPT_TIMEOUT_MS = 2_500;
export const SES_RETRY_DELAY_MS = 300;
/**
 * STS AssumeRole, when the skill sends through a role (lambda/mail/assumedRole.ts): it runs inside
 * the SES attempt, before its request, so it is part of SES_ATTEMPT_TIMEOUT_MS, not added to it.
 */
export const STS_TIMEOUT_MS = 1_000;
/** Only failures that prove SES did not take the mail are retried, and only once. */
export const SES_MAX_ATTEMPTS = 2;
/**
 * Reserving a mail in the limit table, loading the DynamoDB client included. It runs while the
 * profile API answers, so it costs nothing as long as it stays within PROFILE_TIMEOUT_MS; past
 * it, the mail goes unchecked (lambda/limits/limiter.ts).
 */
export const LIMIT_RESERVE_TIMEOUT_MS = 1_000;
/**
 * Reserving the mail for its recipient, which only the profile's answer names, so it cannot run
 * beside the profile call: short, as the DynamoDB client is loaded and connected by then.
 */
export const LIMIT_RECIPIENT_RESERVE_TIMEOUT_MS = 500;
/** Connecting to DynamoDB; part of the bounds around it, not added to them. */
export const LIMIT_CONNECTION_TIMEOUT_MS = 500;
/** Giving the reservations back (in parallel) after a mail that surely was not sent. */
export const LIMIT_RELEASE_TIMEOUT_MS = 500;
/** The longest a SendEmailIntent can take, from the sums above. */
export const SEND_WORST_CASE_MS =
  Math.max(PROFILE_TIMEOUT_MS, LIMIT_RESERVE_TIMEOUT_MS) +
  LIMIT_RECIPIENT_RESERVE_TIMEOUT_MS +
  SES_MAX_ATTEMPTS * SES_ATTEMPT_TIMEOUT_MS +
  (SES_MAX_ATTEMPTS - 1) * SES_RETRY_DELAY_MS +
  LIMIT_RELEASE_TIMEOUT_MS;
/** Alexa's own limit, used by tests and benchmarks to assert that every answer beats it. */
export const ALEXA_DEADLINE_MS = 8_000;
