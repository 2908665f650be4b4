import { z } from 'zod';

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
  /** Sandbox mode: channels talk to the local platform simulator instead of the real platforms. */
  SANDBOX: z.stringbool().default(true),
  SIMULATOR_URL: z.url().default('http://127.0.0.1:3900'),
  /** Outside sandbox mode: JSON file with the channel configs (kind, enabled, config) until the channels API. */
  CHANNELS_FILE: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
