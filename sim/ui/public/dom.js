// Tiny DOM helpers. Every text from a card goes in as a text node, never as HTML: cards carry user-supplied text.
/* global document -- browser globals (typed by the DOM lib: tsconfig.json) */

/**
 * `el('div', { class: 'x' }, 'text', child)`: an element with attributes and children (strings become text).
 * @param {string} tag
 * @param {Record<string, string | undefined>} [attrs]
 * @param {(Node | string | null | undefined)[]} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/**
 * Only web links open from the sandbox page (no `javascript:` or other schemes hidden in a card).
 * @param {unknown} url
 * @returns {string | undefined}
 */
export function safeUrl(url) {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A link that opens in a new tab, or plain text when the URL is not a web link.
 * @param {string} text
 * @param {unknown} url
 * @param {string} [className]
 */
export function link(text, url, className) {
  const href = safeUrl(url);
  if (!href) return el('span', { class: className, title: String(url) }, text);
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer', class: className }, text);
}

/**
 * The markdown a bot card uses: `[text](url)` links, `**bold**`, line breaks. Everything else stays literal text.
 * @param {string} source
 * @returns {DocumentFragment}
 */
export function markdown(source) {
  const out = document.createDocumentFragment();
  const token = /\[([^\]]+)\]\(([^)\s]+)\)|\*\*([^*]+)\*\*|\n/g;
  let last = 0;
  for (const match of source.matchAll(token)) {
    out.append(source.slice(last, match.index));
    const [whole, label, url, bold] = match;
    if (label !== undefined) out.append(link(label, url));
    else if (bold !== undefined) out.append(el('strong', {}, bold));
    else out.append(el('br'));
    last = match.index + whole.length;
  }
  out.append(source.slice(last));
  return out;
}

/**
 * `14:03:07` for a time in ms (the page's local time, as a chat app shows it).
 * @param {number} ms
 */
export function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** @param {unknown} v @returns {v is Record<string, unknown>} */
export function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @param {unknown} v */
export function str(v) {
  return typeof v === 'string' ? v : '';
}
