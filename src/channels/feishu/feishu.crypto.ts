import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Feishu / Lark callback security, as pure functions (docs "加密原理" + "Step 3: receive callbacks"):
 * - signature = hex(SHA-256(utf8(timestamp + nonce + encryptKey) ++ rawBody)) over the RAW body bytes — the
 *   official Node SDK signs JSON.stringify(parsed), which breaks when the re-serialization differs; we don't.
 * - payload = base64(iv ‖ AES-256-CBC(key = SHA-256(encryptKey), PKCS7)), iv = first 16 bytes.
 * Legacy card callbacks (card.action.trigger_v1) instead sign hex(SHA-1(timestamp + nonce + verificationToken +
 * body)) and are never encrypted (confirmed only by the official Go / Node SDK sources).
 */
export function feishuSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: Buffer | string,
): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(timestamp + nonce + encryptKey, 'utf8'), body]))
    .digest('hex');
}

export function feishuLegacyCardSignature(
  timestamp: string,
  nonce: string,
  verificationToken: string,
  rawBody: Buffer | string,
): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(timestamp + nonce + verificationToken, 'utf8'), body]))
    .digest('hex');
}

/** Constant-time comparison of a received hex signature with the expected one. */
export function signatureMatches(expectedHex: string, receivedHex: string | undefined): boolean {
  if (receivedHex === undefined) return false;
  const a = Buffer.from(expectedHex, 'utf8');
  const b = Buffer.from(receivedHex.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

/** Decrypt the `encrypt` field of a callback; throws on a wrong key or corrupt input (bad PKCS7 padding). */
export function feishuDecrypt(encrypted: string, encryptKey: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32) throw new Error('encrypted payload too short');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** The inverse of feishuDecrypt (the simulator uses it to build encrypted callbacks); `iv` is random by default. */
export function feishuEncrypt(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
