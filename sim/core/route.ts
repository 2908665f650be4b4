import type { IncomingHttpHeaders } from 'node:http';

/** A request as a platform module of the simulator sees it: path is relative to the platform's prefix. */
export interface SimRequest {
  method: string;
  /** Path after the platform prefix, without the query string, e.g. `/open-apis/im/v1/messages`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless it is a string. */
  body: unknown;
}

/** One platform's HTTP surface; answers undefined for a path it does not know (the server then answers 404). */
export type PlatformRoute = (req: SimRequest) => Promise<SimResponse | undefined>;
