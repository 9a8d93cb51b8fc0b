/**
 * `nasc data fetch`: a local HTTP server (127.0.0.1 only) serves small CIFAR-10-shaped tarballs
 * built here; the fetch must extract them, refuse every kind of broken download, and leave
 * nothing behind when it fails.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import yargs from 'yargs';
import { InputError } from '../../core/errors.js';
import { dataCommandModule, dataFetchCommand, type DataFetchArgs } from '../../experiments/cli/commands/data.js';
import { commands } from '../../experiments/cli/commands/index.js';
import { fetchDataset } from '../../experiments/data/fetch.js';
import { downloadProgress } from '../../experiments/data/progress.js';
import { safeEntryPath, TarReader, type TarHeader } from '../../experiments/data/tar.js';
import { loadCifar10 } from '../../workers/cifar10.js';
import { tar, type Entry } from '../fixtures/tar_writer.js';

const root = path.resolve(import.meta.dirname, '../..');

function paxEntry(records: Record<string, string>): Entry {
  const text = Object.entries(records)
    .map(([k, v]) => {
      const body = ` ${k}=${v}\n`;
      let len = body.length + 1;
      while (`${len}${body}`.length !== len) len++;
      return `${len}${body}`;
    })
    .join('');
  return { name: 'PaxHeader', typeflag: 'x', data: Buffer.from(text) };
}

/** `n` valid 3,073-byte records (labels cycle 0..9), pixel bytes derived from `seed`. */
function records(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let r = 0; r < n; r++) {
    b[r * 3073] = (r + seed) % 10;
    for (let i = 1; i < 3073; i++) b[r * 3073 + i] = (i * 7 + r * 13 + seed) & 0xff;
  }
  return b;
}

const TRAIN = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);
const batchData = new Map<string, Buffer>([...TRAIN.map((f, k) => [f, records(3, k)] as const), ['test_batch.bin', records(4, 9)]]);

function cifarEntries(): Entry[] {
  return [
    { name: 'cifar-10-batches-bin/', typeflag: '5' },
    ...[...batchData].map(([f, data]) => ({ name: `cifar-10-batches-bin/${f}`, data })),
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: Buffer.from('airplane\nautomobile\n') },
    { name: 'other/readme.txt', data: Buffer.from('not extracted') },
  ];
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

const good = gzipSync(tar(cifarEntries()));
const noTest = gzipSync(tar(cifarEntries().filter((e) => !e.name.endsWith('test_batch.bin'))));
const evil = gzipSync(tar([...cifarEntries(), { name: 'cifar-10-batches-bin/../../evil.bin', data: Buffer.from('x') }]));
const absolute = gzipSync(tar([{ name: '/nasc-evil.bin', data: Buffer.from('x') }, ...cifarEntries()]));
const badChecksum = gzipSync(tar(cifarEntries().map((e, i) => (i === 3 ? { ...e, corruptChecksum: true } : e))));
const noEnd = gzipSync(tar(cifarEntries(), false));
const badLabels = gzipSync(
  tar(cifarEntries().map((e) => (e.name.endsWith('data_batch_2.bin') ? { ...e, data: Buffer.from([12, ...records(1, 0).subarray(1)]) } : e))),
);
const notGzip = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 0xff));

// ---------- the server ----------

let server: http.Server;
let base = '';
const hits = new Map<string, number>();

function serve(res: http.ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
  res.end(body);
}

const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
  '/good.tar.gz': (_q, res) => serve(res, good),
  '/no-test.tar.gz': (_q, res) => serve(res, noTest),
  '/evil.tar.gz': (_q, res) => serve(res, evil),
  '/absolute.tar.gz': (_q, res) => serve(res, absolute),
  '/bad-checksum.tar.gz': (_q, res) => serve(res, badChecksum),
  '/no-end.tar.gz': (_q, res) => serve(res, noEnd),
  '/bad-labels.tar.gz': (_q, res) => serve(res, badLabels),
  '/not-gzip.tar.gz': (_q, res) => serve(res, notGzip),
  '/r1': (_q, res) => {
    res.writeHead(302, { location: '/r2' });
    res.end();
  },
  '/r2': (_q, res) => {
    res.writeHead(301, { location: `${base}/good.tar.gz` });
    res.end();
  },
  '/loop': (_q, res) => {
    res.writeHead(307, { location: '/loop' });
    res.end();
  },
  // Announces the whole length, sends half, then drops the connection.
  '/truncated': (_q, res) => {
    res.writeHead(200, { 'content-length': good.length });
    res.write(good.subarray(0, good.length >> 1), () => res.socket?.destroy());
  },
  // No length announced (chunked), ends cleanly after half.
  '/short': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/gzip' });
    res.end(good.subarray(0, good.length >> 1));
  },
};

