// @ts-check

/**
 * @typedef {{ id: string, name: string, upstream: string, family: string, parameterSize: string, sizeBytes: number, capabilities: string[] }} ModelInfo
 * @typedef {{ name: string, type: string, reachable: boolean, error: string | null, code: string | null, continues: boolean }} UpstreamStatus
 * @typedef {{ promptTokens: number, outputTokens: number, ttftMs: number, durationMs: number, tokensPerSecond: number }} Stats
 * @typedef {{ id: string, role: 'user' | 'assistant' | 'system', content: string, thinking?: string, status: string,
 *             createdAt: string, stats?: Stats, error?: { code: string, message: string }, model?: string,
 *             restartedAfter?: string, doneReason?: string, parentId?: string, attachments?: string[] }} ChatMessage
 * @typedef {{ id: string, name: string, kind: 'image' | 'text', mediaType: string, size: number, textLength?: number }} Attachment
 * @typedef {{ id: string, title: string, model: string | null, systemPrompt: string | null,
 *             options: Record<string, unknown> | null, activeGenerationId: string | null, messages: ChatMessage[],
 *             siblings: Record<string, string[]>, attachments: Attachment[] }} Session
 *   messages: the path shown; siblings: the versions of those on it that have several; attachments: its files
 * @typedef {{ id: string, title: string, model: string | null, updatedAt: string, messageCount: number,
 *             activeGenerationId: string | null }} SessionSummary
 * @typedef {{ userMessageId: string, assistantMessageId: string, generationId: string, eventsUrl: string }} GenerationAccepted
 * @typedef {{ id: string, name: string, systemPrompt?: string, model?: string, options?: Record<string, unknown>, isDefault: boolean }} Preset
 * @typedef {{ status: string, upstream: { reachable: boolean, version: string | null, error: string | null },
 *   upstreams: { name: string, type: string, reachable: boolean, version: string | null, error: string | null }[],
 *   store: { path: string, writable: boolean, quarantined: { file: string, movedTo: string, reason: string }[] } }} Health
 */

/** A failed API call, carrying the server's problem+json code and detail. */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Smail's HTTP API, one method per endpoint; every failure is an ApiError or a network TypeError. */
export class ApiClient {
  #fetch;

  /** @param {typeof fetch} [fetchImpl] */
  constructor(fetchImpl = (input, init) => fetch(input, init)) {
    this.#fetch = fetchImpl;
  }

