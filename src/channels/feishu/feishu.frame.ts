import protobuf from 'protobufjs';

/**
 * The long connection's frame (`pbbp2.Frame` in the official SDK's ws-client/proto-buf, reference §5): binary
 * protobuf. Control frames (method 0) carry ping / pong, data frames (method 1) events and card callbacks, with
 * their kind and id in string headers and the JSON in `payload`.
 */
const PBBP2 = `
syntax = "proto2";
package pbbp2;
message Header {
  required string key = 1;
  required string value = 2;
}
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payload_encoding = 6;
  optional string payload_type = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`;
// proto2 as in the SDK's pbbp2.proto: the required ids are written even when 0 (the gateway decodes them as such).
const { root } = protobuf.parse(PBBP2);
const FrameType = root.lookupType('pbbp2.Frame');

export const FRAME_METHOD = { control: 0, data: 1 } as const;

export interface LarkFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

export function encodeFrame(frame: LarkFrame): Uint8Array {
  return FrameType.encode(FrameType.fromObject(frame)).finish();
}

/** Undefined for bytes that are not a frame. */
export function decodeFrame(bytes: Uint8Array): LarkFrame | undefined {
  try {
    const decoded = FrameType.toObject(FrameType.decode(bytes), { longs: Number, defaults: true });
    return decoded as LarkFrame;
  } catch {
    return undefined;
  }
}

export function headerOf(frame: LarkFrame, key: string): string | undefined {
  return frame.headers.find((h) => h.key === key)?.value;
}
