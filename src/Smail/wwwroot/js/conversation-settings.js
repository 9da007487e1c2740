// @ts-check

/**
 * A conversation's settings as the settings dialog shows them, and as the API stores them (a system prompt and the
 * model's options): the one place that maps the two, for a conversation and for a preset alike.
 * @typedef {{ systemPrompt: string, temperature: number | null, topP: number | null, seed: number | null, numCtx: number | null,
 *   think: boolean }} ConversationSettings null numbers are the model's defaults; think: whether a thinking model reasons first
 */

/** The options each number setting is stored as. */
const NUMBER_OPTIONS = /** @type {const} */ ([['temperature', 'temperature'], ['topP', 'top_p'], ['seed', 'seed'], ['numCtx', 'num_ctx']]);

/**
 * @param {{ systemPrompt?: string | null, options?: Record<string, unknown> | null } | null | undefined} stored
 * @returns {ConversationSettings}
 */
export function settingsFrom(stored) {
  const options = stored?.options ?? {};
  const number = (/** @type {string} */ name) => (typeof options[name] === 'number' ? /** @type {number} */ (options[name]) : null);
  return {
    systemPrompt: stored?.systemPrompt ?? '',
    temperature: number('temperature'), topP: number('top_p'), seed: number('seed'), numCtx: number('num_ctx'),
    think: options.think !== false,
  };
}

/**
 * The options to store for these settings, keeping any other option already there.
 * @param {ConversationSettings} settings @param {Record<string, unknown> | null | undefined} [base]
 * @returns {Record<string, unknown>}
 */
export function optionsFrom(settings, base) {
  const options = { ...(base ?? {}) };
  for (const [field, name] of NUMBER_OPTIONS) {
    const value = settings[field];
    if (value === null) delete options[name];
    else options[name] = value;
  }
  // Thinking is on unless turned off: only `false` is stored.
  if (settings.think) delete options.think;
  else options.think = false;
  return options;
}
