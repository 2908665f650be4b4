import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { TokenRecord } from '../../db/tokens.repo.js';
import { Role } from './auth.schemas.js';
import type { CreatedToken, CreateTokenRequest, Principal } from './auth.schemas.js';

/** Tokens are looked up by their SHA-256: the store never holds (or logs) a usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Where minted tokens are kept, by hash (the database's TokenRepository, or memory for the library and tests). */
export interface TokenPersistence {
  insert(token: TokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<TokenRecord | undefined>;
}

export function inMemoryTokenPersistence(): TokenPersistence & { readonly records: ReadonlyMap<string, TokenRecord> } {
  const records = new Map<string, TokenRecord>();
  return {
    records,
    insert: (t) => Promise.resolve(void records.set(t.tokenHash, t)),
    findByHash: (h) => Promise.resolve(records.get(h)),
  };
}

const BOOTSTRAP: Principal = { tokenId: 'bootstrap-admin', role: 'admin', userId: 'admin', label: 'ADMIN_TOKEN' };

/**
 * Bearer tokens, kept hashed: minted tokens in the database (so they outlive the process and every API replica
 * knows them), the bootstrap admin token from the environment compared by hash.
 */
export class TokenStore {
  private readonly bootstrapHash?: Buffer;

  constructor(
    bootstrapAdminToken: string | undefined,
    private readonly persistence: TokenPersistence = inMemoryTokenPersistence(),
    private readonly now: () => Date = () => new Date(),
  ) {
    if (bootstrapAdminToken) this.bootstrapHash = Buffer.from(hashToken(bootstrapAdminToken), 'hex');
  }

  /** The principal a presented token stands for, or undefined for an unknown token. */
  async verify(token: string): Promise<Principal | undefined> {
    if (!token) return undefined;
    const hash = hashToken(token);
    if (this.bootstrapHash && timingSafeEqual(this.bootstrapHash, Buffer.from(hash, 'hex'))) return { ...BOOTSTRAP };
    const stored = await this.persistence.findByHash(hash);
    const role = Role.safeParse(stored?.role);
    if (!stored || !role.success) return undefined;
    return {
      tokenId: stored.id,
      role: role.data,
      userId: stored.userId,
      ...(stored.label !== undefined ? { label: stored.label } : {}),
    };
  }

  /** Mints a random token (256 bits); the caller shows it once, the store keeps only its hash. */
  async mint(request: CreateTokenRequest): Promise<CreatedToken> {
    const token = `abt_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      id: randomUUID(),
      tokenHash: hashToken(token),
      role: request.role,
      userId: request.userId,
      ...(request.label !== undefined ? { label: request.label } : {}),
      createdAt: this.now(),
    };
    await this.persistence.insert(record);
    return {
      token,
      tokenId: record.id,
      role: request.role,
      userId: request.userId,
      ...(request.label !== undefined ? { label: request.label } : {}),
      createdAt: record.createdAt.toISOString(),
    };
  }
}
