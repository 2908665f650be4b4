// Feishu and Lark messages as their clients draw them: interactive cards from their JSON (schema 2.0, and the
// 1.0 modules a bot may still send), text messages and replies as chat bubbles.
/* global window -- browser globals (typed by the DOM lib: tsconfig.json) */
import { el, isObject, link, markdown, str } from './dom.js';

/** @typedef {import('./types.js').Message} Message */
/** @typedef {import('./types.js').RenderContext} RenderContext */
/** @typedef {import('./types.js').Action} Action */

/** Header colours Feishu offers (`header.template`); anything else draws as `default`. */
const TEMPLATES = ['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple'];
const MORE_TEMPLATES = ['indigo', 'grey', 'default'];

/**
 * @param {Message} message
 * @param {RenderContext} ctx
 * @returns {HTMLElement}
 */
export function renderFeishu(message, ctx) {
  clientLang = ctx.lang;
  const view = message.view;
  if (message.msgType === 'interactive' && isObject(view)) return card(view, ctx);
  if (message.msgType === 'text' && isObject(view)) {
    return el(
      'div',
      { class: 'bubble' },
      message.parentId ? el('div', { class: 'quote' }, 'Reply to a card') : null,
      str(view.text),
    );
  }
  return el('div', { class: 'bubble' }, `[${message.msgType}] ${JSON.stringify(view)}`);
}

/** The language of the client drawing the card now (set per render; a card picks its i18n_content by it). */
let clientLang = 'en_us';

/**
 * A text in the client's language: its `i18n_content` entry, else `content`, as the Feishu client does.
 * @param {Record<string, unknown>} node
 */
function contentOf(node) {
  const i18n = isObject(node.i18n_content) ? node.i18n_content : {};
  return str(i18n[clientLang]) || str(node.content);
}

/**
 * `plain_text` stays text; `lark_md` (and a bare string) is the small markdown Feishu renders.
 * @param {unknown} text
 * @returns {Node | string}
 */
function textOf(text) {
  if (typeof text === 'string') return text;
  if (!isObject(text)) return '';
  return text.tag === 'lark_md' ? markdown(contentOf(text)) : contentOf(text);
}

/**
 * @param {Record<string, unknown>} card
 * @param {RenderContext} ctx
 */
function card(card, ctx) {
  const header = isObject(card.header) ? card.header : {};
  const wanted = str(header.template);
  const template = [...TEMPLATES, ...MORE_TEMPLATES].includes(wanted) ? wanted : 'default';
  const body = isObject(card.body) ? card.body.elements : card.elements;
  const elements = Array.isArray(body) ? body : [];
  return el(
    'article',
    { class: 'card feishu-card' },
    el(
      'header',
      { class: `card-header tpl-${template}` },
      el('div', { class: 'card-title' }, textOf(header.title)),
      header.subtitle ? el('div', { class: 'card-subtitle' }, textOf(header.subtitle)) : null,
    ),
    el('div', { class: 'card-body' }, ...elements.map((e) => element(e, ctx))),
  );
}

/**
 * One card component, by its `tag`.
 * @param {unknown} node
 * @param {RenderContext} ctx
 * @returns {HTMLElement}
 */
function element(node, ctx) {
  if (!isObject(node)) return el('div');
  switch (node.tag) {
    case 'div':
      return el('div', { class: 'card-line' }, textOf(node.text), ...fields(node.fields));
    case 'markdown':
      return el('div', { class: 'card-line' }, markdown(contentOf(node)));
    case 'hr':
      return el('hr');
    case 'note':
      return el('div', { class: 'card-note-line' }, ...children(node.elements, ctx));
    case 'column_set':
    case 'action':
      return el('div', { class: 'card-actions' }, ...children(node.columns ?? node.actions, ctx));
    case 'column':
      return el('div', { class: 'card-column' }, ...children(node.elements, ctx));
    case 'button':
      return button(node, ctx);
    case 'plain_text':
    case 'lark_md':
      return el('span', {}, textOf(node));
    default:
      return el('div', { class: 'card-unknown' }, `[${str(node.tag) || 'unknown'} component]`);
  }
}

/** @param {unknown} list @param {RenderContext} ctx */
function children(list, ctx) {
  return Array.isArray(list) ? list.map((e) => element(e, ctx)) : [];
}

/** Schema 1.0 `div.fields`: short label / value pairs side by side. @param {unknown} list */
function fields(list) {
  if (!Array.isArray(list)) return [];
  return list.map((f) => el('div', { class: 'card-field' }, textOf(isObject(f) ? f.text : '')));
}

/**
 * What pressing a button means to the simulator: the action its callback value names, else its label.
 * @param {unknown} value
 * @param {string} label
 * @returns {Action | undefined}
 */
function actionOf(value, label) {
  const named = isObject(value) ? [value.a, value.action, value.decision] : [value];
  for (const action of /** @type {const} */ (['approve', 'reject'])) {
    if (named.includes(action) || label.toLowerCase().includes(action)) return action;
  }
  return undefined;
}

/**
 * A callback button (the simulator sends the signed callback) or a link button ("View details").
 * @param {Record<string, unknown>} node
 * @param {RenderContext} ctx
 */
function button(node, ctx) {
  const label = isObject(node.text) ? contentOf(node.text) : str(node.text);
  const behaviors = Array.isArray(node.behaviors) ? node.behaviors.filter(isObject) : [];
  const open = behaviors.find((b) => b.type === 'open_url');
  const url = open ? open.default_url : (node.url ?? (isObject(node.multi_url) ? node.multi_url.url : undefined));
  const kind = `btn btn-${str(node.type) || 'default'}`;
  if (url !== undefined) return link(label, url, kind);
  const callback = behaviors.find((b) => b.type === 'callback');
  const action = actionOf(callback ? callback.value : node.value, label);
  const b = /** @type {HTMLButtonElement} */ (el('button', { class: kind, type: 'button' }, label));
  b.disabled = ctx.busy || !action;
  b.addEventListener('click', () => {
    if (action && confirmed(node.confirm)) ctx.click(action);
  });
  return b;
}

/** Feishu asks before a button with `confirm` (e.g. Reject) sends anything. @param {unknown} confirm */
function confirmed(confirm) {
  if (!isObject(confirm)) return true;
  const title = isObject(confirm.title) ? contentOf(confirm.title) : '';
  const text = isObject(confirm.text) ? contentOf(confirm.text) : '';
  return window.confirm([title, text].filter(Boolean).join('\n\n'));
}
