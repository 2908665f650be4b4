// The simulator's control API, as the page uses it (same origin, JSON).
/* global fetch -- browser globals (typed by the DOM lib: tsconfig.json) */

/** @typedef {import('./types.js').Platform} Platform */
/** @typedef {import('./types.js').Message} Message */
/** @typedef {import('./types.js').SimUser} SimUser */
/** @typedef {import('./types.js').Action} Action */

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {unknown} body
 */

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<Answer>}
 */
async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed = /** @type {unknown} */ (text);
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}

/** @returns {Promise<SimUser[]>} */
export async function listUsers() {
  const answer = await call('GET', '/_sim/users');
  return Array.isArray(answer.body) ? /** @type {SimUser[]} */ (answer.body) : [];
}

/**
 * What `user` sees in the bot's chat on `platform`, oldest first.
 * @param {Platform} platform
 * @param {string} user
 * @returns {Promise<Message[]>}
 */
export async function inboxOf(platform, user) {
  const query = new URLSearchParams({ platform, user });
  const answer = await call('GET', `/_sim/inbox?${query.toString()}`);
  return Array.isArray(answer.body) ? /** @type {Message[]} */ (answer.body) : [];
}

/**
 * The user presses a card button: the simulator sends the platform's signed callback to the app.
 * @param {Platform} platform
 * @param {string} messageId
 * @param {string} userId
 * @param {Action} action
 */
export function click(platform, messageId, userId, action) {
  return call('POST', '/_sim/click', { platform, messageId, userId, action });
}

/** Starts a demo approval through the approvals API (the simulator holds its URL and token). */
export function startDemoTicket() {
  return call('POST', '/_sim/demo/ticket');
}

/**
 * Reports, as the demo's ticket system, that the last demo ticket ran (`executed`) or failed (`execution_failed`):
 * `POST /v1/events` on the approvals API, whose rules tell the requester and the approvers.
 * @param {'executed' | 'execution_failed'} state
 */
export function reportDemoEvent(state) {
  return call('POST', '/_sim/demo/event', { state });
}

/**
 * Sets the language of a user's chat app (what Feishu / Lark pick a card's i18n_content by).
 * @param {string} userId @param {string} locale
 */
export async function setUserLocale(userId, locale) {
  await call('PUT', `/_sim/users/${encodeURIComponent(userId)}`, { locale });
}
