/**
 * Z85, the Base85 variant of ZeroMQ RFC 32, which Delta uses for deletion vector ids and
 * inline deletion vectors because its alphabet needs no escaping in JSON.
 *
 * Z85 itself only encodes whole 4-byte groups. Delta encodes byte strings of any length
 * by padding the last group with zero bytes and storing the true length elsewhere
 * (`sizeInBytes`), so `encodeZ85` pads and `decodeZ85` takes the length to cut back to.
 */
import { DeletionVectorError } from '../errors.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Character code → digit value, -1 for characters outside the alphabet. */
const DIGITS = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** Encodes bytes as Z85, zero-padding the last group to 4 bytes (5 characters per group). */
export function encodeZ85(bytes: Uint8Array): string {
  const groups = Math.ceil(bytes.length / 4);
  let out = '';
  for (let g = 0; g < groups; g++) {
    // Groups are big-endian 32-bit numbers; missing trailing bytes count as zero.
    let value = 0;
    for (let i = 0; i < 4; i++) value = value * 256 + (bytes[g * 4 + i] ?? 0);
    let chunk = '';
    for (let i = 0; i < 5; i++) {
      chunk = ALPHABET.charAt(value % 85) + chunk;
      value = Math.floor(value / 85);
    }
    out += chunk;
  }
  return out;
}

/**
 * Decodes Z85 text. With `byteLength`, the result is cut to that many bytes (dropping
 * the padding `encodeZ85` added), which must fit in the decoded groups.
 */
export function decodeZ85(text: string, byteLength?: number): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new DeletionVectorError(
      `Invalid Z85 text of ${text.length} characters: the length must be a multiple of 5.`,
      { length: text.length },
    );
  }
  const decodedLength = (text.length / 5) * 4;
  const length = byteLength ?? decodedLength;
  if (!Number.isInteger(length) || length < 0 || length > decodedLength || decodedLength - length >= 4) {
    throw new DeletionVectorError(
      `Z85 text of ${text.length} characters holds ${decodedLength} bytes, which cannot be cut to ${length} bytes (at most 3 bytes of padding).`,
      { length: text.length, byteLength: length },
    );
  }
  const out = new Uint8Array(decodedLength);
  for (let g = 0; g < text.length / 5; g++) {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const position = g * 5 + i;
      const digit = DIGITS[text.charCodeAt(position)] ?? -1;
      if (digit < 0) {
        throw new DeletionVectorError(
          `Invalid Z85 character ${JSON.stringify(text.charAt(position))} at position ${position}.`,
          { position },
        );
      }
      value = value * 85 + digit;
    }
    // Five digits can express up to 85^5 - 1, more than 32 bits hold.
    if (value > 0xffffffff) {
      throw new DeletionVectorError(`Invalid Z85 group at position ${g * 5}: its value exceeds 32 bits.`, {
        position: g * 5,
      });
    }
    out[g * 4] = value >>> 24;
    out[g * 4 + 1] = (value >>> 16) & 0xff;
    out[g * 4 + 2] = (value >>> 8) & 0xff;
    out[g * 4 + 3] = value & 0xff;
  }
  return length === decodedLength ? out : out.subarray(0, length);
}