before(async () => {
  server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0] as string;
    hits.set(p, (hits.get(p) ?? 0) + 1);
    const route = routes[p];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

// ---------- helpers ----------

function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'nasc-data-'));
}

function args(dataDir: string, route: string, body: Buffer = good, extra: Partial<DataFetchArgs> = {}): DataFetchArgs {
  return {
    dataset: 'cifar10',
    'data-dir': dataDir,
    url: `${base}${route}`,
    md5: md5(body),
    size: body.length,
    force: false,
    json: true,
    progress: 'none',
    ...extra,
  };
}

/** Every path under `dir`, relative. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

async function rejectsInput(p: Promise<unknown>, pattern: RegExp): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e;
  }
  assert.fail(`expected a rejection matching ${pattern}`);
}

/** A failed fetch into a fresh data dir leaves it exactly empty. */
async function failsClean(route: string, body: Buffer, pattern: RegExp, extra: Partial<DataFetchArgs> = {}): Promise<void> {
  const dir = tmpDir();
  await rejectsInput(dataFetchCommand(args(dir, route, body, extra)), pattern);
  assert.deepEqual(tree(dir), [], `${route} left files behind`);
}

// ---------- tests ----------

test('fetch extracts the batches, the loader reads them, and no temporary file is left', async () => {
  const dir = tmpDir();
  const r = await dataFetchCommand(args(dir, '/good.tar.gz'));
  assert.equal(r.status, 'downloaded');
  assert.equal(r.bytes, good.length);
  assert.equal(r.md5, md5(good));
  assert.deepEqual(r.records, { train: 15, test: 4 });
  assert.deepEqual(r.files, [...TRAIN, 'batches.meta.txt', 'test_batch.bin'].sort());
  const out = path.join(dir, 'cifar10', 'cifar-10-batches-bin');
  assert.equal(r.directory, out);
  for (const [f, data] of batchData) assert.ok(readFileSync(path.join(out, f)).equals(data), f);
  assert.deepEqual(tree(dir), ['cifar10', path.join('cifar10', 'cifar-10-batches-bin'), ...r.files.map((f) => path.join('cifar10', 'cifar-10-batches-bin', f))].sort());
  const train = loadCifar10(dir, 'train');
  const testSet = loadCifar10(dir, 'test');
  assert.equal(train.count, 15);
  assert.equal(testSet.count, 4);
  assert.deepEqual([...train.labels.subarray(0, 4)], [0, 1, 2, 1]);
});

test('already present: nothing is downloaded unless --force', async () => {
  const dir = tmpDir();
  await dataFetchCommand(args(dir, '/good.tar.gz'));
  const before = hits.get('/good.tar.gz');
  const again = await dataFetchCommand(args(dir, '/good.tar.gz'));
  assert.equal(again.status, 'present');
  assert.deepEqual(again.records, { train: 15, test: 4 });
  assert.equal(hits.get('/good.tar.gz'), before, 'no request');
  const forced = await dataFetchCommand(args(dir, '/good.tar.gz', good, { force: true }));
  assert.equal(forced.status, 'downloaded');
  assert.equal(hits.get('/good.tar.gz'), (before ?? 0) + 1);
  // A broken batch is not "present": the fetch replaces it.
  const batch = path.join(dir, 'cifar10', 'cifar-10-batches-bin', 'data_batch_3.bin');
  writeFileSync(batch, Buffer.alloc(100));
  const repaired = await dataFetchCommand(args(dir, '/good.tar.gz'));
  assert.equal(repaired.status, 'downloaded');
  assert.equal(statSync(batch).size, 3 * 3073);
});

