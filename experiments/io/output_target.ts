/**
 * Checks an output path before any work: a run must not compute for ten minutes and then fail
 * to write. Refused, each with a one-line InputError naming the path and the flag:
 * - a system path (/proc, /sys, /dev, or any path on procfs/sysfs-like file systems): nothing
 *   belongs there, and Node's recursive mkdir on procfs never returns, so this check runs
 *   before any mkdir;
 * - a folder expected but a file, a device (/dev/null) or something else found, or the other
 *   way round;
 * - a path whose nearest existing ancestor is not a folder, or is not writable.
 */
import { accessSync, constants, lstatSync, realpathSync, statfsSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';

/** Top-level folders of pseudo file systems (Linux); nothing nasc writes belongs below them. */
const SYSTEM_PREFIXES = ['/proc', '/sys', '/dev'];

/** statfs magic numbers of pseudo file systems (linux/magic.h): proc, sysfs, devpts, cgroup, cgroup2, debugfs, securityfs, tracefs, bpf. */
const PSEUDO_FS = new Set([0x9fa0, 0x62656572, 0x1cd1, 0x27e0eb, 0x63677270, 0x64626720, 0x73636673, 0x74726163, 0xcafe4a11]);

export interface TargetCheck {
  /** How the path was given, for messages: "--out", "--checkpoint", "--data-dir". */
  readonly flag: string;
}

/** A folder that will receive files: existing and writable, or creatable. Returns the absolute path. */
export function checkOutputDir(dir: string, { flag }: TargetCheck): string {
  const abs = path.resolve(dir);
  refuseSystemPath(abs, flag);
  const st = lstatOrUndefined(abs);
  if (st !== undefined) {
    const real = realpathSync(abs);
    refuseSystemPath(real, flag, abs);
    const s = st.isSymbolicLink() ? statSync(abs) : st;
    if (!s.isDirectory()) throw new InputError(`${flag} ${abs} is ${kindOf(s)}, not a folder`);
    refusePseudoFs(real, abs, flag);
    mustWrite(real, `${flag} ${abs} is not writable`);
    return abs;
  }
  checkCreatable(abs, flag);
  return abs;
}

/** A file that will be (re)written: absent and creatable, or an existing writable regular file. */
export function checkOutputFile(file: string, { flag }: TargetCheck): string {
  const abs = path.resolve(file);
  refuseSystemPath(abs, flag);
  const st = lstatOrUndefined(abs);
  if (st !== undefined) {
    const real = realpathSync(abs);
    refuseSystemPath(real, flag, abs);
    const s = st.isSymbolicLink() ? statSync(abs) : st;
    if (!s.isFile()) throw new InputError(`${flag} ${abs} is ${kindOf(s)}, not a file`);
    mustWrite(real, `${flag} ${abs} is not writable`);
    // Replacing it atomically needs the folder to be writable too.
    mustWrite(path.dirname(real), `${flag} ${abs}: its folder is not writable`);
    return abs;
  }
  checkCreatable(abs, flag);
  return abs;
}

/** A folder read from (a data directory, `--resume DIR`): exists and is a folder outside the system paths. */
export function checkInputDir(dir: string, { flag }: TargetCheck): string {
  const abs = path.resolve(dir);
  refuseSystemPath(abs, flag);
  const st = lstatOrUndefined(abs);
  if (st === undefined) throw new InputError(`${flag} ${abs} does not exist`);
  refuseSystemPath(realpathSync(abs), flag, abs);
  const s = st.isSymbolicLink() ? statSync(abs) : st;
  if (!s.isDirectory()) throw new InputError(`${flag} ${abs} is ${kindOf(s)}, not a folder`);
  return abs;
}

/** True for paths under /proc, /sys, /dev (and the same names below a Windows drive never match). */
export function isSystemPath(abs: string): boolean {
  return SYSTEM_PREFIXES.some((p) => abs === p || abs.startsWith(`${p}/`));
}

/** `shown` is the path as given; `abs` may be where its symlinks lead. */
function refuseSystemPath(abs: string, flag: string, shown = abs): void {
  if (isSystemPath(abs)) {
    const really = shown === abs ? '' : ` (it leads to ${abs})`;
    throw new InputError(`${flag} ${shown}${really} is a system path (under ${SYSTEM_PREFIXES.join(', ')}): nasc writes nothing there`);
  }
}

/** The nearest existing ancestor must be a writable folder on an ordinary file system. */
function checkCreatable(abs: string, flag: string): void {
  let ancestor = path.dirname(abs);
  let st = lstatOrUndefined(ancestor);
  while (st === undefined) {
    const up = path.dirname(ancestor);
    if (up === ancestor) throw new InputError(`${flag} ${abs}: no existing folder above it`);
    ancestor = up;
    st = lstatOrUndefined(ancestor);
  }
  const real = realpathSync(ancestor);
  refuseSystemPath(path.join(real, path.relative(ancestor, abs)), flag, abs);
  const s = st.isSymbolicLink() ? statSync(ancestor) : st;
  if (!s.isDirectory()) throw new InputError(`${flag} ${abs} cannot be created: ${ancestor} is ${kindOf(s)}, not a folder`);
  refusePseudoFs(real, abs, flag);
  mustWrite(real, `${flag} ${abs} cannot be created: ${ancestor} is not writable`);
}

function refusePseudoFs(real: string, abs: string, flag: string): void {
  const type = fileSystemType(real);
  if (type !== undefined && PSEUDO_FS.has(type)) throw new InputError(`${flag} ${abs} lies on a pseudo file system (like /proc): choose a folder of your own`);
}

function mustWrite(real: string, message: string): void {
  try {
    accessSync(real, constants.W_OK);
  } catch {
    throw new InputError(message);
  }
}

function fileSystemType(p: string): number | undefined {
  try {
    return statfsSync(p).type;
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return undefined; // a file somewhere above: the ancestor walk reports it
    throw new InputError(`cannot inspect ${p} (${code ?? 'error'})`);
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFile()) return 'a file';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isFIFO()) return 'a pipe';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}
