// Observers follow one request beyond its response: tracing spans, metrics,
// access logs. The core tells them three things it alone knows: an unhandled
// error at the one reporting point (after `onError`, once per error), work
// that outlives the response, and how a WebSocket session closed. A request
// nobody observes pays one property read at each of those points.

import type { RequestContext, RequestInternals } from "./context.ts";
import type { ReportInfo } from "./reporting.ts";
import type { Context } from "./types.ts";

/** What an observer of one request is told. Every method is optional. */
export interface RequestObserver {
  /** An unhandled error of this request, as `onError` saw it: each error once. */
  reported?(error: unknown, info: ReportInfo): void;
  /**
   * Work the request goes on doing after its response: background tasks,
   * `ctx.waitUntil`, a WebSocket session (upgrade to close). The request is
   * over once every such promise settled and the body was sent. Never rejects.
   */
  continues?(work: Promise<unknown>): void;
  /** An accepted WebSocket session ended; the first close, from either side. Comes before its `continues` work settles. */
  socketClosed?(code: number, reason: string): void;
}

/**
 * Subscribes `observer` to the request behind `ctx`; false when `ctx` is not
 * one edgelette created (a context of your own), which cannot be observed.
 * Subscribe before calling the next layer: outer middleware is the place.
 * @example
 * const timing: Middleware = (next) => (request, ctx) => {
 *   observeRequest(ctx, { reported: (error, info) => metrics.count(info.kind) });
 *   return next(request, ctx);
 * };
 */
export function observeRequest(ctx: Context, observer: RequestObserver): boolean {
  const internal = (ctx as Partial<RequestContext>).internal;
  if (internal === undefined) return false;
  internal.observers ??= [];
  internal.observers.push(observer);
  return true;
}

/** Each observer in turn; one that throws must not stop the others, nor the request. */
function notify(internal: RequestInternals, tell: (observer: RequestObserver) => void): void {
  for (const observer of internal.observers ?? []) {
    try {
      tell(observer);
    } catch (error) {
      console.error("edgelette: a request observer threw", error);
    }
  }
}

export function notifyReported(internal: RequestInternals, error: unknown, info: ReportInfo) {
  if (internal.observers) notify(internal, (observer) => observer.reported?.(error, info));
}

export function notifyContinues(internal: RequestInternals, work: Promise<unknown>): void {
  if (internal.observers) notify(internal, (observer) => observer.continues?.(work));
}

export function notifySocketClosed(internal: RequestInternals, code: number, reason: string) {
  if (internal.observers) notify(internal, (observer) => observer.socketClosed?.(code, reason));
}
