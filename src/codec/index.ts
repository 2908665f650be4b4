export {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  type CodecKey,
} from './aes-gcm-codec.js';
export { dataConverterFromEnv, parseCodecKeys, payloadCodecFromEnv } from './codec-config.js';
export { transcode, WirePayloads } from './codec-wire.js';
