import type { DecisionKind } from '../../domain/approval.js';
import type { ApprovalCard } from '../../domain/card.js';
import type { ChannelKind } from '../../domain/channel.js';
import { stableHash } from '../../domain/ids.js';
import type { Reader } from '../../i18n/locale.js';
import type { LocalText } from '../../i18n/say.js';

/**
 * One verified button click, platform-neutral. `platformUserId` comes from the platform's verified callback
 * (Feishu operator open_id, DingTalk userId) and is the only identity we trust; ticket, tenant, action and nonce
 * are echoed from the button and only say which approval and what was pressed.
 */
export interface CardClick {
  kind: ChannelKind;
  /** Prefixed per platform (`feishu:…`, `dingtalk:…`); the `decide` update id and the de-duplication key. */
  eventId: string;
  platformUserId: string;
  tenant: string;
  ticketId: string;
  action: DecisionKind;
  nonce: string;
  /** The platform shows our answer's card in place of the clicked card (Feishu / Lark; DingTalk: only a view). */
  answerShowsCard?: boolean;
}

export type AnswerTone = 'success' | 'info' | 'warning' | 'error';

/** What the clicker is told, before each platform renders it (Feishu toast + card, DingTalk card data). */
export interface ClickAnswer {
  tone: AnswerTone;
  /** Said in the clicker's language (`reader`); Feishu / Lark toasts also carry every other language. */
  message: LocalText;
  /** The clicker's language and zone, when we know who clicked (else the default). */
  reader?: Reader;
  /** The clicker's card in the approval's new final state, when we know it. */
  card?: ApprovalCard;
  /** Take the buttons off the clicker's card (they voted, or the approval is closed). */
  hideActions: boolean;
  /** Safe to replay for the same event id: false for "received" and "could not be recorded". */
  final: boolean;
}

/** `<kind>:<id>`; ids that are long or carry other characters are hashed, so every id fits the 128-char eventId. */
export function platformEventId(kind: ChannelKind, raw: string): string {
  return /^[A-Za-z0-9_.-]{1,100}$/.test(raw) ? `${kind}:${raw}` : `${kind}:h-${stableHash(raw)}`;
}
