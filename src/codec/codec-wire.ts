import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

/**
 * The codec-server wire format the Temporal UI and CLI speak: `{payloads: [{metadata: {key: base64}, data: base64}]}`
 * (protobuf JSON of `Payloads`).
 */
export const WirePayloads = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), z.string().max(1024)).optional(),
        data: z.string().optional(),
      }),
    )
    .max(1000),
});
export type WirePayloads = z.infer<typeof WirePayloads>;

function fromWire(wire: WirePayloads['payloads'][number]): Payload {
  const metadata = Object.fromEntries(
    Object.entries(wire.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  );
  return { metadata, data: new Uint8Array(Buffer.from(wire.data ?? '', 'base64')) };
}

function toWire(payload: Payload): WirePayloads['payloads'][number] {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** Runs the codec over wire payloads: `decode` for the UI showing history, `encode` for the UI sending input. */
export async function transcode(
  codec: PayloadCodec,
  direction: 'encode' | 'decode',
  body: WirePayloads,
): Promise<WirePayloads> {
  const payloads = body.payloads.map(fromWire);
  const out = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
  return { payloads: out.map(toWire) };
}
