/**
 * A minimal test runner for the extension host, where mocha is not available: cases register
 * with `test()`, and `runCases()` runs them in order, prints one line each and a summary, and
 * rejects when any failed, which makes VS Code exit with a non-zero code.
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Case {
  name: string;
  body: () => unknown;
  timeoutMs: number;
}

const cases: Case[] = [];

export function test(name: string, body: () => unknown, timeoutMs = 30_000): void {
  cases.push({ name, body, timeoutMs });
}

/** Calls `probe` until it returns a value, for state that the language server updates later. */
export async function waitFor<T>(description: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(100);
  }
}

export async function runCases(): Promise<void> {
  let passed = 0;
  let failed = 0;
  for (const { name, body, timeoutMs } of cases) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(body), timeout]);
      passed++;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed++;
      console.error(`not ok - ${name}\n${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  console.log(`integration: ${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${cases.length} integration cases failed`);
}
