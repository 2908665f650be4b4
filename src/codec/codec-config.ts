import type { DataConverter } from '@temporalio/common';
import type { Env } from '../config/env.js';
import { AesGcmPayloadCodec, type CodecKey } from './aes-gcm-codec.js';

/** `id:base64,id:base64` → keys; the message names the bad entry's position, never a key. */
export function parseCodecKeys(list: string): CodecKey[] {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item, i) => {
      const at = item.indexOf(':');
      const id = item.slice(0, at);
      const key = Buffer.from(item.slice(at + 1), 'base64');
      if (at < 1 || key.length !== 32)
        throw new Error(`PAYLOAD_CODEC_PREVIOUS_KEYS entry ${i + 1} is not id:base64-32-bytes`);
      return { id, key };
    });
}

/** The payload codec when PAYLOAD_CODEC_KEY is set (API and worker must share the key), else undefined. */
export function payloadCodecFromEnv(env: Env): AesGcmPayloadCodec | undefined {
  if (!env.PAYLOAD_CODEC_KEY) return undefined;
  const active = { id: env.PAYLOAD_CODEC_KEY_ID, key: Buffer.from(env.PAYLOAD_CODEC_KEY, 'base64') };
  const previous = env.PAYLOAD_CODEC_PREVIOUS_KEYS ? parseCodecKeys(env.PAYLOAD_CODEC_PREVIOUS_KEYS) : [];
  return new AesGcmPayloadCodec(active, previous);
}

/** The data converter for clients and workers: the default converters plus the codec, when there is one. */
export function dataConverterFromEnv(env: Env): DataConverter | undefined {
  const codec = payloadCodecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
