import type { Database } from './database.js';

export interface TokenRecord {
  id: string;
  tokenHash: string;
  role: string;
  userId: string;
  label?: string;
  createdAt: Date;
}

/** API bearer tokens, by the SHA-256 of the token: the table never holds a usable token. */
export class TokenRepository {
  constructor(private readonly db: Database) {}

  async insert(token: TokenRecord): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        token_hash: token.tokenHash,
        role: token.role,
        user_id: token.userId,
        label: token.label ?? null,
        created_at: token.createdAt,
      })
      .execute();
  }

  async findByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      tokenHash: row.token_hash,
      role: row.role,
      userId: row.user_id,
      ...(row.label !== null ? { label: row.label } : {}),
      createdAt: new Date(row.created_at),
    };
  }
}
