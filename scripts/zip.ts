/**
 * A minimal zip writer (deflate, no zip64): enough for a deployment package of a few files under 4 GiB, without a
 * zip tool on the machine. Format: PKWARE APPNOTE.TXT 6.3 (local file headers, central directory, end record).
 */
import { writeFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, relative. */
  name: string;
  data: Buffer;
}

/** MS-DOS date and time fields for a fixed instant, so the same input gives the same bytes. */
const DOS_TIME = 0; // 00:00:00
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01

function localHeader(name: Buffer, crc: number, compressed: number, size: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0); // signature
  h.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  h.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
  h.writeUInt16LE(8, 8); // method: deflate
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(compressed, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28); // extra field length
  return Buffer.concat([h, name]);
}

function centralHeader(name: Buffer, crc: number, compressed: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0); // signature
  h.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
  h.writeUInt16LE(20, 6); // version needed
  h.writeUInt16LE(0x0800, 8); // flags: UTF-8
  h.writeUInt16LE(8, 10); // deflate
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(compressed, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(name.length, 28);
  // extra, comment, disk start, internal attributes: 0
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

function endRecord(count: number, centralSize: number, centralOffset: number): Buffer {
  const h = Buffer.alloc(22);
  h.writeUInt32LE(0x06054b50, 0);
  h.writeUInt16LE(count, 8);
  h.writeUInt16LE(count, 10);
  h.writeUInt32LE(centralSize, 12);
  h.writeUInt32LE(centralOffset, 16);
  return h;
}

/** The archive's bytes. Entries keep the given order. */
export function zipBytes(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (entry.name.startsWith('/') || entry.name.includes('\\') || entry.name.split('/').includes('..')) {
      throw new Error(`zip: entry name must be a relative /-separated path: ${entry.name}`);
    }
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const deflated = deflateRawSync(entry.data, { level: 9 });
    const local = localHeader(name, crc, deflated.length, entry.data.length);
    central.push(centralHeader(name, crc, deflated.length, entry.data.length, offset));
    parts.push(local, deflated);
    offset += local.length + deflated.length;
  }
  const centralDirectory = Buffer.concat(central);
  if (offset + centralDirectory.length > 0xffffffff || entries.length > 0xffff) {
    throw new Error('zip: too large for a zip without zip64');
  }
  return Buffer.concat([...parts, centralDirectory, endRecord(entries.length, centralDirectory.length, offset)]);
}

export function writeZip(file: string, entries: readonly ZipEntry[]): number {
  const bytes = zipBytes(entries);
  writeFileSync(file, bytes);
  return bytes.length;
}
