/** Documented limits: card / post content ≤ 30 KB, text ≤ 150 KB (im/v1/messages create, reply and PATCH). */
export const CARD_MAX_BYTES = 30 * 1024;
export const TEXT_MAX_BYTES = 150 * 1024;

export type CardCheck = { ok: true; card: Record<string, unknown> } | { ok: false; code: number; msg: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object in a card, depth first (elements, columns, containers, ...). */
export function walk(node: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (isObject(node)) {
    visit(node);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

export function isSchema2(card: Record<string, unknown>): boolean {
  return card.schema === '2.0';
}

/**
 * Shared card ("update_multi": true): schema 2.0 cards are always shared (only true is supported); schema 1.0
 * cards default to false and must declare it — PATCH requires it on both the old and the new card.
 */
export function isShared(card: Record<string, unknown>): boolean {
  const config = isObject(card.config) ? card.config : {};
  if (isSchema2(card)) return config.update_multi !== false;
  return config.update_multi === true;
}

/** Parse and check the `content` string of an interactive message the way Feishu does before delivering it. */
export function checkCard(content: string): CardCheck {
  if (Buffer.byteLength(content, 'utf8') > CARD_MAX_BYTES) {
    return { ok: false, code: 230025, msg: 'The length of the message content reaches its limit.' };
  }
  let card: unknown;
  try {
    card = JSON.parse(content);
  } catch {
    return {
      ok: false,
      code: 230099,
      msg: 'Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err',
    };
  }
  if (!isObject(card)) {
    return {
      ok: false,
      code: 230099,
      msg: 'Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err',
    };
  }
  if (isSchema2(card) && hasTag(card, 'action')) {
    // Schema 2.0 dropped the `action` module: buttons go straight into elements.
    return {
      ok: false,
      code: 230099,
      msg: 'Failed to create card content, ext=ErrCode: 200861; ErrMsg: cards of schema V2 no longer support this capability',
    };
  }
  return { ok: true, card };
}

function hasTag(card: Record<string, unknown>, tag: string): boolean {
  let found = false;
  walk(card, (o) => {
    if (o.tag === tag) found = true;
  });
  return found;
}

export interface CardButton {
  text: string;
  name?: string;
  /** What the callback echoes as `action.value`: schema 2.0 `behaviors[type=callback].value`, 1.0 `value`. */
  value: unknown;
}

/** Buttons that make a callback when pressed (link-only buttons don't). */
export function callbackButtons(card: unknown): CardButton[] {
  const out: CardButton[] = [];
  walk(card, (o) => {
    if (o.tag !== 'button') return;
    const behaviors = Array.isArray(o.behaviors) ? o.behaviors.filter(isObject) : [];
    const callback = behaviors.find((b) => b.type === 'callback');
    const value = callback ? callback.value : o.value;
    if (value === undefined) return;
    const text = isObject(o.text) && typeof o.text.content === 'string' ? o.text.content : '';
    out.push({ text, value, ...(typeof o.element_id === 'string' ? { name: o.element_id } : {}) });
  });
  return out;
}

/** The button a sim user means by "approve" / "reject": by its value's action field, else by its label. */
export function findButton(card: unknown, action: string): CardButton | undefined {
  const buttons = callbackButtons(card);
  const byValue = buttons.find((b) => {
    if (!isObject(b.value)) return b.value === action;
    return [b.value.a, b.value.action, b.value.decision].includes(action);
  });
  return byValue ?? buttons.find((b) => b.text.toLowerCase().includes(action));
}
