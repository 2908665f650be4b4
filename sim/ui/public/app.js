// The sandbox inbox: one column per platform with the chosen user's chat with the bot, redrawn whenever the
// simulator's inbox changes (Server-Sent Events from /_sim/events).
/* global document, location, history, EventSource -- browser globals (typed by the DOM lib: tsconfig.json) */
import { click, inboxOf, listUsers, reportDemoEvent, setUserLocale, startDemoTicket } from './api.js';
import { clock, el, isObject, link, str } from './dom.js';
import { PLATFORM_ORDER, PLATFORMS } from './platforms.js';

/** @typedef {import('./types.js').Platform} Platform */
/** @typedef {import('./types.js').Message} Message */
/** @typedef {import('./types.js').Action} Action */
/** @typedef {{ text: string, kind: 'info' | 'ok' | 'error' }} Note */

const state = {
  user: new URLSearchParams(location.search).get('user') ?? 'bob',
  /** The language of the chosen user's chat app (their cards and toasts are drawn in it). */
  locale: 'en-US',
  /** @type {Map<string, Note>} what the last click on a message answered, by platform/messageId */
  notes: new Map(),
  /** @type {Set<string>} messages with a click on its way */
  busy: new Set(),
  /** @type {Set<string>} messages whose history the user opened (kept open across redraws) */
  openHistory: new Set(),
  /** Drops answers of older refreshes that arrive after newer ones. */
  generation: 0,
};

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

function setStatus(/** @type {Node | string} */ content, /** @type {Note['kind']} */ kind = 'info') {
  $('status').replaceChildren(content);
  $('status').dataset.kind = kind;
}

async function refresh() {
  const generation = ++state.generation;
  const user = state.user;
  const inboxes = await Promise.all(PLATFORM_ORDER.map((p) => inboxOf(p, user)));
  if (generation !== state.generation) return;
  PLATFORM_ORDER.forEach((platform, i) => drawPanel(platform, inboxes[i] ?? []));
}

