/** Platforms the simulator speaks; same names as the project's ChannelKind. */
export type SimPlatform = 'feishu' | 'lark' | 'dingtalk' | 'dingtalk-exclusive';
export const SIM_PLATFORMS: readonly SimPlatform[] = ['feishu', 'lark', 'dingtalk', 'dingtalk-exclusive'];

export function isSimPlatform(value: unknown): value is SimPlatform {
  return typeof value === 'string' && (SIM_PLATFORMS as readonly string[]).includes(value);
}

/** Milliseconds since the epoch; injected so tests can move time without sleeping. */
export interface SimClock {
  now(): number;
}

export const systemClock: SimClock = { now: () => Date.now() };

/** Thrown by core services for bad control-API input; the control API answers 400 with the message. */
export class SimInputError extends Error {
  override readonly name = 'SimInputError';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
