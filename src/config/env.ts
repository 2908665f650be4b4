import { z } from 'zod';

/** Optional settings passed through as `VAR=` (e.g. `${VAR:-}` in docker-compose) count as unset. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/**
 * Every setting the API and the worker read, validated once at boot. No other module reads process.env.
 * Defaults are the embedded sandbox: local dev server, simulated platforms, file-backed data under ./data.
 */
export const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Where the Temporal Web UI is, for links printed and returned by the API. */
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public base URL of the API (platform callbacks point here). */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Bootstrap admin bearer token. */
  ADMIN_TOKEN: z.string().min(24, 'ADMIN_TOKEN must be at least 24 characters').optional(),
  /** Key for HMAC-SHA256 signatures on outcome webhooks sent to the ticket system. */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  /** JSON file with approval policies per ticket type (until stored rules exist). */
  POLICIES_FILE: z.string().min(1).default('config/policies.json'),
  /** JSON file with users and roles (until the users API exists). */
  DIRECTORY_FILE: z.string().min(1).default('config/directory.json'),
  /** Sandbox mode: notification rules seeded on first start beside the policies (who hears of which event). */
  NOTICE_RULES_FILE: z.string().min(1).default('config/notice-rules.json'),
  /** Sandbox mode: channels talk to the local platform simulator instead of the real platforms. */
  SANDBOX: z.stringbool().default(true),
  SIMULATOR_URL: z.url().default('http://127.0.0.1:3900'),
  /** Outside sandbox mode: JSON file with the channel configs (kind, enabled, config) until the channels API. */
  CHANNELS_FILE: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  /**
   * How often each API replica re-reads the channels for their callback connections (stream mode): a switch or new
   * credentials saved on another replica take effect within this; on the replica that saved them, at once.
   */
  CALLBACK_STREAM_REFRESH_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** Sandbox mode: seed the four channels with this callback mode (`stream`: clicks come over the connections). */
  SANDBOX_CALLBACK_MODE: z.enum(['http', 'stream']).default('http'),
  /**
   * `postgres://…` for PostgreSQL; `memory://` for a throw-away PGlite inside the process (tests); unset: PGlite
   * kept in `${DATA_DIR}/pglite`, opened by one process only (`npm start` serves it to the API and worker).
   */
  DATABASE_URL: unsetWhenEmpty(
    z.string().regex(/^(postgres(ql)?|memory):\/\//, 'postgres://…, postgresql://… or memory://'),
  ),
  /** Active key for channel secrets at rest: base64 of 32 random bytes (AES-256-GCM). */
  SECRETS_MASTER_KEY: unsetWhenEmpty(
    z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'base64 of exactly 32 bytes'),
  ),
  /** Stored beside every ciphertext, so the key can be rotated: give the new key a new id. */
  SECRETS_KEY_ID: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,32}$/)
      .default('k1'),
  ),
  /** Older keys that still open stored secrets while they are re-encrypted: `kid:base64,kid:base64`. */
  SECRETS_PREVIOUS_KEYS: unsetWhenEmpty(
    z
      .string()
      .regex(
        /^\s*[A-Za-z0-9._-]{1,32}:[A-Za-z0-9+/=]+\s*(,\s*[A-Za-z0-9._-]{1,32}:[A-Za-z0-9+/=]+\s*)*$/,
        'kid:base64,kid:base64',
      )
      .refine(
        (v) =>
          v.split(',').every((item) => Buffer.from(item.slice(item.indexOf(':') + 1).trim(), 'base64').length === 32),
        'every key must be base64 of exactly 32 bytes',
      ),
  ),
  /**
   * Approval runs the worker keeps in memory (Temporal's sticky cache). Each costs about 0.5 MB; a run not in the
   * cache is replayed from its history (a few dozen events) when its next decision or timer arrives. The SDK's
   * default follows the heap limit and let 10,000 pending approvals take 3.8 GB; 400 keeps the worker near 600 MB.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(400),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The worker's Prometheus endpoint (the SDK's runtime metrics and ours) as host:port, or `off`. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^(off|\S+:\d{1,5})$/, 'host:port or off')
    .default('127.0.0.1:9464'),
  /** When set, the API's GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; otherwise it is open. */
  METRICS_TOKEN: unsetWhenEmpty(z.string().min(24, 'METRICS_TOKEN must be at least 24 characters')),
  /**
   * Turns on the payload codec: ticket contents in workflow history are AES-256-GCM encrypted with this key
   * (base64 of 32 random bytes: `openssl rand -base64 32`). API and worker need the same key.
   */
  PAYLOAD_CODEC_KEY: unsetWhenEmpty(
    z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes'),
  ),
  /** Names the key in every encrypted payload, so keys can rotate. */
  PAYLOAD_CODEC_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-"')
    .default('key-1'),
  /** Retired keys still needed to read older histories: `id:base64key,id:base64key`. */
  PAYLOAD_CODEC_PREVIOUS_KEYS: unsetWhenEmpty(z.string()),
  /** Browser origins allowed to call the codec endpoint (comma-separated); default: TEMPORAL_UI_URL's origin. */
  CODEC_CORS_ORIGINS: unsetWhenEmpty(z.string()),
});
export type Env = z.infer<typeof EnvSchema>;

/** Parse the environment once; fail fast with every bad variable named (values are never echoed). */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