  /** @returns {Promise<Health>} */
  health() { return this.#json('GET', '/api/health'); }

  /** Every upstream's models, and each upstream's state (a down one says why). @returns {Promise<{ models: ModelInfo[], upstreams: UpstreamStatus[] }>} */
  models() { return this.#json('GET', '/api/models'); }

  /** @param {{ title?: string, model?: string, systemPrompt?: string }} init @returns {Promise<Session>} */
  createSession(init) { return this.#json('POST', '/api/sessions', init); }

  /** @param {string} [query] @returns {Promise<SessionSummary[]>} */
  async sessions(query = '') {
    return (await this.#json('GET', `/api/sessions${query ? `?q=${encodeURIComponent(query)}` : ''}`)).sessions;
  }

  /** @param {string} id @param {AbortSignal} [signal] aborts the read when what it serves goes away @returns {Promise<Session>} */
  session(id, signal) { return this.#json('GET', `/api/sessions/${encodeURIComponent(id)}`, undefined, signal); }

  /**
   * @param {string} id
   * @param {{ title?: string, model?: string, systemPrompt?: string, options?: Record<string, unknown> }} changes
   * @returns {Promise<Session>}
   */
  updateSession(id, changes) { return this.#json('PATCH', `/api/sessions/${encodeURIComponent(id)}`, changes); }

  /** @param {string} id */
  async deleteSession(id) { await this.#json('DELETE', `/api/sessions/${encodeURIComponent(id)}`); }

  /** Brings back a conversation deleted within the server's undo window. @param {string} id */
  async restoreSession(id) { await this.#json('POST', `/api/sessions/${encodeURIComponent(id)}/restore`); }

  /**
   * @param {string} sessionId @param {string} content @param {string} [model]
   * @param {string[]} [attachments] ids of files uploaded to the conversation, sent with the message
   * @returns {Promise<GenerationAccepted>}
   */
  send(sessionId, content, model, attachments) {
    return this.#json('POST', `/api/sessions/${encodeURIComponent(sessionId)}/messages`,
      { content, model, attachments: attachments?.length ? attachments : undefined });
  }

  /**
   * Uploads one file to a conversation: the body is the file, its name goes in the address. The server decides what it
   * is by its bytes, and refuses one it does not take (with the reason).
   * @param {string} sessionId @param {File} file @returns {Promise<Attachment>}
   */
  async uploadAttachment(sessionId, file) {
    return readAnswer(await this.#fetch(`/api/sessions/${encodeURIComponent(sessionId)}/attachments?name=${encodeURIComponent(file.name)}`,
      { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: file }));
  }

  /** Where a conversation serves one of its files. @param {string} sessionId @param {string} attachmentId */
  attachmentUrl(sessionId, attachmentId) {
    return `/api/sessions/${encodeURIComponent(sessionId)}/attachments/${encodeURIComponent(attachmentId)}`;
  }

  /** @param {string} sessionId @param {string} messageId @param {string} [model] @returns {Promise<GenerationAccepted>} */
  regenerate(sessionId, messageId, model) {
    return this.#json('POST', `${messageUrl(sessionId, messageId)}/regenerate`, { model });
  }

  /** Continues the latest answer where it ended. @param {string} sessionId @param {string} messageId @returns {Promise<GenerationAccepted>} */
  continueAnswer(sessionId, messageId) {
    return this.#json('POST', `${messageUrl(sessionId, messageId)}/continue`, {});
  }

  /**
   * @param {string} sessionId @param {string} messageId @param {string} content @param {string} [model]
   * @returns {Promise<GenerationAccepted>}
   */
  edit(sessionId, messageId, content, model) {
    return this.#json('POST', `${messageUrl(sessionId, messageId)}/edit`, { content, model });
  }

  /**
   * Shows the path through this version of a message, and below it the branch written last.
   * @param {string} sessionId @param {string} messageId @returns {Promise<Session>}
   */
  selectVersion(sessionId, messageId) { return this.#json('POST', `${messageUrl(sessionId, messageId)}/select`); }

  /** @param {string} generationId */
  async stop(generationId) { await this.#json('POST', `/api/generations/${encodeURIComponent(generationId)}/stop`); }

  /**
   * Where a conversation downloads as a file (the server names it after the title).
   * @param {string} id @param {import('./contract.js').ExportFormat} format
   */
  exportUrl(id, format) { return `/api/sessions/${encodeURIComponent(id)}/export?format=${format}`; }

  /**
   * Sends an export file as it is (a Smail export, ChatGPT's conversations.json or Open WebUI's export): every
   * conversation in it is created, or none, and the ids come back in the file's order.
   * @param {Blob} file @returns {Promise<{ sessions: string[] }>}
   */
  async importConversations(file) {
    return readAnswer(await this.#fetch('/api/sessions/import', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: file }));
  }

  /** The person's presets. @returns {Promise<Preset[]>} */
  async presets() { return (await this.#json('GET', '/api/presets')).presets; }

  /**
   * @param {{ name: string, systemPrompt?: string, model?: string, options?: Record<string, unknown>, isDefault?: boolean }} preset
   * @returns {Promise<Preset>}
   */
  createPreset(preset) { return this.#json('POST', '/api/presets', preset); }

  /** @param {string} id */
  async deletePreset(id) { await this.#json('DELETE', `/api/presets/${encodeURIComponent(id)}`); }

  /** Starts (or joins) a model's download; admins only. @param {string} model @returns {Promise<import('./views/models-dialog.js').Pull>} */
  pullModel(model) { return this.#json('POST', '/api/models/pull', { model }); }

  /** The downloads running, and those ended lately. @returns {Promise<import('./views/models-dialog.js').Pull[]>} */
  async pulls() { return (await this.#json('GET', '/api/models/pulls')).pulls; }

  /** @param {string} id */
  async cancelPull(id) { await this.#json('POST', `/api/models/pulls/${encodeURIComponent(id)}/cancel`); }

  /** Deletes an installed model (its id from /api/models). @param {string} id */
  async deleteModel(id) { await this.#json('DELETE', `/api/models/${id.split('/').map(encodeURIComponent).join('/')}`); }

  /** @param {string} method @param {string} url @param {unknown} [body] @param {AbortSignal} [signal] @returns {Promise<any>} */
  #json(method, url, body, signal) { return requestJson(this.#fetch, method, url, body, signal); }
}

/** The event the page hears when the server no longer knows who it is (signed out elsewhere, disabled, expired). */
export const SIGNED_OUT_EVENT = 'smail:signed-out';

/**
 * One JSON request to Smail's API: the body as JSON, the answer parsed, a failure as an ApiError. A 401
 * `unauthenticated` also tells the window (SIGNED_OUT_EVENT), so one place can take the person to sign in.
 * @param {typeof fetch} fetchImpl @param {string} method @param {string} url @param {unknown} [body] @param {AbortSignal} [signal]
 * @returns {Promise<any>}
 */
export async function requestJson(fetchImpl, method, url, body, signal) {
  return readAnswer(await fetchImpl(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  }));
}

/** An answer's JSON, or its problem as an ApiError. @param {Response} response @returns {Promise<any>} */
async function readAnswer(response) {
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data?.code ?? 'http_' + response.status, data?.detail ?? response.statusText);
    if (error.code === 'unauthenticated' && typeof globalThis.dispatchEvent === 'function') {
      globalThis.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT));
    }
    throw error;
  }
  return data;
}

/** @param {string} sessionId @param {string} messageId */
function messageUrl(sessionId, messageId) {
  return `/api/sessions/${encodeURIComponent(sessionId)}/messages/${encodeURIComponent(messageId)}`;
}
