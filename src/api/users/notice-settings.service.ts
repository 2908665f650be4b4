import { Inject, Injectable } from '@nestjs/common';
import { STORE } from '../../db/database.module.js';
import type { Store } from '../../db/store.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../domain/channel.js';
import type { NoticeSettings } from '../../domain/notice.js';
import type { User } from '../../domain/user.js';
import { ApiError } from '../common/api-error.js';
import { EventCatalogue } from '../events/event-catalogue.js';
import type { EffectiveNotices } from './users.schemas.js';

const REQUEST_NOTE =
  'Approval requests you are asked to decide reach you whatever this says, unless the rule honours your settings; ' +
  'this switch covers the notices of requests you are only told about.';

/**
 * A person's own notice settings: which events (and channels per event) they are told of. Shown as they apply, with
 * the channel switches and the service's enabled channels folded in; written whole, every event checked against the
 * tenant's catalogue.
 */
@Injectable()
export class NoticeSettingsService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(EventCatalogue) private readonly catalogue: EventCatalogue,
  ) {}

  async get(userId: string, tenant: string): Promise<EffectiveNotices> {
    return this.effective(await this.user(userId), tenant);
  }

  async put(userId: string, tenant: string, notices: NoticeSettings): Promise<EffectiveNotices> {
    const user = await this.user(userId);
    const known = new Set((await this.catalogue.list(tenant)).map((s) => s.state));
    const unknown = Object.keys(notices).filter((event) => !known.has(event));
    if (unknown.length > 0) {
      throw new ApiError(
        'UNKNOWN_EVENT',
        `Unknown event(s) ${unknown.join(', ')} in tenant ${tenant}`,
        unknown.map((event) => ({ path: `notices.${event}`, message: 'not an event of this tenant' })),
      );
    }
    const { user: saved } = await this.store.users.put({ ...user, notices });
    return this.effective(saved, tenant);
  }

  private async user(userId: string): Promise<User> {
    const user = await this.store.users.get(userId);
    if (!user) throw new ApiError('USER_NOT_FOUND', `no user ${userId}`);
    return user;
  }

  private async effective(user: User, tenant: string): Promise<EffectiveNotices> {
    const enabled = await this.enabledKinds();
    const events = (await this.catalogue.list(tenant)).map((s) => {
      const setting = user.notices[s.state];
      const on = setting?.enabled !== false;
      return {
        event: s.state,
        label: s.label,
        source: s.source,
        enabled: on,
        ...(s.state === 'pending_approval' && { note: REQUEST_NOTE }),
        channels: CHANNEL_KINDS.map((kind) => {
          const reason = !enabled.includes(kind)
            ? 'the channel is not enabled'
            : user.channels[kind] === false
              ? 'switched off for every notice (channel switch)'
              : !on
                ? 'this event is switched off'
                : setting?.channels[kind] === false
                  ? 'switched off for this event'
                  : undefined;
          return { kind, on: reason === undefined, ...(reason && { reason }) };
        }),
      };
    });
    return { userId: user.id, tenant, events };
  }

  private async enabledKinds(): Promise<ChannelKind[]> {
    const channels = await this.store.channels.list();
    return channels.filter((c) => c.enabled).map((c) => c.kind);
  }
}
