/**
 * Download progress on stderr: a bar (cli-progress) on a terminal, a plain line every 10%
 * otherwise (every 10 MB when the size is unknown), or nothing.
 */
import cliProgress from 'cli-progress';
import type { DownloadProgress } from './download.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

const MB = 1e6;

export function downloadProgress(mode: ProgressMode, label: string, stream: NodeJS.WriteStream = process.stderr): DownloadProgress | undefined {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return undefined;
  return resolved === 'bar' ? barProgress(label, stream) : lineProgress(label, stream);
}

function barProgress(label: string, stream: NodeJS.WriteStream): DownloadProgress {
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  const payload = (bytes: number) => {
    const s = (Date.now() - started) / 1000;
    return { mb: (bytes / MB).toFixed(1), speed: s > 0 ? (bytes / MB / s).toFixed(1) : '—' };
  };
  return {
    start(total) {
      started = Date.now();
      bar = new cliProgress.SingleBar(
        {
          format:
            total === undefined
              ? `${label} {mb} MB | {speed} MB/s`
              : `${label} [{bar}] {percentage}% | {mb}/${(total / MB).toFixed(1)} MB | {speed} MB/s | ETA {eta_formatted}`,
          stream,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, payload(0));
    },
    update(bytes) {
      bar?.update(bytes, payload(bytes));
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

function lineProgress(label: string, stream: NodeJS.WriteStream): DownloadProgress {
  let total: number | undefined;
  /** Next step to report: a percentage (total known) or a byte count (unknown). */
  let next = 0;
  let last = 0;
  let reported = -1;
  let started = 0;
  const line = (bytes: number) => {
    reported = bytes;
    const s = (Date.now() - started) / 1000;
    const pct = total === undefined || total === 0 ? '' : `${Math.floor((100 * bytes) / total)}% `;
    const of = total === undefined ? '' : ` of ${(total / MB).toFixed(1)}`;
    stream.write(`${label}: ${pct}(${(bytes / MB).toFixed(1)}${of} MB, ${s.toFixed(0)} s)\n`);
  };
  return {
    start(t) {
      total = t === 0 ? undefined : t;
      started = Date.now();
      next = total === undefined ? 10 * MB : 10;
    },
    update(bytes) {
      last = bytes;
      const at = total === undefined ? bytes : Math.floor((100 * bytes) / total);
      if (at < next) return;
      line(bytes);
      const step = total === undefined ? 10 * MB : 10;
      while (next <= at) next += step;
    },
    stop() {
      if (last > 0 && last !== reported) line(last);
    },
  };
}
