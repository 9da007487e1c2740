// @ts-check
import { FINAL_UPSTREAM_ERROR_CODES, MODEL_ERROR_CODES, UPSTREAM_ERROR_CODES } from './contract.js';

/**
 * @typedef {'network' | 'upstream' | 'model' | 'server' | 'client'} ErrorKind
 * @typedef {{ kind: ErrorKind, code: string, message: string, retryable: boolean }} ClassifiedError
 * @typedef {{ baseDelayMs?: number, maxDelayMs?: number, maxAttempts?: number, random?: () => number }} BackoffOptions
 */

/** @type {ReadonlySet<string>} */
const UPSTREAM_CODES = new Set(UPSTREAM_ERROR_CODES);
/** @type {ReadonlySet<string>} */
const MODEL_CODES = new Set(MODEL_ERROR_CODES);
/** @type {ReadonlySet<string>} */
const FINAL_UPSTREAM_CODES = new Set(FINAL_UPSTREAM_ERROR_CODES);

/**
 * Decides what a failure is, whether trying again can help, and how long to wait before the next try
 * (exponential backoff with full jitter). Counts retries and recoveries so they can be reported.
 */
export class ErrorHandler {
  #baseDelayMs;
  #maxDelayMs;
  #maxAttempts;
  #random;
  retries = 0;
  recoveries = 0;
  failures = 0;

  /** @param {BackoffOptions} [options] */
  constructor({ baseDelayMs = 500, maxDelayMs = 15_000, maxAttempts = 6, random = Math.random } = {}) {
    this.#baseDelayMs = baseDelayMs;
    this.#maxDelayMs = maxDelayMs;
    this.#maxAttempts = maxAttempts;
    this.#random = random;
  }

  /**
   * @param {unknown} error an ApiError, an error event's data ({code, message, retryable}), or any thrown value
   * @returns {ClassifiedError}
   */
  classify(error) {
    if (isCoded(error)) {
      const { code, message } = error;
      const status = typeof error.status === 'number' ? error.status : undefined;
      if (MODEL_CODES.has(code)) return { kind: 'model', code, message, retryable: code === 'model_error' };
      if (UPSTREAM_CODES.has(code)) return { kind: 'upstream', code, message, retryable: error.retryable ?? !FINAL_UPSTREAM_CODES.has(code) };
      if (status !== undefined && status >= 400 && status < 500) return { kind: 'client', code, message, retryable: false };
      return { kind: 'server', code, message, retryable: error.retryable ?? true };
    }
    if (error instanceof TypeError || (error instanceof Error && error.name === 'NetworkError')) {
      return { kind: 'network', code: 'network', message: 'The connection to Smail was lost. Check your network.', retryable: true };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'server', code: 'unknown', message, retryable: true };
  }

  /**
   * How long to wait before retry number `attempt` (1-based), or null when it is time to give up.
   * @param {number} attempt
   * @returns {number | null}
   */
  nextDelay(attempt) {
    if (attempt > this.#maxAttempts) return null;
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + this.#random() * (ceiling / 2));
  }

  recordRetry() { this.retries++; }
  recordRecovery() { this.recoveries++; }
  recordFailure() { this.failures++; }
}

/**
 * @param {unknown} value
 * @returns {value is { code: string, message: string, retryable?: boolean, status?: number }}
 */
function isCoded(value) {
  return typeof value === 'object' && value !== null && typeof (/** @type {any} */ (value).code) === 'string'
    && typeof (/** @type {any} */ (value).message) === 'string';
}
