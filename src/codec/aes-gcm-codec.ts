import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

/** Metadata of an encrypted payload (the names the Temporal samples and codec servers use). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

// CommonJS package: its namespaces come through the default import under ESM.
const { Payload: PayloadProto } = proto.temporal.api.common.v1;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

/** A payload the codec cannot open: unknown key id, wrong key, or tampered data. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

/**
 * AES-256-GCM over whole payloads (metadata included, so even the encoding of a value is hidden): data is
 * `iv(12) ‖ ciphertext ‖ tag(16)`, metadata says `binary/encrypted` and names the key. Payloads that are not
 * encrypted pass through decode unchanged, so histories written before the codec was on stay readable.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly active: CodecKey,
    previous: readonly CodecKey[] = [],
  ) {
    for (const k of [active, ...previous]) {
      if (k.key.length !== 32) throw new Error(`payload codec key ${k.id} must be 32 bytes`);
    }
    this.keys = new Map([...previous, active].map((k) => [k.id, k.key]));
  }

  // A payload that does not decrypt rejects the promise rather than throwing at the caller.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((p) => this.encrypt(p)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((p) => this.decrypt(p)));
  }

  private encrypt(payload: Payload): Payload {
    const plain = PayloadProto.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.active.id) },
      data: new Uint8Array(data),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const key = this.keys.get(keyId);
    if (!key) throw new PayloadDecryptionError(`no payload codec key with id "${keyId}"`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return PayloadProto.decode(plain);
    } catch {
      throw new PayloadDecryptionError(`payload does not decrypt with key "${keyId}" (wrong key or tampered)`);
    }
  }
}

function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}
