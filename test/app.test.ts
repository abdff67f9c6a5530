import { describe, expect, it } from "vitest";
import { App } from "../src/app.ts";
import { PlainTextResponse } from "../src/responses.ts";
import { Route } from "../src/routing/route.ts";

/** The frames of edgelette's own code above an endpoint, innermost first. */
function frameworkFramesAbove(stack: string): string[] {
  return stack.split("\n").filter((line) => /\/src\/.*\.ts:\d+/.test(line));
}

describe("the stack under an endpoint", () => {
  // V8 records up to ten frames in every Error, at about 0.2 µs each: each
  // layer calls the next in its own frame, with no helper in between.
  it("S-EXC-6: an endpoint runs two framework frames deep in an app without middleware", async () => {
    let stack = "";
    const app = new App({
      routes: [
        new Route("/", () => {
          stack = String(new Error("where am I").stack);
          return new PlainTextResponse("ok");
        }),
      ],
    });
    await app.fetch(new Request("http://test/"));
    // One frame per file: V8 names arrow-function layers after their caller's class.
    const files = frameworkFramesAbove(stack).map((line) => /\/src\/([^:]+)/.exec(line)?.[1]);
    expect(files).toEqual(["middleware/exceptions.ts", "app.ts"]);
  });
});
