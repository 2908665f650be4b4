import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type {
  ChannelProvider,
  GroupCardProvider,
  GroupCardRequest,
  GroupNoticeProvider,
  GroupNoticeRequest,
  NoticeRequest,
  ReminderRequest,
  SendCardRequest,
  UpdateCardRequest,
} from '../provider.js';
import { observerFor, type PlatformCallObserver } from '../call-observer.js';
import { ChannelError } from '../channel-error.js';
import type { Reader } from '../../i18n/locale.js';
import { renderFeishuCard, renderReminderText } from './feishu.card.js';
import { renderFeishuNotice } from './feishu.notice.js';
import { FeishuClient } from './feishu.client.js';
import { LookupBatcher } from './feishu.lookup.js';
import type { FeishuKind, ResolvedFeishuConfig } from './feishu.config.js';

const MessageData = z.object({ message_id: z.string().min(1) });
const UserList = z.object({
  user_list: z
    .array(z.object({ user_id: z.string().optional(), mobile: z.string().optional(), email: z.string().optional() }))
    .default([]),
});

/** Feishu's `uuid` is at most 50 chars; longer keys are hashed (deterministically) to fit. */
export function feishuUuid(idempotencyKey: string): string {
  if (idempotencyKey.length <= 50) return idempotencyKey;
  return `h-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 48)}`;
}

export interface FeishuProviderOptions {
  now?: () => number;
  /** Usage accounting: told about every platform call this app makes. */
  onCall?: PlatformCallObserver;
}

/** ChannelProvider for Feishu and Lark: same API and cards, different base URL and credentials. */
export class FeishuProvider implements ChannelProvider, GroupCardProvider, GroupNoticeProvider {
  private readonly client: FeishuClient;
  private readonly users = new Map<string, { openId: string; expiresAt: number }>();
  private readonly lookups: LookupBatcher;
  private readonly label: string;
  private readonly now: () => number;

  constructor(
    readonly kind: FeishuKind,
    private readonly config: ResolvedFeishuConfig,
    dispatcher: Dispatcher,
    options: FeishuProviderOptions = {},
  ) {
    this.label = kind === 'lark' ? 'Lark' : 'Feishu';
    this.now = options.now ?? Date.now;
    const observer = observerFor(options.onCall, kind, config.appId, this.now);
    this.client = new FeishuClient({
      platform: this.label,
      config,
      dispatcher,
      now: this.now,
      ...(observer ? { observer } : {}),
    });
    this.lookups = new LookupBatcher(async ({ mobiles, emails }) => {
      const data = await this.client.call({
        api: 'resolve_user',
        method: 'POST',
        path: '/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id',
        body: { ...(mobiles.length ? { mobiles } : {}), ...(emails.length ? { emails } : {}) },
        data: UserList,
      });
      return data.user_list;
    });
  }

  async resolveUser(contact: { mobile?: string; email?: string }, signal?: AbortSignal): Promise<string> {
    const key = contact.mobile ? `m:${contact.mobile}` : contact.email ? `e:${contact.email.toLowerCase()}` : '';
    if (!key) throw new ChannelError('INVALID_REQUEST', 'resolveUser needs a mobile or an email');
    const cached = this.users.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.openId;
    const openId = await this.lookups.resolve(contact, signal);
    if (!openId) {
      // Feishu omits user_id instead of failing: unknown, resigned, or outside the app's contact data scope.
      const by = [contact.mobile && 'mobile', contact.email && 'email'].filter(Boolean).join(' or ');
      const reason = `no ${this.label} user for this ${by} (unknown, resigned, or outside the app's contact scope)`;
      throw new ChannelError('RECIPIENT_UNREACHABLE', reason);
    }
    this.users.set(key, { openId, expiresAt: this.now() + this.config.userCacheTtlMs });
    return openId;
  }

  async sendCard(req: SendCardRequest): Promise<{ cardRef: string }> {
    const messageId = await this.send('open_id', req.recipient.platformUserId, this.cardContent(req), req);
    return { cardRef: messageId };
  }

  /** One card in an approvers' group chat: the same card JSON, its buttons carrying the approval's group nonce. */
  async sendGroupCard(req: GroupCardRequest): Promise<{ cardRef: string }> {
    const content = this.cardContent({ card: req.card, ...(req.reader && { recipient: { reader: req.reader } }) });
    return { cardRef: await this.send('chat_id', req.chatId, content, req) };
  }

  /** A notice to one person: a card without buttons; `uuid` makes a retried send deliver it once. */
  async sendNotice(req: NoticeRequest): Promise<{ ref: string }> {
    return { ref: await this.send('open_id', req.recipient.platformUserId, this.noticeContent(req), req) };
  }

  /** A notice in a group chat: one message for everyone in it, whatever their number. */
  async sendGroupNotice(req: GroupNoticeRequest): Promise<{ ref: string }> {
    return { ref: await this.send('chat_id', req.chatId, this.noticeContent(req), req) };
  }

  private async send(
    idType: 'open_id' | 'chat_id',
    receiveId: string,
    content: string,
    req: { idempotencyKey: string; signal?: AbortSignal },
  ): Promise<string> {
    const data = await this.client.call({
      api: 'send',
      method: 'POST',
      path: `/open-apis/im/v1/messages?receive_id_type=${idType}`,
      body: { receive_id: receiveId, msg_type: 'interactive', content, uuid: feishuUuid(req.idempotencyKey) },
      data: MessageData,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    return data.message_id;
  }

  async updateCard(req: UpdateCardRequest): Promise<void> {
    await this.client.call({
      api: 'update',
      method: 'PATCH',
      path: `/open-apis/im/v1/messages/${encodeURIComponent(req.cardRef)}`,
      body: { content: this.cardContent(req) },
      data: z.unknown(),
      ...(req.signal ? { signal: req.signal } : {}),
    });
  }

  /** Feishu can't re-ping a card: the reminder is a text reply under it (uuid makes a retried reminder a no-op). */
  async remind(req: ReminderRequest): Promise<void> {
    await this.client.call({
      api: 'reply',
      method: 'POST',
      path: `/open-apis/im/v1/messages/${encodeURIComponent(req.cardRef)}/reply`,
      body: {
        msg_type: 'text',
        content: JSON.stringify({ text: renderReminderText(req.card, req.reminder, req.recipient.reader) }),
        uuid: feishuUuid(req.idempotencyKey),
      },
      data: MessageData,
      ...(req.signal ? { signal: req.signal } : {}),
    });
  }

  /** `content` is the card as a JSON string, not an object. */
  /** In the recipient's language and zone (a group chat's card: the default reader, its zone named). */
  private cardContent(req: { card: UpdateCardRequest['card']; recipient?: { reader?: Reader } }): string {
    const reader = req.recipient?.reader;
    return JSON.stringify(renderFeishuCard(req.card, { ...this.cardOptions(), ...(reader && { reader }) }));
  }

  private noticeContent(req: { notice: NoticeRequest['notice']; recipient?: { reader?: Reader } }): string {
    const reader = req.recipient?.reader;
    return JSON.stringify(renderFeishuNotice(req.notice, { ...this.cardOptions(), ...(reader && { reader }) }));
  }

  private cardOptions() {
    return this.config.consoleBaseUrl ? { consoleBaseUrl: this.config.consoleBaseUrl } : {};
  }
}
