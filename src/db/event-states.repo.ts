import type { CustomEventState } from '../domain/notice.js';
import type { Database } from './database.js';

/** A tenant's own ticket state, as stored. */
export interface EventStateRecord extends CustomEventState {
  tenant: string;
  state: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The ticket states each tenant defined beside the documented ones. */
export class EventStateRepository {
  constructor(private readonly db: Database) {}

  async list(tenant: string): Promise<EventStateRecord[]> {
    const rows = await this.db
      .selectFrom('event_states')
      .selectAll()
      .where('tenant', '=', tenant)
      .orderBy('state')
      .execute();
    return rows.map((r) => ({
      tenant: r.tenant,
      state: r.state,
      label: r.label,
      ...(r.description !== null ? { description: r.description } : {}),
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
    }));
  }

  async get(tenant: string, state: string): Promise<EventStateRecord | undefined> {
    return (await this.list(tenant)).find((s) => s.state === state);
  }

  /** Creates or replaces a state's label and description; `created` tells which. */
  async put(tenant: string, state: string, value: CustomEventState): Promise<{ created: boolean }> {
    const now = new Date();
    const values = { label: value.label, description: value.description ?? null, updated_at: now };
    const existing = await this.get(tenant, state);
    await this.db
      .insertInto('event_states')
      .values({ tenant, state, ...values, created_at: now })
      .onConflict((oc) => oc.columns(['tenant', 'state']).doUpdateSet(values))
      .execute();
    return { created: existing === undefined };
  }

  async delete(tenant: string, state: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('event_states')
      .where('tenant', '=', tenant)
      .where('state', '=', state)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