/** @param {Platform} platform @param {Message[]} messages */
function drawPanel(platform, messages) {
  const list = /** @type {HTMLElement} */ (document.querySelector(`[data-panel="${platform}"] .messages`));
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const rows = messages.map((m) => drawMessage(m));
  list.replaceChildren(...(rows.length > 0 ? rows : [el('p', { class: 'empty' }, 'No messages from the bot yet.')]));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

/** @param {Message} message */
function drawMessage(message) {
  const key = `${message.platform}/${message.id}`;
  const ctx = {
    busy: state.busy.has(key),
    click: (/** @type {Action} */ a) => void press(message, a),
    lang: cardLang(state.locale),
  };
  const note = state.notes.get(key);
  return el(
    'div',
    { class: 'msg', 'data-platform': message.platform, 'data-message-id': message.id },
    el('div', { class: 'msg-meta' }, `${PLATFORMS[message.platform].bot} · ${clock(message.createdAt)}`),
    PLATFORMS[message.platform].render(message, ctx),
    note ? el('div', { class: `click-note ${note.kind}`, role: 'status' }, note.text) : null,
    historyOf(message, key),
  );
}

/** Every revision of the message (sent, updated by the app, replaced by a callback answer) and every click. */
function historyOf(/** @type {Message} */ message, /** @type {string} */ key) {
  const revisions = message.history.map((h) =>
    el('li', {}, `${clock(h.at)} ${h.source}${h.viewOf ? ` (only ${h.viewOf}'s view)` : ''}`),
  );
  const clicks = message.clicks.map((c) =>
    el(
      'li',
      {},
      `${clock(c.at)} ${c.userId} pressed ${c.action} → ${c.clientError ? c.clientError.code : `HTTP ${c.status ?? '-'}`}`,
    ),
  );
  const details = /** @type {HTMLDetailsElement} */ (
    el(
      'details',
      { class: 'history' },
      el('summary', {}, `${message.history.length} revision(s), ${message.clicks.length} click(s)`),
      el('ol', {}, ...revisions, ...clicks),
    )
  );
  details.open = state.openHistory.has(key);
  details.addEventListener('toggle', () => {
    if (details.open) state.openHistory.add(key);
    else state.openHistory.delete(key);
  });
  return details;
}

/**
 * Press a card button as the selected user; the note under the card says what the app answered.
 * @param {Message} message
 * @param {Action} action
 */
async function press(message, action) {
  const key = `${message.platform}/${message.id}`;
  state.busy.add(key);
  state.notes.set(key, { text: `${action}: sending the ${PLATFORMS[message.platform].label} callback…`, kind: 'info' });
  void refresh();
  try {
    const answer = await click(message.platform, message.id, state.user, action);
    state.notes.set(key, noteFor(answer.status, answer.body));
  } catch (err) {
    state.notes.set(key, { text: `click failed: ${String(err)}`, kind: 'error' });
  } finally {
    state.busy.delete(key);
    await refresh();
  }
}

/**
 * What the user's app would show after the press: the toast, the client-side error, or what went wrong.
 * @returns {Note}
 */
function noteFor(/** @type {number} */ status, /** @type {unknown} */ body) {
  if (status !== 200 || !isObject(body)) return { text: errorText(body, status), kind: 'error' };
  const record = isObject(body.record) ? body.record : {};
  if (isObject(record.clientError)) {
    const e = record.clientError;
    return {
      text: `The app's answer was unusable (${String(e.code)}): ${str(e.msg)}`,
      kind: 'error',
    };
  }
  const toast = toastText(record.toast);
  if (toast) return { text: toast, kind: 'ok' };
  const answered = typeof record.status === 'number' ? record.status : '-';
  return { text: `The app answered HTTP ${answered}`, kind: 'ok' };
}

/** `zh-CN` → `zh_cn`: how card JSON and toasts name a language. @param {string} locale */
function cardLang(locale) {
  return locale.toLowerCase().replace('-', '_');
}

/** Feishu toasts: `{type, content}` or `{type, i18n: {en_us, ...}}`, in the client's language. @param {unknown} toast */
function toastText(toast) {
  if (!isObject(toast)) return '';
  const i18n = isObject(toast.i18n) ? toast.i18n : {};
  return str(i18n[cardLang(state.locale)]) || str(toast.content) || str(i18n.en_us) || str(Object.values(i18n)[0]);
}

/** @param {unknown} body @param {number} status */
function errorText(body, status) {
  if (isObject(body) && isObject(body.error))
    return `HTTP ${status}: ${str(body.error.message) || str(body.error.code)}`;
  if (isObject(body) && typeof body.error === 'string') return `HTTP ${status}: ${body.error}`;
  return `HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`;
}

async function newDemoTicket() {
  const button = /** @type {HTMLButtonElement} */ ($('demo'));
  button.disabled = true;
  setStatus('Starting a demo approval…');
  try {
    const answer = await startDemoTicket();
    const body = isObject(answer.body) ? answer.body : {};
    if (answer.status !== 201 && answer.status !== 200)
      return setStatus(errorText(answer.body, answer.status), 'error');
    const links = isObject(body.links) ? body.links : {};
    const ticket = str(body.ticketId);
    for (const id of ['executed', 'failed']) /** @type {HTMLButtonElement} */ ($(id)).disabled = false;
    setStatus(
      el(
        'span',
        { 'data-ticket-id': ticket },
        `Started ${ticket}: cards are on their way to the approvers. `,
        link('Temporal UI', links.temporalUi),
      ),
      'ok',
    );
  } catch (err) {
    setStatus(`Could not start a demo approval: ${String(err)}`, 'error');
  } finally {
    button.disabled = false;
  }
}

/**
 * The ticket system's side of the demo: the last demo ticket ran (or failed), reported with POST /v1/events; the
 * rules then tell the requester and the approvers, and their chats show the notice.
 * @param {'executed' | 'execution_failed'} state
 */
async function reportEvent(state) {
  setStatus(`Reporting "${state}" as the ticket system…`);
  try {
    const answer = await reportDemoEvent(state);
    const body = isObject(answer.body) ? answer.body : {};
    if (answer.status !== 201 && answer.status !== 200)
      return setStatus(errorText(answer.body, answer.status), 'error');
    const ticket = isObject(body.ticket) ? str(body.ticket.ticketId) : '';
    const reason = str(body.reason);
    const links = isObject(body.links) ? body.links : {};
    setStatus(
      el(
        'span',
        { 'data-event-id': str(body.eventId) },
        reason ? `${ticket} ${state}: nobody is told (${reason}). ` : `${ticket} ${state}: notices are on their way. `,
        link('Temporal UI', links.temporalUi),
      ),
      reason ? 'info' : 'ok',
    );
  } catch (err) {
    setStatus(`Could not report the event: ${String(err)}`, 'error');
  }
}

async function setupUsers() {
  const picker = /** @type {HTMLSelectElement} */ ($('user'));
  const language = /** @type {HTMLSelectElement} */ ($('locale'));
  let users = await listUsers();
  if (!users.some((u) => u.id === state.user) && users[0]) state.user = users[0].id;
  picker.replaceChildren(...users.map((u) => el('option', { value: u.id }, u.name ? `${u.name} (${u.id})` : u.id)));
  picker.value = state.user;
  const showLocale = () => {
    state.locale = users.find((u) => u.id === state.user)?.locale ?? 'en-US';
    language.value = state.locale;
  };
  showLocale();
  picker.addEventListener('change', () => {
    state.user = picker.value;
    history.replaceState(null, '', `?user=${encodeURIComponent(state.user)}`);
    showLocale();
    void refresh();
  });
  // The chosen user's chat app switches language: Feishu / Lark cards and toasts are drawn in it from now on.
  const switchLanguage = async () => {
    await setUserLocale(state.user, language.value);
    users = await listUsers();
    showLocale();
    await refresh();
  };
  language.addEventListener('change', () => void switchLanguage());
}

function listen() {
  const events = new EventSource('/_sim/events');
  events.addEventListener('inbox', () => void refresh());
  events.addEventListener('open', () => ($('live').dataset.live = 'true'));
  events.addEventListener('error', () => ($('live').dataset.live = 'false'));
}

function drawPanels() {
  $('panels').replaceChildren(
    ...PLATFORM_ORDER.map((p) =>
      el(
        'section',
        { class: `panel panel-${p}`, 'data-panel': p },
        el('h2', {}, PLATFORMS[p].label, el('span', { class: 'bot' }, PLATFORMS[p].bot)),
        el('div', { class: 'messages' }),
      ),
    ),
  );
}

drawPanels();
$('demo').addEventListener('click', () => void newDemoTicket());
$('executed').addEventListener('click', () => void reportEvent('executed'));
$('failed').addEventListener('click', () => void reportEvent('execution_failed'));
await setupUsers();
await refresh();
listen();
document.body.dataset.ready = 'true';
