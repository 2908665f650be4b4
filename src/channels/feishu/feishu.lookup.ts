/**
 * Coalesces user lookups into `contact/v3/users/batch_get_id` calls of up to 50 mobiles and 50 emails: the
 * recipients activity resolves many people at once, and 500 new approvers cost 10 calls instead of 500 (each one
 * also spends the app's per-second limit on that API).
 */
export interface Contact {
  mobile?: string;
  email?: string;
}

export interface LookupEntry {
  user_id?: string | undefined;
  mobile?: string | undefined;
  email?: string | undefined;
}

/** One batch_get_id call: the ids Feishu knows, echoed with the mobile / email they were found by. */
export type BatchLookup = (batch: { mobiles: string[]; emails: string[] }) => Promise<LookupEntry[]>;

interface Waiter {
  contact: Contact;
  resolve: (openId: string | undefined) => void;
  reject: (err: unknown) => void;
}

/** Documented maximum of each list in one batch_get_id request. */
export const MAX_PER_LIST = 50;

export class LookupBatcher {
  private waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `windowMs`: how long the first lookup waits for others to join its call. */
  constructor(
    private readonly lookup: BatchLookup,
    private readonly windowMs = 5,
  ) {}

  /**
   * The contact's open_id, or undefined when Feishu has no such user (unknown, resigned, out of scope). An aborted
   * `signal` rejects this lookup only; the shared call goes on for the others.
   */
  resolve(contact: Contact, signal?: AbortSignal): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const aborted = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('lookup aborted'));
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      this.waiting.push({ contact, resolve, reject });
      if (this.oneListFull()) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private oneListFull(): boolean {
    const mobiles = this.waiting.filter((w) => w.contact.mobile).length;
    const emails = this.waiting.filter((w) => w.contact.email).length;
    return mobiles >= MAX_PER_LIST || emails >= MAX_PER_LIST;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length > 0) void this.send(this.takeBatch());
  }

  /** The longest prefix of the queue whose mobiles and emails each fit one request. */
  private takeBatch(): Waiter[] {
    let mobiles = 0;
    let emails = 0;
    let n = 0;
    for (const { contact } of this.waiting) {
      const m = mobiles + (contact.mobile ? 1 : 0);
      const e = emails + (contact.email ? 1 : 0);
      if (n > 0 && (m > MAX_PER_LIST || e > MAX_PER_LIST)) break;
      [mobiles, emails, n] = [m, e, n + 1];
    }
    return this.waiting.splice(0, n);
  }

  private async send(batch: Waiter[]): Promise<void> {
    const mobiles = unique(batch.flatMap((w) => (w.contact.mobile ? [w.contact.mobile] : [])));
    const emails = unique(batch.flatMap((w) => (w.contact.email ? [w.contact.email] : [])));
    let found: LookupEntry[];
    try {
      found = await this.lookup({ mobiles, emails });
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    const byMobile = new Map(found.filter((u) => u.user_id && u.mobile).map((u) => [u.mobile, u.user_id]));
    const byEmail = new Map(found.filter((u) => u.user_id && u.email).map((u) => [u.email?.toLowerCase(), u.user_id]));
    // The mobile wins when both are known, as in a one-person lookup.
    for (const w of batch) {
      const { mobile, email } = w.contact;
      w.resolve((mobile && byMobile.get(mobile)) || (email && byEmail.get(email.toLowerCase())) || undefined);
    }
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
