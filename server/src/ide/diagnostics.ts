/**
 * Editor features live in this folder, one file per feature, as pure functions over plain data
 * (offsets, not LSP positions). This one produces the diagnostics of a document: today its syntax errors.
 */
import type { ModuleParser, ParseOptions } from '../ast/parse';
import type { Range } from '../ast/nodes';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic {
  range: Range;
  message: string;
  code: string;
  severity: Severity;
  /** Another place in the same document that explains the problem. */
  related?: { range: Range; message: string };
}

/** Diagnostics of one document, read with the document's own parser so unchanged statements are reused. */
export function documentDiagnostics(parser: ModuleParser, text: string, options: ParseOptions): Diagnostic[] {
  const { errors } = parser.parse(text, options);
  return errors.map((error) => ({ range: error.range, message: error.message, code: error.code, severity: 'error', related: error.related }));
}
