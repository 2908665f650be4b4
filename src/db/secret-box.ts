import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SealedSecret } from './schema.js';

export interface SecretKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** Thrown when a stored secret was sealed under a key this process does not have (rotated away, wrong env). */
export class SecretKeyMissingError extends Error {
  override readonly name = 'SecretKeyMissingError';
  readonly code = 'SECRETS_KEY_MISSING';
}

/**
 * AES-256-GCM over a key ring: the first key seals, every key opens. Each secret is bound to its place (`context`,
 * e.g. `channel:feishu:appSecret`) as associated data, so a ciphertext copied to another field does not open.
 */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`secret key ${k.id} is not 32 bytes`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get activeKeyId(): string {
    return this.keys[0]?.id ?? '';
  }

  seal(plain: string, context: string): SealedSecret {
    const active = this.keys[0];
    if (!active) throw new Error('no active key');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', active.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return {
      kid: active.id,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  open(sealed: SealedSecret, context: string): string {
    const key = this.byId.get(sealed.kid);
    if (!key)
      throw new SecretKeyMissingError(
        `no key "${sealed.kid}" to open a stored secret (set it in SECRETS_PREVIOUS_KEYS)`,
      );
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }

  /** True when the secret is sealed under an older key and should be sealed again under the active one. */
  isStale(sealed: SealedSecret): boolean {
    return sealed.kid !== this.activeKeyId;
  }
}

/**
 * The sandbox's fallback key when no SECRETS_MASTER_KEY is set: fixed, so the API and the worker (separate
 * processes) agree. It protects nothing and is only accepted in sandbox mode.
 */
export const SANDBOX_SECRET_KEY: SecretKey = {
  id: 'sandbox-insecure',
  key: createHash('sha256').update('approvals-bridge sandbox secrets key').digest(),
};

/** `kid:base64,kid:base64` (as SECRETS_PREVIOUS_KEYS holds them). */
export function parseKeyList(list: string | undefined): SecretKey[] {
  if (!list) return [];
  return list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const at = item.indexOf(':');
      return { id: item.slice(0, at), key: Buffer.from(item.slice(at + 1), 'base64') };
    });
}

/** A secret shown back: its last four characters when it is long enough to spare them, else nothing of it. */
export function maskSecret(secret: string): string {
  return secret.length >= 12 ? `••••${secret.slice(-4)}` : '••••';
}

/** A value that is a mask we showed (sent back unchanged by a client that GET-then-PUTs). */
export function isMask(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('••••');
}
