import { randomBytes } from 'node:crypto';
import type { SimClock, SimPlatform } from './types.js';

/** One version of a message's content, with who changed it and how. */
export interface SimRevision {
  at: number;
  /** `send` = delivered, `update` = changed over the API, `callback` = replaced by an app's callback answer. */
  source: 'send' | 'update' | 'callback';
  content: unknown;
  /** Sim user whose view changed (callback answers that only refresh the clicker's view). */
  viewOf?: string;
}

/** What happened when a sim user clicked a button on the message. */
export interface SimClickRecord {
  at: number;
  userId: string;
  action: string;
  /** HTTP status the app answered with; undefined when it could not be reached. */
  status?: number;
  /** The app's answer (parsed JSON when possible). */
  response?: unknown;
  /** The platform's client-side error when the answer was unusable (Feishu 200341 timeout, 200671, ...). */
  clientError?: { code: number | string; msg: string };
  toast?: unknown;
  cardApplied: boolean;
}

export interface SimMessage {
  /** Platform message handle: Feishu `om_...`, DingTalk outTrackId / processQueryKey. */
  id: string;
  platform: SimPlatform;
  appId: string;
  /** Sim user id of the recipient. */
  userId: string;
  /** Platform id the sender used for the recipient (open_id, userId). */
  recipientPlatformId: string;
  chatId?: string;
  /** Platform message type: Feishu `interactive` / `text`, DingTalk card type, ... */
  msgType: string;
  /** Current content as everyone sees it (parsed JSON for cards). */
  content: unknown;
  /** Per-user content where a callback answer refreshed only the clicker's view. */
  views: Record<string, unknown>;
  /** Replies / reminders point at the message they answer. */
  parentId?: string;
  idempotencyKey?: string;
  createdAt: number;
  updatedAt: number;
  history: SimRevision[];
  clicks: SimClickRecord[];
  /** Platform-specific bookkeeping (e.g. Feishu update_multi, DingTalk cardTemplateId, callbackRouteKey). */
  meta: Record<string, unknown>;
}

export type NewSimMessage = Omit<SimMessage, 'id' | 'createdAt' | 'updatedAt' | 'history' | 'clicks' | 'views'> & {
  id?: string;
};

/** Every message delivered to a sim user, with its update history and clicks. */
export class Inbox {
  private readonly messages = new Map<string, SimMessage>();

  constructor(private readonly clock: SimClock) {}

  /** Random hex id with a prefix, e.g. `newId('om_')`. */
  static newId(prefix: string, bytes = 16): string {
    return `${prefix}${randomBytes(bytes).toString('hex')}`;
  }

  add(message: NewSimMessage): SimMessage {
    const now = this.clock.now();
    const stored: SimMessage = {
      ...message,
      id: message.id ?? Inbox.newId('msg_'),
      createdAt: now,
      updatedAt: now,
      views: {},
      history: [{ at: now, source: 'send', content: message.content }],
      clicks: [],
    };
    this.messages.set(key(stored.platform, stored.id), stored);
    return stored;
  }

  get(platform: SimPlatform, id: string): SimMessage | undefined {
    return this.messages.get(key(platform, id));
  }

  /** Messages in delivery order, optionally for one platform and / or sim user. */
  list(filter: { platform?: SimPlatform; userId?: string } = {}): SimMessage[] {
    return [...this.messages.values()].filter(
      (m) => (!filter.platform || m.platform === filter.platform) && (!filter.userId || m.userId === filter.userId),
    );
  }

  /** New content for everyone (`viewOf` unset) or only for one sim user's view. */
  update(message: SimMessage, content: unknown, source: SimRevision['source'], viewOf?: string): void {
    const now = this.clock.now();
    message.updatedAt = now;
    message.history.push({ at: now, source, content, ...(viewOf ? { viewOf } : {}) });
    if (viewOf) {
      message.views[viewOf] = content;
    } else {
      message.content = content;
      message.views = {};
    }
  }

  /** What one sim user sees. */
  viewFor(message: SimMessage, userId: string): unknown {
    return userId in message.views ? message.views[userId] : message.content;
  }

  clear(): void {
    this.messages.clear();
  }
}

function key(platform: SimPlatform, id: string): string {
  return `${platform}\u0000${id}`;
}
