/**
 * The playground webview's HTML document: a strict content security policy (scripts only with the
 * page's nonce, styles from the extension's files or with the nonce, nothing else from anywhere), the
 * stylesheet, the page's root element and its script. Pure text, with no `vscode` import, so tests
 * can render the same document in a plain browser.
 */

export interface PlaygroundHtmlOptions {
  /** The webview URI of dist/playground/page.js. */
  scriptUri: string;
  /** The webview URI of dist/playground/page.css. */
  styleUri: string;
  /** The webview's `cspSource`: where its own resources may load from. */
  cspSource: string;
  /** A fresh random value per document (base64 or hex characters). */
  nonce: string;
  title?: string;
}

const NONCE = /^[A-Za-z0-9+/_=-]+$/;

/** Text for an attribute value in double quotes (or for element text). */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function playgroundHtml(options: PlaygroundHtmlOptions): string {
  // A nonce or source with quotes, spaces or semicolons would change the policy itself, not just its
  // value; such input is a bug of the caller, so it fails loudly instead of being escaped into shape.
  if (!NONCE.test(options.nonce)) throw new Error('playgroundHtml: the nonce must be base64 or hex characters');
  // VS Code's `cspSource` is one or more source expressions, quoted keywords such as 'self' included.
  if (/[;,"\n\r]/.test(options.cspSource) || options.cspSource.trim() === '') throw new Error('playgroundHtml: cspSource must be CSP source expressions');
  const { nonce } = options;
  const cspSource = options.cspSource.trim();
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>${escapeHtml(options.title ?? 'Rego Playground')}</title>
</head>
<body>
<div id="playground" data-nonce="${escapeHtml(nonce)}"></div>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}
