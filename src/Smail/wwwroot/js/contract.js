// @ts-check

/**
 * The names of Smail's API that the page relies on, each defined once on this side. Every list is compared
 * with the server's own definitions by tests/Smail.Tests/Api/ContractTests.cs, so the two sides cannot drift;
 * the page's uses are typed from these lists, so `tsc` catches a misspelt name.
 */

/** The event stream's event names. */
export const EVENT_NAMES = /** @type {const} */ (['status', 'thinking', 'delta', 'restart', 'done', 'error']);

/** The change feed's (/api/changes) event names, and the kinds of change to a conversation it tells of. */
export const CHANGE_TYPES = /** @type {const} */ (['session', 'health', 'title', 'pull']);

/** The states of a model's download (a change feed `pull` event, GET /api/models/pulls). */
export const PULL_STATES = /** @type {const} */ (['running', 'succeeded', 'failed', 'cancelled']);

/** @typedef {(typeof PULL_STATES)[number]} PullState */
export const SESSION_CHANGES = /** @type {const} */ (['created', 'updated', 'deleted', 'restored', 'answer_started', 'answer_ended']);

/** The reasons a `done` event can carry (an OpenAI-compatible server's `content_filter` and `tool_calls` pass through). */
export const DONE_REASONS = /** @type {const} */ (['stop', 'length', 'stopped', 'content_filter', 'tool_calls']);

/** The states a `status` event can carry. */
export const GENERATION_STATES = /** @type {const} */ (['queued', 'connecting', 'loading_model', 'thinking', 'generating', 'retrying', 'recovering']);

/** Error codes for failures of the model server itself, not of the network or of Smail. */
export const UPSTREAM_ERROR_CODES = /** @type {const} */ ([
  'upstream_unreachable', 'upstream_busy', 'upstream_error', 'upstream_timeout', 'upstream_stalled',
  'upstream_connection_lost', 'upstream_malformed_response', 'upstream_incomplete', 'upstream_bad_request',
  'upstream_circuit_open', 'upstream_route_missing', 'upstream_unauthorized',
]);

/** Error codes about the model: missing, failing mid-answer, or not chosen. */
export const MODEL_ERROR_CODES = /** @type {const} */ (['model_not_found', 'model_error', 'model_required']);

/** Upstream codes that trying again cannot fix. */
export const FINAL_UPSTREAM_ERROR_CODES = /** @type {const} */ (['upstream_bad_request', 'upstream_route_missing', 'upstream_unauthorized']);

/** The features the page may report to /api/telemetry; the server refuses any other. */
export const BROWSER_FEATURES = /** @type {const} */ ([
  'copy_message', 'copy_code', 'search', 'rename', 'delete', 'undo_delete', 'settings', 'new_chat', 'open_chat',
  'theme_dark', 'theme_light', 'jump_to_latest', 'load_image', 'phone_layout', 'export_chat', 'import_chats',
]);

/** The formats a conversation downloads in (GET /api/sessions/{id}/export?format=). */
export const EXPORT_FORMATS = /** @type {const} */ (['markdown', 'json']);

/** @typedef {(typeof EXPORT_FORMATS)[number]} ExportFormat */

/** @typedef {(typeof BROWSER_FEATURES)[number]} BrowserFeature */

/** The authentication modes (Auth:Mode) the sign-in page knows. */
export const AUTH_MODES = /** @type {const} */ (['none', 'local', 'proxy', 'oidc']);

/** @typedef {(typeof AUTH_MODES)[number]} AuthMode */

/** The states of an account. */
export const ACCOUNT_STATUSES = /** @type {const} */ (['active', 'pending', 'disabled']);

/** @typedef {(typeof ACCOUNT_STATUSES)[number]} AccountStatus */
