// The README's 20-line example, kept as a file so a test runs it.
import { App, HTTPException, JSONResponse, Route } from "../src/index.ts";

class PaymentRequired extends Error {}

export const reported: unknown[] = [];

const app = new App({
  routes: [
    new Route("/users/{id:int}", (_request, ctx) => {
      if (ctx.params.id === 0) throw new HTTPException(404, "no user 0");
      return new JSONResponse({ id: ctx.params.id }); // id is a number
    }),
    new Route("/premium", () => {
      throw new PaymentRequired();
    }),
  ],
  exceptionHandlers: {
    404: (_request, exc) => new JSONResponse({ error: exc.detail }, { status: 404 }),
  },
  onError: (error) => reported.push(error), // reported once
});
app.addExceptionHandler(PaymentRequired, () => new JSONResponse({ pay: true }, { status: 402 }));

export default app;
