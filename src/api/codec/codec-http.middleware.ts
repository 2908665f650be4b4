import { Inject, Injectable } from '@nestjs/common';
import type { NestMiddleware } from '@nestjs/common';
import { CODEC_COOKIE, CODEC_OPTIONS } from './codec.options.js';
import type { CodecOptions } from './codec.options.js';

interface CodecRequest {
  headers: Record<string, string | string[] | undefined>;
}

interface CodecResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * For the Temporal UI calling /codec from the browser: CORS for the configured UI origins (credentials allowed, so
 * the session cookie travels), and the session cookie turned into the bearer token the auth guard checks.
 */
@Injectable()
export class CodecHttpMiddleware implements NestMiddleware {
  constructor(@Inject(CODEC_OPTIONS) private readonly options: CodecOptions) {}

  use(req: CodecRequest, res: CodecResponse, next: () => void): void {
    const origin = req.headers.origin;
    if (typeof origin === 'string' && this.options.corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.setHeader('Vary', 'Origin');
    const token = cookie(req.headers.cookie, CODEC_COOKIE);
    if (req.headers.authorization === undefined && token) req.headers.authorization = `Bearer ${token}`;
    next();
  }
}

function cookie(header: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(header) ? header.join(';') : (header ?? '');
  for (const part of all.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}
