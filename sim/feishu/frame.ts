import protobuf from 'protobufjs';

/**
 * The Feishu / Lark long connection's binary frame, `pbbp2.Frame` (official SDKs' ws client). The real schema is
 * proto2 with SeqID, LogID, service and method required: `encodeFrame` always writes them; decoding treats every
 * field as optional so a broken client frame is still readable.
 */
const PBBP2 = `
syntax = "proto2";
package pbbp2;
message Header {
  optional string key = 1;
  optional string value = 2;
}
message Frame {
  optional uint64 SeqID = 1;
  optional uint64 LogID = 2;
  optional int32 service = 3;
  optional int32 method = 4;
  repeated Header headers = 5;
  optional string payload_encoding = 6;
  optional string payload_type = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`;
// keepCase: the sim's objects use the .proto names (payload_encoding, not payloadEncoding).
const { root } = protobuf.parse(PBBP2, { keepCase: true });
const FrameType = root.lookupType('pbbp2.Frame');

/** `method`: 0 = control (ping / pong), 1 = data (events and card callbacks). */
export const FrameMethod = { control: 0, data: 1 } as const;

export interface FrameHeader {
  key: string;
  value: string;
}

/** A decoded frame; 64-bit ids as numbers (the sim's own stay below 2^53). */
export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: FrameHeader[];
  payload_encoding: string;
  payload_type: string;
  payload: Buffer;
  LogIDNew: string;
}

export type FrameInput = Partial<Omit<Frame, 'payload'>> & { payload?: Uint8Array | string };

/** Encode a frame; missing required fields are written as 0, a string payload as UTF-8. */
export function encodeFrame(frame: FrameInput): Buffer {
  const { payload, ...rest } = frame;
  const message = FrameType.fromObject({
    SeqID: 0,
    LogID: 0,
    service: 0,
    method: FrameMethod.control,
    headers: [],
    ...rest,
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? Buffer.from(payload) : payload }),
  });
  return Buffer.from(FrameType.encode(message).finish());
}

/** Decode a frame; throws on bytes that are not one. */
export function decodeFrame(bytes: Uint8Array): Frame {
  const object = FrameType.toObject(FrameType.decode(bytes), { longs: Number, defaults: true });
  return { ...(object as Frame), payload: Buffer.from((object as { payload: Uint8Array }).payload) };
}

/** Undefined instead of an exception, for frames a client sent. */
export function tryDecodeFrame(bytes: Uint8Array): Frame | undefined {
  try {
    return decodeFrame(bytes);
  } catch {
    return undefined;
  }
}

/** The value of header `key` (first one wins), e.g. `frameHeader(f, 'type') === 'ping'`. */
export function frameHeader(frame: Pick<Frame, 'headers'>, key: string): string | undefined {
  return frame.headers.find((h) => h.key === key)?.value;
}

/** `[{key, value}]` from a plain record, in its order. */
export function headerList(headers: Record<string, string>): FrameHeader[] {
  return Object.entries(headers).map(([key, value]) => ({ key, value }));
}
