/**
 * An app with `requestTimeout`, for the over-the-wire tests on workerd
 * itself: workerd runs a timer in the context of the request that set it,
 * so a deadline must belong to its own request there.
 */
import { App, PlainTextResponse, Route } from "../../../src/index.ts";

/** ms: long enough for a loaded machine to start both requests before it passes. */
export const TIMEOUT_MS = 400;

export function createTimeoutApp() {
  const stuck: string[] = [];
  const never = () => new Promise<Response>(() => {});
  const soon = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return new PlainTextResponse("answered");
  };
  return new App({
    requestTimeout: TIMEOUT_MS,
    onError: (error) => {
      stuck.push(error instanceof Error ? error.message : String(error));
    },
    routes: [
      new Route("/soon", soon),
      new Route("/never", never),
      new Route("/stuck", () => Response.json(stuck)),
    ],
  });
}
