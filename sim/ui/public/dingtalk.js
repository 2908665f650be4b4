// DingTalk (Standard and Exclusive) interactive cards as the published approval template draws them from the
// card's variables (src/channels/dingtalk/dingtalk.card.ts); the simulator's view already resolved the buttons
// and the recipient's private data (sim/dingtalk/template.ts `viewOf`).
import { el, isObject, link, str } from './dom.js';

/** @typedef {import('./types.js').Message} Message */
/** @typedef {import('./types.js').RenderContext} RenderContext */
/** @typedef {import('./types.js').Action} Action */

/** The template colours its status bar by the `status` variable: an approval's status, or a notice's event. */
const STATUS_COLOUR = /** @type {Record<string, string>} */ ({
  pending: 'orange',
  approved: 'green',
  rejected: 'red',
  expired: 'grey',
  withdrawn: 'grey',
  pending_approval: 'orange',
  reminder: 'orange',
  escalated: 'orange',
  executing: 'blue',
  executed: 'green',
  execution_failed: 'red',
  closed: 'grey',
  cancelled: 'grey',
});

/**
 * @param {Message} message
 * @param {RenderContext} ctx
 * @returns {HTMLElement}
 */
export function renderDingtalk(message, ctx) {
  const view = message.view;
  if (message.msgType === 'interactiveCard' && isObject(view)) return card(view, ctx);
  return el('div', { class: 'bubble' }, `[${message.msgType}] ${JSON.stringify(view)}`);
}

/**
 * @param {Record<string, unknown>} view
 * @param {RenderContext} ctx
 */
function card(view, ctx) {
  const vars = { ...stringMap(view.cardParamMap), ...stringMap(view.privateParamMap) };
  const v = (/** @type {string} */ name) => vars[name] ?? '';
  const colour = STATUS_COLOUR[v('status')] ?? 'blue';
  const level = Number(v('level'));
  const buttons = Array.isArray(view.buttons) ? view.buttons.filter(isObject) : [];
  return el(
    'article',
    { class: 'card dingtalk-card' },
    el(
      'header',
      { class: `card-header tpl-${colour}` },
      el('div', { class: 'card-title' }, v('title')),
      el('div', { class: 'card-subtitle' }, [v('ticketType'), v('ticketId')].filter(Boolean).join(' · ')),
    ),
    el(
      'div',
      { class: 'card-body' },
      el('div', { class: 'card-status' }, v('statusText')),
      // The template's labels are variables too (requesterLabel, deadlineLabel: in the reader's language).
      row(v('requesterLabel') || 'Requester', v('requester')),
      ...fieldRows(v('fields')),
      row(v('deadlineLabel') || 'Deadline', v('deadline')),
      level > 1 ? row('Escalation', `level ${level}`) : null,
      v('reminder') ? el('div', { class: 'card-reminder' }, v('reminder')) : null,
      buttons.length > 0 ? el('div', { class: 'card-actions' }, ...buttons.map((b) => button(b, ctx))) : null,
      v('detailsUrl')
        ? el('div', { class: 'card-line' }, link(v('detailsText') || 'View details', openable(v('detailsUrl'))))
        : null,
    ),
  );
}

/** @param {unknown} map @returns {Record<string, string>} */
function stringMap(map) {
  if (!isObject(map)) return {};
  return Object.fromEntries(Object.entries(map).map(([k, val]) => [k, str(val)]));
}

/** @param {string} label @param {string} value */
function row(label, value) {
  return value ? el('div', { class: 'card-line' }, el('span', { class: 'card-label' }, `${label}: `), value) : null;
}

/** `fields` is a JSON array of {label, value} (cardParamMap holds strings only). @param {string} json */
function fieldRows(json) {
  try {
    const list = /** @type {unknown} */ (JSON.parse(json));
    return Array.isArray(list) ? list.filter(isObject).map((f) => row(str(f.label), str(f.value))) : [];
  } catch {
    return [];
  }
}

/**
 * Inside DingTalk, `dingtalk://dingtalkclient/page/link?url=…` opens the page full screen; a browser opens the page.
 * @param {string} url
 */
function openable(url) {
  if (!url.startsWith('dingtalk://')) return url;
  try {
    return new URL(url).searchParams.get('url') ?? url;
  } catch {
    return url;
  }
}

/** @param {Record<string, unknown>} b @param {RenderContext} ctx */
function button(b, ctx) {
  const action = b.id === 'approve' || b.id === 'reject' ? /** @type {Action} */ (b.id) : undefined;
  const kind = action === 'approve' ? 'btn btn-primary_filled' : 'btn btn-danger';
  const node = /** @type {HTMLButtonElement} */ (el('button', { class: kind, type: 'button' }, str(b.text)));
  node.disabled = ctx.busy || !action;
  node.addEventListener('click', () => action && ctx.click(action));
  return node;
}
