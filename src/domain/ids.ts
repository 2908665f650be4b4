/**
 * Deterministic short hashes for idempotency keys. Workflows may not use node:crypto, so this is a pure function:
 * four FNV-1a 32-bit lanes with different seeds give a 128-bit hex digest. Not for security, only for uniqueness.
 */
export function stableHash(text: string): string {
  const seeds = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b];
  return seeds
    .map((seed, lane) => {
      let h = (seed ^ lane) >>> 0;
      for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
      }
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b) >>> 0;
      h ^= h >>> 13;
      return (h >>> 0).toString(16).padStart(8, '0');
    })
    .join('');
}

/**
 * Key for one card (workflow × round × recipient × channel): Feishu `uuid` (max 50 chars), DingTalk `outTrackId`
 * (max 100 chars). 'ab-' + 32 hex chars = 35 chars fits both.
 */
export function cardIdempotencyKey(workflowId: string, round: number, userId: string, kind: string): string {
  return `ab-${stableHash(`${workflowId}|${round}|${userId}|${kind}`)}`;
}
