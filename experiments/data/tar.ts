/**
 * A small streaming reader for tar archives (POSIX ustar, with the GNU long-name and pax
 * extended-header entries that real archives carry). Feed it the decompressed bytes in chunks
 * of any size with `push`, then call `end`; it calls back once per entry and streams the
 * entry's data to the sink the callback returns. Every malformed archive ends in an InputError
 * that starts with "corrupt tar".
 *
 * Layout (512-byte blocks): a header block per entry (name 0..100, size 124..136 in octal,
 * checksum 148..156, typeflag 156, magic 257..263, prefix 345..500 for ustar), the data padded
 * to a whole block, and at the end one or two all-zero blocks.
 */
import { InputError } from '../../core/errors.js';

export const TAR_BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  /** The entry's path as stored (pax `path` or GNU long name applied; ustar prefix joined). */
  readonly name: string;
  readonly size: number;
  readonly type: TarEntryType;
  /** The raw typeflag character ('0', '5', …; '\0' for old regular files). */
  readonly typeflag: string;
}

/** Receives one entry's data, in order; `end` after the last byte. */
export interface TarEntrySink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** Called once per entry (metadata entries excluded); return a sink to receive the data, or undefined to skip it. */
export type TarEntryHandler = (header: TarHeader) => TarEntrySink | undefined;

/** Pax and GNU long-name metadata larger than this is refused (real ones are a few hundred bytes). */
const MAX_META_BYTES = 1 << 20;

type State =
  | { kind: 'header' }
  | { kind: 'data'; remaining: number; padding: number; sink: TarEntrySink | undefined }
  | { kind: 'meta'; remaining: number; padding: number; typeflag: string; parts: Uint8Array[] }
  | { kind: 'padding'; remaining: number }
  | { kind: 'done' };

export class TarReader {
  private state: State = { kind: 'header' };
  /** Bytes of a header block collected so far. */
  private readonly header = new Uint8Array(TAR_BLOCK);
  private headerFill = 0;
  /** Overrides for the next entry, from a pax 'x' or GNU 'L' entry. */
  private nextName: string | undefined;
  private nextSize: number | undefined;
  private entries = 0;
  private offset = 0;
  private ended = false;

  constructor(private readonly onEntry: TarEntryHandler) {}

  /** Number of (non-metadata) entries seen so far. */
  get entryCount(): number {
    return this.entries;
  }

  /** True once the end-of-archive marker (an all-zero block) has been read. */
  get finished(): boolean {
    return this.state.kind === 'done';
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('TarReader.push after end');
    let at = 0;
    while (at < chunk.length) {
      const s = this.state;
      switch (s.kind) {
        case 'done':
          // Archivers pad the archive to a whole record after the marker; whatever follows is ignored.
          this.offset += chunk.length - at;
          return;
        case 'header': {
          const take = Math.min(TAR_BLOCK - this.headerFill, chunk.length - at);
          this.header.set(chunk.subarray(at, at + take), this.headerFill);
          this.headerFill += take;
          at += take;
          this.offset += take;
          if (this.headerFill === TAR_BLOCK) {
            this.headerFill = 0;
            this.onHeaderBlock();
          }
          break;
        }
        case 'data': {
          const take = Math.min(s.remaining, chunk.length - at);
          if (take > 0) s.sink?.write(chunk.subarray(at, at + take));
          s.remaining -= take;
          at += take;
          this.offset += take;
          if (s.remaining === 0) {
            s.sink?.end();
            this.state = s.padding > 0 ? { kind: 'padding', remaining: s.padding } : { kind: 'header' };
          }
          break;
        }
        case 'meta': {
          const take = Math.min(s.remaining, chunk.length - at);
          if (take > 0) s.parts.push(chunk.slice(at, at + take));
          s.remaining -= take;
          at += take;
          this.offset += take;
          if (s.remaining === 0) {
            this.applyMeta(s.typeflag, Buffer.concat(s.parts));
            this.state = s.padding > 0 ? { kind: 'padding', remaining: s.padding } : { kind: 'header' };
          }
          break;
        }
        case 'padding': {
          const take = Math.min(s.remaining, chunk.length - at);
          s.remaining -= take;
          at += take;
          this.offset += take;
          if (s.remaining === 0) this.state = { kind: 'header' };
          break;
        }
      }
    }
  }

  /** The input is over: throws unless the archive ended cleanly with its end-of-archive marker. */
  end(): void {
    this.ended = true;
    const s = this.state;
    if (s.kind === 'done') return;
    if (s.kind === 'header' && this.headerFill === 0) {
      throw corrupt(`ends after ${this.entries} entries without the end-of-archive marker (truncated)`);
    }
    throw corrupt(`truncated at byte ${this.offset} (inside ${s.kind === 'header' ? 'a header' : 'an entry'})`);
  }

