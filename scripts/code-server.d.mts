// Types for scripts/code-server.mjs, which stays plain JavaScript so `npm start` needs no TypeScript loader.
import type { ChildProcess } from 'node:child_process';

export const QUIET_SETTINGS: Record<string, unknown>;

export function codeServerEntry(): string;

export function freePort(host?: string): Promise<number>;

export function copyToTemp(folder: string, prefix?: string): string;

export interface CodeServerOptions {
  folder: string;
  /** The extension to install; omitted when the workbench loads it as a development extension. */
  vsix?: string;
  host?: string;
  port?: number;
  settings?: Record<string, unknown>;
  log?: 'inherit' | string;
  readyTimeoutMs?: number;
}

export interface CodeServer {
  baseUrl: string;
  /** Opens `folder` in the workbench. */
  url: string;
  port: number;
  userDataDir: string;
  process: ChildProcess;
  /** Ends code-server and everything it started, then removes its state; safe to call twice. */
  stop(): Promise<void>;
}

export function startCodeServer(options: CodeServerOptions): Promise<CodeServer>;
