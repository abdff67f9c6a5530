// The debug page's HTML template (S-DBG-3, 4, 6). No script at all: frames
// collapse with <details>. The one inline <style> is allowed by its hash in
// the Content-Security-Policy, so the page needs nothing else from anywhere.

import { escapeHtml } from "../html.ts";
import type { RequestView } from "./request-info.ts";
import type { FrameView, SourceLine } from "./source-context.ts";
import type { SectionView, TracebackModel } from "./traceback.ts";

export const PAGE_STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #b42318; color: #fff; padding: 1rem 2rem; }
header h1 { font-size: 1.2rem; margin: 0; }
header p { margin: 0.25rem 0 0; opacity: 0.9; }
main { padding: 0 2rem 2rem; max-width: 80rem; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 1rem; margin: 1.25rem 0; }
h2 { font-size: 1.1rem; margin: 0.25rem 0; }
pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
.caused-by { margin: 0; color: #57606a; font-size: 0.8rem; text-transform: uppercase; }
.message { white-space: pre-wrap; background: #fff5f5; padding: 0.5rem; border-radius: 4px; }
ol.frames { list-style: none; padding: 0; margin: 0.5rem 0; }
li.frame { margin: 0.25rem 0; }
summary { cursor: pointer; }
.fn { font-weight: 600; }
.file, .raw, .note, .kind, .mapped { color: #57606a; }
.kind { font-size: 0.75rem; border: 1px solid #d0d7de; border-radius: 1em; padding: 0 0.5em; }
details.group > summary { color: #57606a; }
details.group ol { border-left: 2px solid #d0d7de; padding-left: 0.75rem; }
pre.source { background: #f6f8fa; border-radius: 4px; padding: 0.5rem 0; margin: 0.25rem 0 0.75rem; overflow-x: auto; }
pre.source .ln, pre.source mark { display: block; padding: 0 0.75rem; white-space: pre; }
pre.source mark { background: #ffebe9; color: inherit; box-shadow: inset 3px 0 #b42318; }
.no { display: inline-block; min-width: 3.5em; color: #8c959f; user-select: none; }
h3 { font-size: 0.95rem; margin: 0.75rem 0 0.25rem; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { text-align: left; vertical-align: top; padding: 0.15rem 1rem 0.15rem 0; }
th { font-weight: 600; color: #57606a; }
td { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
`;

/** The CSP source for PAGE_STYLE: `'sha256-…'` of the exact text between <style> and </style>. */
export const PAGE_STYLE_HASH = "'sha256-48/ac4ZM8uMD+3nAuRw4yN+RBrdxW+TOjJJJuf1J1Uc='";

/** The page's policy: nothing loads, nothing runs, only the hashed inline style applies. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${PAGE_STYLE_HASH}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The whole page; every value from the error or the request is escaped here. */
export function renderPage(model: TracebackModel, title: string): string {
  const notes = [model.note, ...model.sourceNotes].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>500 Internal Server Error</h1>
${model.request ? `<p>${escapeHtml(`${model.request.method} ${model.request.url}`)}</p>` : ""}
${origin(model)}
</header>
<main>
${model.sections.map(errorSection).join("\n")}
${notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join("\n")}
${model.request ? requestSection(model.request) : ""}
</main>
</body>
</html>
`;
}

// Your frame first: where in the user's own code the error was raised.
function origin(model: TracebackModel): string {
  const frame = model.sections[0]?.frames.find((item) => item.kind === "app" && item.line);
  if (!frame) return "";
  const name = frame.functionName || "<anonymous>";
  return `<p>Raised in <code>${escapeHtml(name)}</code> at <code>${escapeHtml(`${frame.file}:${frame.line}`)}</code></p>`;
}

function errorSection(error: SectionView): string {
  const relation = error.relation ? `<p class="caused-by">${escapeHtml(error.relation)}</p>\n` : "";
  return `<section class="error">
${relation}<h2>${escapeHtml(error.className)}</h2>
<pre class="message">${escapeHtml(error.message)}</pre>
${frameList(error.frames)}
</section>`;
}

// The user's frames stand alone and open; each run of other frames (edgelette,
// dependencies, the runtime) folds into one closed group.
function frameList(frames: FrameView[]): string {
  if (frames.length === 0) return `<p class="note">No stack trace.</p>`;
  const items: string[] = [];
  let folded: FrameView[] = [];
  for (const frame of frames) {
    if (isCollapsed(frame)) {
      folded.push(frame);
      continue;
    }
    if (folded.length > 0) items.push(frameGroup(folded));
    folded = [];
    items.push(frameItem(frame, true));
  }
  if (folded.length > 0) items.push(frameGroup(folded));
  return `<ol class="frames">\n${items.join("\n")}\n</ol>`;
}

function isCollapsed(frame: FrameView): boolean {
  return frame.kind !== "app" && frame.kind !== "bundle";
}

function frameGroup(frames: FrameView[]): string {
  const kinds = [...new Set(frames.map((frame) => frame.kind))].join(", ");
  const count = frames.length === 1 ? "1 frame" : `${frames.length} frames`;
  return `<li class="frame group"><details class="group"><summary>${count} in ${kinds}</summary>
<ol class="frames">
${frames.map((frame) => frameItem(frame, false)).join("\n")}
</ol></details></li>`;
}

function frameItem(frame: FrameView, open: boolean): string {
  const heading = frameHeading(frame);
  if (!frame.source) return `<li class="frame ${frame.kind}">${heading}</li>`;
  return `<li class="frame ${frame.kind}"><details${open ? " open" : ""}><summary>${heading}</summary>
${sourceBlock(frame.source)}</details></li>`;
}

function frameHeading(frame: FrameView): string {
  if (frame.raw) return `<code class="raw">${escapeHtml(frame.file)}</code>`;
  const position = frame.line === undefined ? "" : `:${frame.line}`;
  const column = frame.column === undefined ? "" : `:${frame.column}`;
  const mapped = frame.mappedFrom
    ? ` <span class="mapped">(from ${escapeHtml(frame.mappedFrom)})</span>`
    : "";
  const kind = frame.kind === "app" ? "" : ` <span class="kind">${frame.kind}</span>`;
  return `<code class="fn">${escapeHtml(frame.functionName || "<anonymous>")}</code> <code class="file">${escapeHtml(frame.file)}${position}${column}</code>${mapped}${kind}`;
}

function sourceBlock(lines: SourceLine[]): string {
  const rendered = lines.map((line) => {
    const open = line.marked ? "<mark>" : `<span class="ln">`;
    const close = line.marked ? "</mark>" : "</span>";
    return `${open}<span class="no">${line.number}</span>${escapeHtml(line.text)}${close}`;
  });
  return `<pre class="source"><code>${rendered.join("")}</code></pre>`;
}

function requestSection(request: RequestView): string {
  const rows: [string, string][] = [
    ["Method", request.method],
    ["URL", request.url],
  ];
  if (request.route !== undefined) rows.push(["Route", request.route]);
  if (request.requestId !== undefined) rows.push(["Request id", request.requestId]);
  return `<section class="request">
<h2>Request</h2>
${table(rows)}
${request.params.length ? `<h3>Path parameters</h3>\n${table(request.params)}` : ""}
${request.query.length ? `<h3>Query</h3>\n${table(request.query)}` : ""}
<h3>Headers</h3>
${table(request.headers)}
</section>`;
}

function table(rows: [string, string][]): string {
  const body = rows.map(
    ([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
  );
  return `<table>\n${body.join("\n")}\n</table>`;
}
