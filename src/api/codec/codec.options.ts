import type { PayloadCodec } from '@temporalio/common';
import type { Env } from '../../config/env.js';

export const CODEC_OPTIONS = Symbol('CODEC_OPTIONS');

export interface CodecOptions {
  /** The payload codec; without one (PAYLOAD_CODEC_KEY unset) the endpoints answer 404. */
  codec?: PayloadCodec | undefined;
  /** Browser origins allowed to call the endpoints (the Temporal UI's). */
  corsOrigins: readonly string[];
  /** The Temporal namespace whose payloads this codec opens (`x-namespace` must match when sent). */
  namespace: string;
}

/** Set by POST /codec/session so the Temporal UI (which can't send our bearer token) is let in by the browser. */
export const CODEC_COOKIE = 'approvals_codec';

/** Codec settings from the environment: the codec when PAYLOAD_CODEC_KEY is set; the UI's origin for CORS. */
export function codecOptionsFromEnv(
  env: Pick<Env, 'CODEC_CORS_ORIGINS' | 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>,
  codec: PayloadCodec | undefined,
): CodecOptions {
  const origins = env.CODEC_CORS_ORIGINS
    ? env.CODEC_CORS_ORIGINS.split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean)
    : [new URL(env.TEMPORAL_UI_URL).origin];
  return { codec, corsOrigins: origins, namespace: env.TEMPORAL_NAMESPACE };
}
