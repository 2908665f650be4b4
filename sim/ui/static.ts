import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json } from '../core/http.js';
import type { PlatformRoute, SimResponse } from '../core/route.js';

/** The inbox page's files: plain HTML, CSS and ES modules served as they are (no build step). */
export const UI_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** Only what the page loads; tsconfig.json and anything else in the folder is never served. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * `/_sim/ui/<file>` (mounted at `/_sim/ui`); `/` is the page itself, which loads its files by absolute path, so
 * `/_sim/ui` and `/_sim/ui/` both work. Files are read per request: edits show on the next reload.
 */
export function createStaticRoute(dir = UI_DIR): PlatformRoute {
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    const name = req.path === '/' || req.path === '' ? 'index.html' : req.path.slice(1);
    const type = CONTENT_TYPES[extname(name)];
    const file = normalize(join(dir, name));
    if (!type || !file.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`)) return json(404, { error: 'not found' });
    try {
      const text = await readFile(file, 'utf8');
      return { status: 200, body: text, headers: { 'content-type': type, 'cache-control': 'no-store' } };
    } catch {
      return json(404, { error: 'not found' });
    }
  };
}

/** `GET /` → the page, so the simulator's bare URL opens the inbox (`?user=carol` kept). */
export function redirectToPage(query: URLSearchParams): SimResponse {
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return { status: 302, body: '', headers: { location: `/_sim/ui/${search}` } };
}
