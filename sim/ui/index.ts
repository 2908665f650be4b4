// The sandbox inbox page: what each sim user sees in their chat with the bot on every platform (sim/ui/README.md).
import type { Inbox } from '../core/inbox.js';
import type { PlatformRoute } from '../core/route.js';
import { createDemoRoute, type DemoConfig } from './demo.js';
import { InboxEvents } from './events.js';
import { createStaticRoute, redirectToPage } from './static.js';

export type { DemoConfig } from './demo.js';
export { EVENTS_PATH } from './events.js';

export interface SimUi {
  /** Control-API mounts: the page's files, `/` → the page, the demo-ticket proxy. */
  mounts: { prefix: string; route: PlatformRoute }[];
  /** The `/_sim/events` stream; served straight from the node request (it never ends like a JSON answer). */
  events: InboxEvents;
}

export function createSimUi(inbox: Inbox, demo: DemoConfig = {}): SimUi {
  const redirect: PlatformRoute = (req) =>
    Promise.resolve(req.method === 'GET' && req.path === '/' ? redirectToPage(req.query) : undefined);
  return {
    mounts: [
      { prefix: '/', route: redirect },
      { prefix: '/_sim/ui', route: createStaticRoute() },
      { prefix: '/_sim/demo', route: createDemoRoute(demo) },
    ],
    events: new InboxEvents(inbox),
  };
}