  private onHeaderBlock(): void {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      if (this.nextName !== undefined || this.nextSize !== undefined) throw corrupt('metadata entry is not followed by an entry');
      this.state = { kind: 'done' };
      return;
    }
    const at = this.offset - TAR_BLOCK;
    const stored = parseNumber(h.subarray(148, 156), 'checksum', at);
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < TAR_BLOCK; i++) {
      const b = i >= 148 && i < 156 ? 0x20 : (h[i] as number);
      unsigned += b;
      signed += b > 127 ? b - 256 : b;
    }
    if (stored !== unsigned && stored !== signed) {
      throw corrupt(`header at byte ${at} has a bad checksum (stored ${stored}, computed ${unsigned})`);
    }
    const typeflag = String.fromCharCode(h[156] as number);
    const headerSize = parseNumber(h.subarray(124, 136), 'size', at);
    const size = this.nextSize ?? headerSize;
    const padding = (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (headerSize > MAX_META_BYTES) throw corrupt(`metadata entry of ${headerSize} bytes at byte ${at}`);
      const hdrPadding = (TAR_BLOCK - (headerSize % TAR_BLOCK)) % TAR_BLOCK;
      this.state = headerSize === 0
        ? { kind: 'header' }
        : { kind: 'meta', remaining: headerSize, padding: hdrPadding, typeflag, parts: [] };
      return;
    }

    const magic = Buffer.from(h.subarray(257, 263)).toString('latin1');
    let name = cString(h.subarray(0, 100));
    if (magic === 'ustar\0') {
      const prefix = cString(h.subarray(345, 500));
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    if (this.nextName !== undefined) name = this.nextName;
    this.nextName = undefined;
    this.nextSize = undefined;
    if (name === '') throw corrupt(`entry at byte ${at} has an empty name`);

    const type = entryType(typeflag);
    // Links, directories and devices carry no data in the archive whatever their size field says.
    const dataSize = type === 'file' || type === 'other' ? size : 0;
    this.entries++;
    const sink = this.onEntry({ name, size: dataSize, type, typeflag });
    if (dataSize === 0) {
      sink?.end();
      this.state = { kind: 'header' };
    } else {
      this.state = { kind: 'data', remaining: dataSize, padding: type === 'file' || type === 'other' ? padding : 0, sink };
    }
  }

  private applyMeta(typeflag: string, data: Buffer): void {
    if (typeflag === 'L') {
      this.nextName = cString(data);
      return;
    }
    if (typeflag !== 'x') return; // 'g' (global pax) and 'K' (long link name) do not change what we read
    for (const [key, value] of parsePax(data)) {
      if (key === 'path') this.nextName = value;
      else if (key === 'size') {
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw corrupt(`pax size '${value}' is not a byte count`);
        this.nextSize = Number(value);
      }
    }
  }
}

/** Pax records: "<length> <key>=<value>\n", the length counting the whole record. */
function parsePax(data: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break;
    const space = data.indexOf(0x20, at);
    const len = space < 0 ? NaN : Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= 0 || at + len > data.length || data[at + len - 1] !== 0x0a) {
      throw corrupt('malformed pax extended header');
    }
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq <= 0) throw corrupt('malformed pax extended header');
    out.push([record.slice(0, eq), record.slice(eq + 1)]);
    at += len;
  }
  return out;
}

function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file for every practical purpose
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** An octal field (NUL/space padded), or GNU base-256 when the first byte has its high bit set. */
function parseNumber(field: Uint8Array, what: string, at: number): number {
  if (((field[0] as number) & 0x80) !== 0) {
    if (((field[0] as number) & 0x40) !== 0) throw corrupt(`negative ${what} in the header at byte ${at}`);
    let n = (field[0] as number) & 0x3f;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] as number);
    if (!Number.isSafeInteger(n)) throw corrupt(`${what} too large in the header at byte ${at}`);
    return n;
  }
  const text = Buffer.from(field).toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]+$/.test(text)) throw corrupt(`header at byte ${at} has an unreadable ${what} field`);
  const n = parseInt(text, 8);
  if (!Number.isSafeInteger(n)) throw corrupt(`${what} too large in the header at byte ${at}`);
  return n;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

function corrupt(what: string): InputError {
  return new InputError(`corrupt tar: ${what}`);
}

/**
 * Checks an entry name before anything is written for it: relative, no `..` component, no
 * backslashes or NULs. Returns the normalised components (empty and `.` ones dropped).
 * Throws an InputError naming the entry otherwise.
 */
export function safeEntryPath(name: string): string[] {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.includes('\0')) {
    throw new InputError(`refusing tar entry '${printable(name)}': absolute or non-portable path`);
  }
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) {
    throw new InputError(`refusing tar entry '${printable(name)}': its path leaves the archive ('..')`);
  }
  return parts;
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200);
}
