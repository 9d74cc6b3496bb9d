// Temporary entry point; replaced by the chevrotain parser.
export interface SyntaxError { message: string; start: number; end: number; code: string }
export interface ParseOptions { regoVersion?: 'v0' | 'v1' }
export function parse(text: string, _options: ParseOptions = {}): { module: unknown; errors: SyntaxError[] } {
  const errors: SyntaxError[] = [];
  const index = text.indexOf('\u201c');
  if (index >= 0) errors.push({ message: 'use straight double quotes', start: index, end: index + 1, code: 'rego_parse_error' });
  return { module: {}, errors };
}
