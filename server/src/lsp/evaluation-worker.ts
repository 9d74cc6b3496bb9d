/**
 * The evaluation worker: runs evaluation requests on a thread of its own, so a long evaluation never
 * blocks the language server's main loop (typing, diagnostics, other requests). The server ends the
 * worker when a request is cancelled or runs past its time, and starts a new one for the next request.
 */
import { parentPort } from 'node:worker_threads';
import { runEvaluation, type EvaluationRequest } from './evaluation';

parentPort?.on('message', (message: { id: number; request: EvaluationRequest }) => {
  try {
    parentPort?.postMessage({ id: message.id, answer: runEvaluation(message.request) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, failure: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
