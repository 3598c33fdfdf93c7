import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** A .beam file's strings, with the (zlib-compressed) literal table inflated. */
export function beamText(file: string): string {
  const beam = readFileSync(file);
  let text = '';
  for (let at = 12; at + 8 <= beam.length;) {
    const id = beam.toString('latin1', at, at + 4);
    const size = beam.readUInt32BE(at + 4);
    const data = beam.subarray(at + 8, at + 8 + size);
    text += id === 'LitT' && data.readUInt32BE(0) > 0 ? inflateSync(data.subarray(4)).toString('latin1') : data.toString('latin1');
    at += 8 + Math.ceil(size / 4) * 4;
  }
  return text;
}
