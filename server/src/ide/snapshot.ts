/**
 * What editor features see of a workspace: its Rego documents (text and parsed module, open editors'
 * unsaved text included), and the active input document for `input.` paths. Features are pure
 * functions of a snapshot, a file and an offset, and answer in offsets; the server builds snapshots
 * and converts offsets to LSP positions.
 */
import type { Module } from '../ast/nodes';
import { ModuleParser } from '../ast/parse';
import type { Value } from '../value/value';

export interface SourceDocument {
  /** File path (or URI for documents without a file). */
  file: string;
  text: string;
  module: Module;
}

export interface Snapshot {
  documents: readonly SourceDocument[];
  /** The document with this file name. */
  get(file: string): SourceDocument | undefined;
  /** The active input (for `input.` completion and hover), when there is one. */
  input?: Value;
  /** The base data documents of the workspace (for `data.` completion), when known. */
  data?: Value;
  /** What the document at a data path (`['data', 'pkg', 'rule']`) last evaluated to, if it was evaluated. */
  lastValue?: (path: readonly string[]) => LastValue | undefined;
}

/** The outcome of the latest evaluation of a document ("Evaluate" lens), for hover. */
export interface LastValue {
  /** The value as Rego prints it; absent when the document was undefined. */
  text?: string;
  /** The input file it was evaluated against. */
  inputPath?: string;
}

/** Builds a snapshot from texts, parsing each (for tests and for the server's workspace view). */
export function snapshotOf(files: { file: string; text: string; module?: Module }[], options: { input?: Value; data?: Value; regoVersion?: 'v0' | 'v1'; lastValue?: Snapshot['lastValue'] } = {}): Snapshot {
  const documents = files.map(({ file, text, module }) => ({ file, text, module: module ?? new ModuleParser().parse(text, { regoVersion: options.regoVersion ?? 'v1' }).module }));
  const byFile = new Map(documents.map((document) => [document.file, document]));
  return { documents, get: (file) => byFile.get(file), input: options.input, data: options.data, lastValue: options.lastValue };
}