test('redirects are followed (relative and absolute), at most 5', async () => {
  const dir = tmpDir();
  const r = await dataFetchCommand(args(dir, '/r1'));
  assert.equal(r.status, 'downloaded');
  assert.equal(r.finalUrl, `${base}/good.tar.gz`);
  await failsClean('/loop', good, /more than 5 redirects/);
});

test('a file: URL works like a download', async () => {
  const src = path.join(tmpDir(), 'cifar-10-binary.tar.gz');
  writeFileSync(src, good);
  const dir = tmpDir();
  const r = await dataFetchCommand({ ...args(dir, ''), url: pathToFileURL(src).href });
  assert.equal(r.status, 'downloaded');
  assert.equal(loadCifar10(dir, 'test').count, 4);
});

test('checksum or size mismatch: exit-2 error, nothing written', async () => {
  await failsClean('/good.tar.gz', good, /checksum mismatch.*MD5 [0-9a-f]{32}, expected 0{32}/, { md5: '0'.repeat(32) });
  await failsClean('/good.tar.gz', good, new RegExp(`is ${good.length} bytes, expected ${good.length + 1}`), { size: good.length + 1 });
  await rejectsInput(dataFetchCommand(args(tmpDir(), '/good.tar.gz', good, { md5: 'xyz' })), /--md5 must be 32 hexadecimal digits/);
});

test('a download cut short is refused', async () => {
  await failsClean('/truncated', good, /failed after \d+ of \d+ bytes|truncated/);
  await failsClean('/short', good, /truncated: \d+ of \d+ bytes/);
});

test('HTTP 404 and a refused connection are one-line errors', async () => {
  await failsClean('/missing.tar.gz', good, /HTTP 404/);
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const dir = tmpDir();
  await rejectsInput(dataFetchCommand({ ...args(dir, ''), url: `http://127.0.0.1:${port}/x.tar.gz` }), /connection refused/);
  assert.deepEqual(tree(dir), []);
});

test('corrupt gzip, corrupt tar, missing members and bad records are refused', async () => {
  await failsClean('/not-gzip.tar.gz', notGzip, /corrupt gzip/);
  await failsClean('/bad-checksum.tar.gz', badChecksum, /corrupt tar: header at byte \d+ has a bad checksum/);
  await failsClean('/no-end.tar.gz', noEnd, /corrupt tar: .*without the end-of-archive marker/);
  await failsClean('/no-test.tar.gz', noTest, /lacks cifar-10-batches-bin\/test_batch\.bin/);
  await failsClean('/bad-labels.tar.gz', badLabels, /cifar-10-batches-bin\/data_batch_2\.bin: record 0 has label 12/);
});

test('entries with .. or an absolute path are refused, and nothing escapes', async () => {
  const parent = tmpDir();
  const dir = path.join(parent, 'data');
  await rejectsInput(dataFetchCommand(args(dir, '/evil.tar.gz', evil)), /refusing tar entry 'cifar-10-batches-bin\/\.\.\/\.\.\/evil\.bin'/);
  assert.deepEqual(tree(parent), [], 'the created data dir is removed again, evil.bin never written');
  await failsClean('/absolute.tar.gz', absolute, /refusing tar entry '\/nasc-evil\.bin': absolute/);
  assert.throws(() => safeEntryPath('a/../../b'), /leaves the archive/);
  assert.deepEqual(safeEntryPath('./a//b/'), ['a', 'b']);
});

test('an unusable data directory, or an unknown dataset, is a one-line error', async () => {
  const parent = tmpDir();
  const file = path.join(parent, 'plain-file');
  writeFileSync(file, 'x');
  // Checked before any mkdir (experiments/io/output_target.ts).
  await rejectsInput(dataFetchCommand(args(file, '/good.tar.gz')), /--data-dir .*plain-file is a file, not a folder/);
  await rejectsInput(dataFetchCommand(args(path.join(file, 'data'), '/good.tar.gz')), /--data-dir .*plain-file\/data cannot be created: .*plain-file is a file, not a folder/);
  await rejectsInput(fetchDataset({ dataset: 'mnist', dataDir: parent }), /unknown dataset 'mnist' \(known: cifar10\)/);
  const saved = process.env.NASC_DATA;
  delete process.env.NASC_DATA;
  try {
    await rejectsInput(fetchDataset({ dataset: 'cifar10', progress: 'none' }), /--data-dir DIR or set NASC_DATA/);
  } finally {
    if (saved !== undefined) process.env.NASC_DATA = saved;
  }
});

