// Small waiting helpers shared by the harness and the page object.

/** Default wait for a condition (ms). */
export const TIMEOUT = Number(process.env.LERNRAUM_E2E_TIMEOUT || 10_000);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Retry `fn` (which throws or returns false while the condition does not hold) until it
 * returns something other than false, or fail after `timeout` ms with `message` and the
 * last error. `check()` (optional) is called each round and may throw to abort early
 * (used to stop waiting as soon as the page panicked).
 */
export async function eventually(fn, { timeout = TIMEOUT, interval = 50, message, check } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    if (check) check();
    try {
      // A call that never returns (e.g. a page whose main thread is stuck) still times out.
      let timer;
      const left = Math.max(deadline - Date.now(), 0) + 1000;
      const v = await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`a check did not return within ${left} ms`)), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (v !== false) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last ? `\n  last error: ${String(last.message || last).split('\n').join('\n  ')}` : '';
      throw new Error(`timed out after ${timeout} ms: ${message || 'condition not met'}${why}`);
    }
    await sleep(interval);
  }
}

