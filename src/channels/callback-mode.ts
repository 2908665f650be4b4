import { z } from 'zod';

/**
 * How a channel's card clicks reach the API: `http` (the platform POSTs to our public callback URL) or `stream`
 * (DingTalk Stream mode / Feishu-Lark long connection: the API dials out and clicks arrive over that WebSocket).
 */
export const CallbackMode = z
  .enum(['http', 'stream'])
  .meta({ description: 'http: the platform calls our callback URL; stream: clicks arrive over a connection we open' });
export type CallbackMode = z.infer<typeof CallbackMode>;
