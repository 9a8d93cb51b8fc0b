import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Interrupted } from '../../core/errors.js';
import { Shutdown, interruptedBy } from '../../experiments/shutdown.js';

test('the first signal aborts with an Interrupted error carrying the exit code; dispose removes the handlers', () => {
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    const before = process.listenerCount(sig);
    const s = Shutdown.install(() => assert.fail('no forced stop on the first signal'));
    assert.equal(process.listenerCount(sig), before + 1);
    assert.equal(s.signal.aborted, false);
    s.throwIfStopped();
    process.emit(sig, sig);
    assert.equal(s.signal.aborted, true);
    assert.equal(s.received, sig);
    const e = interruptedBy(s.signal);
    assert.ok(e instanceof Interrupted);
    assert.equal(e.exitCode, code);
    assert.throws(() => s.throwIfStopped(), Interrupted);
    s.dispose();
    assert.equal(process.listenerCount(sig), before);
  }
});
