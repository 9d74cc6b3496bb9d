/**
 * Runs evaluation requests in the evaluation worker. One request runs at a time; a request that is
 * cancelled, or that outlives its time budget by a margin, ends the worker (the next request starts a
 * fresh one), so nothing can keep the server busy.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EvaluationAnswer, EvaluationRequest } from './evaluation';

/** Extra time after the evaluation's own budget before the worker is ended from outside. */
const GRACE_MS = 2000;

export interface Cancellation {
  isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export class EvaluationError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class EvaluationPool {
  private worker: Worker | undefined;
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly script = join(__dirname, 'evaluation-worker.js')) {}

  run(request: EvaluationRequest, token?: Cancellation): Promise<EvaluationAnswer> {
    const result = this.queue.then(() => this.runNow(request, token));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private runNow(request: EvaluationRequest, token?: Cancellation): Promise<EvaluationAnswer> {
    if (token?.isCancellationRequested) return Promise.reject(new EvaluationError('eval_cancel_error', 'evaluation cancelled'));
    const worker = (this.worker ??= this.start());
    const id = ++this.nextId;
    return new Promise<EvaluationAnswer>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        subscription?.dispose();
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const end = (error: EvaluationError): void => {
        finish();
        this.stop(worker);
        reject(error);
      };
      const onMessage = (message: { id: number; answer?: EvaluationAnswer; failure?: string }): void => {
        if (message.id !== id) return;
        finish();
        if (message.answer) resolve(message.answer);
        else reject(new EvaluationError('eval_internal_error', message.failure ?? 'evaluation failed'));
      };
      const onError = (error: Error): void => end(new EvaluationError('eval_internal_error', `the evaluation worker failed: ${error.message}`));
      const onExit = (): void => end(new EvaluationError('eval_internal_error', 'the evaluation worker stopped'));
      const timer = setTimeout(() => end(new EvaluationError('eval_cancel_error', `evaluation timed out after ${request.settings.timeoutMs} ms`)), request.settings.timeoutMs + GRACE_MS);
      const subscription = token?.onCancellationRequested(() => end(new EvaluationError('eval_cancel_error', 'evaluation cancelled')));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, request });
    });
  }

  private start(): Worker {
    // The same V8 flags as the server: evaluation allocates many short-lived objects.
    const worker = new Worker(this.script, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    worker.unref();
    return worker;
  }

  private stop(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    worker.removeAllListeners();
    void worker.terminate();
  }

  /** Starts the worker and has it parse and evaluate a tiny module, so the first real request is fast. */
  warmUp(): void {
    const settings = { regoVersion: 'v1' as const, roots: [], timeoutMs: 5000, allowNetwork: false };
    void this.run({ kind: 'document', file: '<warm-up>', path: ['data', 'warm', 'x'], open: [['<warm-up>', 'package warm\nx := count([1])\n']], settings }).catch(() => undefined);
  }

  dispose(): void {
    if (this.worker) this.stop(this.worker);
  }
}
