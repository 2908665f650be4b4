import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { CreatedToken, CreateTokenRequest, Principal } from './auth.schemas.js';

interface StoredToken extends Principal {
  createdAt: string;
}

/** Tokens are looked up by their SHA-256: the store never holds (or logs) a usable token. */
function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * In-memory bearer tokens, kept hashed, seeded with the bootstrap admin token. Tokens minted here last until the
 * process ends; moving them to the database is a later issue.
 */
export class TokenStore {
  private readonly byHash = new Map<string, StoredToken>();

  constructor(
    bootstrapAdminToken?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (bootstrapAdminToken) {
      this.byHash.set(hashToken(bootstrapAdminToken), {
        tokenId: 'bootstrap-admin',
        role: 'admin',
        userId: 'admin',
        label: 'ADMIN_TOKEN',
        createdAt: this.now().toISOString(),
      });
    }
  }

  /** The principal a presented token stands for, or undefined for an unknown token. */
  verify(token: string): Principal | undefined {
    const stored = this.byHash.get(hashToken(token));
    if (!stored) return undefined;
    const { createdAt: _createdAt, ...principal } = stored;
    return principal;
  }

  /** Mints a random token (256 bits); the caller shows it once, the store keeps only its hash. */
  mint(request: CreateTokenRequest): CreatedToken {
    const token = `abt_${randomBytes(32).toString('base64url')}`;
    const stored: StoredToken = {
      tokenId: randomUUID(),
      role: request.role,
      userId: request.userId,
      ...(request.label !== undefined ? { label: request.label } : {}),
      createdAt: this.now().toISOString(),
    };
    this.byHash.set(hashToken(token), stored);
    return { token, ...stored };
  }
}
