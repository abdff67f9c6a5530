export { App, type AppOptions, buildStack } from "./app.ts";
export type { BackgroundTask } from "./background.ts";
export { Config } from "./config.ts";
export {
  ClientDisconnect,
  HTTPException,
  InvalidWebSocketMessage,
  WebSocketDisconnect,
  WebSocketException,
} from "./exceptions.ts";
export type { ErrorClass, HandlerEntries, HandlerKey } from "./handler-table.ts";
export { ServerErrorMiddleware, type ServerErrorMiddlewareOptions } from "./middleware/errors.ts";
export { ExceptionMiddleware, type ExceptionMiddlewareOptions } from "./middleware/exceptions.ts";
export { observeRequest, type RequestObserver } from "./observe.ts";
export {
  type ProblemDetails,
  type ProblemDetailsOptions,
  type ProblemMembers,
  problemDetailsHandlers,
  problemResponse,
} from "./problem.ts";
export type { ErrorReporter, FailureKind, ReportInfo } from "./reporting.ts";
export { type ReadJsonOptions, readJson } from "./request-body.ts";
export { type RequestIdOptions, requestId } from "./request-id.ts";
export {
  type EdgeletteResponseInit,
  HTMLResponse,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
} from "./responses.ts";
export {
  Mount,
  type MountTarget,
  Route,
  type RouteOptions,
  WebSocketRoute,
} from "./routing/route.ts";
export { Router, type RouterOptions } from "./routing/router.ts";
export {
  type EventSourceInit,
  EventSourceResponse,
  formatEvent,
  lastEventId,
  type ServerSentEvent,
} from "./sse.ts";
export * as status from "./status.ts";
export { type ChunkSource, StreamingResponse } from "./streaming.ts";
export type {
  Context,
  Endpoint,
  ExceptionHandler,
  Fetchable,
  Handler,
  Middleware,
  WebSocketEndpoint,
  WebSocketExceptionHandler,
} from "./types.ts";
export {
  ValidationError,
  type ValidationErrorOptions,
  type ValidationIssue,
  type ValidationSource,
} from "./validation/error.ts";
export type {
  RouteContext,
  RouteEndpoint,
  RouteSchemas,
  ValidInputs,
} from "./validation/route-inputs.ts";
export { type OutputOf, type Schema, validate } from "./validation/validate.ts";
export { type AcceptInit, type WebSocketLimits, WebSocketSession } from "./websocket/session.ts";
