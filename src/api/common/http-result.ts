/** A handler's answer when its status depends on the outcome (201 created vs 200 existing, 202 received). */
export interface HttpResult<T> {
  status: number;
  body: T;
}

/** The little of Express's response a controller needs to choose its status with `@Res({ passthrough: true })`. */
export interface StatusResponse {
  status(code: number): unknown;
}

export function respond<T>(res: StatusResponse, result: HttpResult<T>): T {
  res.status(result.status);
  return result.body;
}
