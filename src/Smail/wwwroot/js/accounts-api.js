// @ts-check
import { requestJson } from './api-client.js';

/**
 * @typedef {import('./contract.js').AuthMode} AuthMode
 * @typedef {{ id: string, username: string, role: 'admin' | 'user', status: import('./contract.js').AccountStatus, mode?: AuthMode }} User
 * @typedef {{ mode: AuthMode, signUp: 'approval' | 'open' | 'closed', user: User | null }} AuthSettings
 * @typedef {{ id: string, name: string, createdAt: string, lastUsedAt: string | null }} TokenInfo
 * @typedef {{ id: string, name: string, token: string, createdAt: string }} CreatedToken
 * @typedef {{ id: string, username: string, role: 'admin' | 'user', status: import('./contract.js').AccountStatus,
 *             createdAt: string, lastSeenAt: string | null, conversations: number }} AdminUser
 * @typedef {{ at: string, action: string, actor: string | null, target: string | null, detail: string | null }} AuditEntry
 */

/** Smail's account routes: signing in and out, personal API tokens, and the admin's. */
export class AccountsApi {
  #fetch;

  /** @param {typeof fetch} [fetchImpl] */
  constructor(fetchImpl = (input, init) => fetch(input, init)) {
    this.#fetch = fetchImpl;
  }

  /** The mode, the sign-up policy, and who is signed in here (null: nobody), without a 401. @returns {Promise<AuthSettings>} */
  options() { return this.#json('GET', '/api/auth/options'); }

  /** @returns {Promise<User>} */
  me() { return this.#json('GET', '/api/auth/me'); }

  /** @param {string} username @param {string} password @returns {Promise<User>} */
  signUp(username, password) { return this.#json('POST', '/api/auth/signup', { username, password }); }

  /** @param {string} username @param {string} password @returns {Promise<User>} */
  signIn(username, password) { return this.#json('POST', '/api/auth/signin', { username, password }); }

  async signOut() { await this.#json('POST', '/api/auth/signout'); }

  /** Other sign-ins and tokens end; this browser stays signed in. @param {string} currentPassword @param {string} newPassword */
  async changePassword(currentPassword, newPassword) { await this.#json('POST', '/api/auth/password', { currentPassword, newPassword }); }

  /** @returns {Promise<TokenInfo[]>} */
  async tokens() { return (await this.#json('GET', '/api/tokens')).tokens; }

  /** @param {string} name @returns {Promise<CreatedToken>} */
  createToken(name) { return this.#json('POST', '/api/tokens', { name }); }

  /** @param {string} id */
  async revokeToken(id) { await this.#json('DELETE', `/api/tokens/${encodeURIComponent(id)}`); }

  /** @returns {Promise<AdminUser[]>} */
  async users() { return (await this.#json('GET', '/api/admin/users')).users; }

  /** @param {string} id @param {'approve' | 'disable' | 'enable'} action @returns {Promise<User>} */
  changeUser(id, action) { return this.#json('POST', `/api/admin/users/${encodeURIComponent(id)}/${action}`); }

  /** @param {string} id */
  async deleteUser(id) { await this.#json('DELETE', `/api/admin/users/${encodeURIComponent(id)}`); }

  /** @param {number} [limit] @returns {Promise<AuditEntry[]>} */
  async audit(limit = 100) { return (await this.#json('GET', `/api/admin/audit?limit=${limit}`)).entries; }

  /** @param {string} method @param {string} url @param {unknown} [body] @returns {Promise<any>} */
  #json(method, url, body) { return requestJson(this.#fetch, method, url, body); }
}
