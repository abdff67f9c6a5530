import type { FetchApp } from "../timing.ts";
import { createBareApp } from "./bare.ts";
import { createEdgeletteApp } from "./edgelette.ts";
import { createElysiaApp } from "./elysia.ts";
import { createH3App } from "./h3.ts";
import { createHonoApp } from "./hono.ts";

export type { FetchApp };

/** `bare2` is a second copy of `bare`, the noise control: bare2/bare should be 1. */
export const APP_NAMES = ["bare", "hono", "elysia", "h3", "edgelette", "bare2"] as const;
export type AppName = (typeof APP_NAMES)[number];

export function isAppName(name: unknown): name is AppName {
  return APP_NAMES.includes(name as AppName);
}

/** A fresh app; WebSocket support is the servers' business (see bench/servers). */
export function createApp(name: AppName): FetchApp {
  switch (name) {
    case "hono":
      return createHonoApp();
    case "elysia":
      return createElysiaApp();
    case "h3":
      return createH3App();
    case "edgelette":
      return createEdgeletteApp();
    default:
      return createBareApp();
  }
}