test('the yargs module: unknown dataset and missing subcommand fail with one message', async () => {
  const parse = async (argv: string[]): Promise<string> => {
    // As in experiments/cli/main.ts: the first failure throws and stops yargs.
    try {
      await yargs(argv)
        .command(dataCommandModule)
        .strict()
        .exitProcess(false)
        .fail((msg: string | null, err: Error | null) => {
          throw new InputError(msg ?? err?.message ?? 'invalid arguments');
        })
        .parseAsync();
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    return '';
  };
  assert.match(await parse(['data', 'fetch', 'mnist']), /unknown dataset 'mnist' \(known: cifar10\)/);
  assert.match(await parse(['data']), /nasc data fetch <dataset>/);
});

test('TarReader: any chunking, pax paths, GNU long names, directories', () => {
  const longName = `cifar-10-batches-bin/${'x'.repeat(150)}.bin`;
  const archive = tar([
    { name: 'dir/', typeflag: '5' },
    paxEntry({ path: 'pax/renamed.bin', mtime: '1.5' }),
    { name: 'short-name', data: Buffer.from('pax data') },
    { name: '././@LongLink', typeflag: 'L', data: Buffer.from(`${longName}\0`) },
    { name: 'truncated-name', data: Buffer.alloc(700, 3) },
    { name: 'link', typeflag: '2' },
  ]);
  for (const step of [1, 7, 511, 512, 513, archive.length]) {
    const seen: { header: TarHeader; data: Buffer }[] = [];
    const reader = new TarReader((header) => {
      const parts: Buffer[] = [];
      const entry = { header, data: Buffer.alloc(0) };
      seen.push(entry);
      return {
        write: (c) => parts.push(Buffer.from(c)),
        end: () => {
          entry.data = Buffer.concat(parts);
        },
      };
    });
    for (let at = 0; at < archive.length; at += step) reader.push(archive.subarray(at, at + step));
    reader.end();
    assert.deepEqual(
      seen.map((s) => [s.header.name, s.header.type, s.data.length]),
      [
        ['dir/', 'directory', 0],
        ['pax/renamed.bin', 'file', 8],
        [longName, 'file', 700],
        ['link', 'symlink', 0],
      ],
      `chunks of ${step}`,
    );
    assert.equal(seen[1]?.data.toString(), 'pax data');
  }
  const cut = new TarReader(() => undefined);
  cut.push(archive.subarray(0, 1500));
  assert.throws(() => cut.end(), /corrupt tar: truncated/);
});

test('progress lines: one per 10% on a non-terminal', () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  const p = downloadProgress('auto', 'cifar10: download', stream);
  assert.ok(p !== undefined);
  p.start(10_000);
  for (let b = 250; b <= 10_000; b += 250) p.update(b);
  p.stop();
  assert.equal(lines.length, 10);
  assert.match(lines[0] as string, /^cifar10: download: 10% \(0\.0 of 0\.0 MB, \d+ s\)\n$/);
  assert.match(lines[9] as string, /: 100% /);
  assert.equal(downloadProgress('none', 'x', stream), undefined);
});

const registered = commands.some((c) => String(c.command).split(' ')[0] === 'data');

test('the CLI: exit code 2 and one line on stderr', { skip: registered ? false : 'data command not yet registered in experiments/cli/commands/index.ts' }, async () => {
  const dir = tmpDir();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'experiments/cli/main.ts'), 'data', 'fetch', 'cifar10', '--data-dir', dir, '--url', `${base}/missing.tar.gz`, '--md5', md5(good)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 2, stderr);
  assert.match(stderr, /^nasc: http:\/\/127\.0\.0\.1:\d+\/missing\.tar\.gz: HTTP 404 Not Found\n$/);
  assert.deepEqual(tree(dir), []);
});
