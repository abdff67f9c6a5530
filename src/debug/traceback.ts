// The debug traceback (S-DBG-1…4, 6): what the 500 layer sends in debug mode.
// It gathers the error, its frames with source and the request into one
// model, rendered as HTML (./page.ts) or as compact text for curl.

import { prefersHtml } from "../negotiate.ts";
import type { Context } from "../types.ts";
import { PAGE_CSP, renderPage } from "./page.ts";
import { describeRequest, type RequestView } from "./request-info.ts";
import { type FrameView, FrameViewer } from "./source-context.ts";
import { sourceReaderOf } from "./source-reader.ts";
import { describeError, type ErrorSummary } from "./stack.ts";

/** One error of the chain, its frames ready to show. */
export interface SectionView {
  className: string;
  message: string;
  /** "" for the thrown value, else "Caused by", "Error 2 of 3 in AggregateError", … */
  relation: string;
  frames: FrameView[];
}

export interface TracebackModel {
  sections: SectionView[];
  /** Why the chain stops early, or "". */
  note: string;
  /** Why some frames show no source. */
  sourceNotes: string[];
  request?: RequestView;
}

/** Frames kept in debug mode; the engines keep 10 by default. */
const DEBUG_STACK_TRACE_LIMIT = 200;

/**
 * Lets errors keep their whole stack (up to 200 frames) while an app debugs.
 * Called only when debug is on: deeper stacks cost time on every error.
 */
export function keepWholeStacks(): void {
  const engine = Error as { stackTraceLimit?: number };
  if (typeof engine.stackTraceLimit !== "number") return; // not V8 or JavaScriptCore
  engine.stackTraceLimit = Math.max(engine.stackTraceLimit, DEBUG_STACK_TRACE_LIMIT);
}

/**
 * Send the traceback as HTML or plain text, whichever the client prefers
 * (S-DBG-2). `ctx` is the request's context: its route, params and request id
 * are shown, and the adapter's source reader on `ctx.executionCtx` is used.
 */
export function tracebackResponse(request: Request, error: unknown, ctx?: Context): Response {
  const html = prefersHtml(request.headers.get("accept"));
  const body = html
    ? renderTracebackHtml(error, request, ctx)
    : renderTracebackText(error, request, ctx);
  const headers = {
    "content-type": html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
    "content-security-policy": PAGE_CSP,
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
  };
  return new Response(body, { status: 500, headers });
}

/** Everything the page shows, in both formats. */
export function buildTraceback(error: unknown, request?: Request, ctx?: unknown): TracebackModel {
  const viewer = new FrameViewer(sourceReaderOf(readExecutionCtx(ctx)));
  const { chain, note } = describeError(error);
  const sections = chain.map((summary) => ({
    className: summary.className,
    message: summary.message,
    relation: summary.relation ?? "",
    frames: summary.frames.map((frame) => viewer.view(frame)),
  }));
  const model: TracebackModel = { sections, note, sourceNotes: [...viewer.notes] };
  if (request) model.request = describeRequest(request, ctx);
  return model;
}

function readExecutionCtx(ctx: unknown): unknown {
  try {
    return typeof ctx === "object" && ctx !== null ? Reflect.get(ctx, "executionCtx") : undefined;
  } catch {
    return undefined;
  }
}

/** The traceback as a self-contained HTML page: one hashed inline style, no scripts. */
export function renderTracebackHtml(error: unknown, request?: Request, ctx?: unknown): string {
  const model = buildTraceback(error, request, ctx);
  return renderPage(model, headline(model.sections[0] as SectionView));
}

/**
 * The traceback as plain text: the familiar `    at fn (file:line:col)` lines,
 * the user's frames with their source, the others one line each and tagged.
 */
export function renderTracebackText(error: unknown, request?: Request, ctx?: unknown): string {
  const model = buildTraceback(error, request, ctx);
  const sections = model.sections.map((section) => {
    const lines = section.frames.flatMap(frameText);
    const prefix = section.relation ? `${section.relation}: ` : "";
    return [prefix + headline(section), ...lines].join("\n");
  });
  const notes = [model.note, ...model.sourceNotes].filter(Boolean);
  const requestText = model.request ? requestLines(model.request) : "";
  return `${[...sections, ...notes, requestText].filter(Boolean).join("\n\n")}\n`;
}

function frameText(frame: FrameView): string[] {
  if (frame.raw) return [`    at ${frame.file}`];
  const line = frame.line === undefined ? "" : `:${frame.line}`;
  const column = frame.column === undefined ? "" : `:${frame.column}`;
  const kind = frame.kind === "app" ? "" : ` [${frame.kind}]`;
  const mapped = frame.mappedFrom ? ` (from ${frame.mappedFrom})` : "";
  const at = `    at ${frame.functionName || "<anonymous>"} (${frame.file}${line}${column})${mapped}${kind}`;
  if (frame.kind !== "app" || !frame.source) return [at];
  const width = String(frame.source.at(-1)?.number ?? 0).length;
  const source = frame.source.map(
    (item) =>
      `      ${item.marked ? ">" : " "} ${String(item.number).padStart(width)} | ${item.text}`,
  );
  return [at, ...source];
}

function requestLines(request: RequestView): string {
  const lines = [`Request: ${request.method} ${request.url}`];
  if (request.route !== undefined) lines.push(`  route: ${request.route}`);
  if (request.requestId !== undefined) lines.push(`  request id: ${request.requestId}`);
  const pairs = (label: string, items: [string, string][]) => {
    if (items.length)
      lines.push(`  ${label}:`, ...items.map(([name, value]) => `    ${name}: ${value}`));
  };
  pairs("params", request.params);
  pairs("query", request.query);
  pairs("headers", request.headers);
  return lines.join("\n");
}

function headline(error: ErrorSummary | SectionView): string {
  return error.message ? `${error.className}: ${error.message}` : error.className;
}
