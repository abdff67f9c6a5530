// The debug traceback page (S-DBG-1…4). Template only: the 500 layer decides
// when to send it. Every value shown comes from a thrown value we know nothing
// about, so each read is guarded and every string is HTML-escaped.

import { escapeHtml } from "../html.ts";
import { prefersHtml } from "../negotiate.ts";
import type { Context } from "../types.ts";
import { describeError, type ErrorSummary, type StackLine } from "./stack.ts";

const PAGE_STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem; color: #1f2328; background: #fff; }
h1 { font-size: 1.3rem; color: #b42318; }
section { border-left: 4px solid #b42318; padding: 0.25rem 1rem; margin: 1.5rem 0; }
h2 { font-size: 1.1rem; margin: 0.25rem 0; }
pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
.caused-by { margin: 0; color: #57606a; font-size: 0.8rem; text-transform: uppercase; }
.message { white-space: pre-wrap; background: #fff5f5; padding: 0.5rem; }
.fn { font-weight: 600; }
.file, .raw, .note { color: #57606a; }`;

/** Send the traceback as HTML or plain text, whichever the client prefers (S-DBG-2). */
export function tracebackResponse(request: Request, error: unknown, _ctx?: Context): Response {
  const html = prefersHtml(request.headers.get("accept"));
  const body = html ? renderTracebackHtml(error) : renderTracebackText(error);
  const headers = {
    "content-type": html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
    "x-content-type-options": "nosniff",
  };
  return new Response(body, { status: 500, headers });
}

/** The traceback as a self-contained HTML page: inline CSS, no scripts. */
export function renderTracebackHtml(error: unknown): string {
  const { chain, note } = describeError(error);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(headline(chain[0]))}</title>
<style>${PAGE_STYLE}
</style>
</head>
<body>
<h1>500 Internal Server Error</h1>
${chain.map(errorSection).join("\n")}
${note ? `<p class="note">${escapeHtml(note)}</p>` : ""}
</body>
</html>
`;
}

function errorSection(error: ErrorSummary, index: number): string {
  return `<section>
${index > 0 ? `<p class="caused-by">Caused by</p>\n` : ""}<h2>${escapeHtml(error.className)}</h2>
<pre class="message">${escapeHtml(error.message)}</pre>
${frameList(error.frames)}
</section>`;
}

function frameList(frames: StackLine[]): string {
  if (frames.length === 0) return `<p class="note">No stack trace.</p>`;
  return `<ol>\n${frames.map(frameItem).join("\n")}\n</ol>`;
}

function frameItem(frame: StackLine): string {
  if (typeof frame === "string") return `<li><code class="raw">${escapeHtml(frame)}</code></li>`;
  const position = frame.line === undefined ? "" : ` line ${frame.line}`;
  const column = frame.column === undefined ? "" : `, column ${frame.column}`;
  return `<li><code class="fn">${escapeHtml(frame.functionName || "<anonymous>")}</code>
 <code class="file">${escapeHtml(frame.file)}</code>${position}${column}</li>`;
}

/** The traceback as plain text, in the familiar `    at fn (file:line:col)` form. */
export function renderTracebackText(error: unknown): string {
  const { chain, note } = describeError(error);
  const sections = chain.map((summary, index) => {
    const lines = summary.frames.map((frame) => `    at ${frameText(frame)}`);
    return [(index > 0 ? "Caused by: " : "") + headline(summary), ...lines].join("\n");
  });
  return `${[...sections, note].filter(Boolean).join("\n\n")}\n`;
}

function frameText(frame: StackLine): string {
  if (typeof frame === "string") return frame;
  const line = frame.line === undefined ? "" : `:${frame.line}`;
  const column = frame.column === undefined ? "" : `:${frame.column}`;
  return `${frame.functionName || "<anonymous>"} (${frame.file}${line}${column})`;
}

function headline(error: ErrorSummary): string {
  return error.message ? `${error.className}: ${error.message}` : error.className;
}
