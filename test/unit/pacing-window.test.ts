// The pacer's window (app/providers/pacing.server.ts): the shortest whole-second window that holds a whole
// number of requests, so that any 60 s span stays within a per-minute quota.
import { describe, expect, it } from "vitest";
import { VISMA_REQUESTS_PER_SECOND, windowFor } from "../../app/providers/pacing.server";

describe("windowFor", () => {
  it("keeps whole rates in 1-second windows and halves in 2-second ones", () => {
    expect(windowFor(9)).toEqual({ points: 9, seconds: 1 });
    expect(windowFor(9.5)).toEqual({ points: 19, seconds: 2 });
    expect(windowFor(0.5)).toEqual({ points: 1, seconds: 2 });
  });

  it("keeps Visma's pace within 600 requests in any 60 s (a span touches at most 60/d + 1 windows)", () => {
    const { points, seconds } = windowFor(VISMA_REQUESTS_PER_SECOND);
    expect((60 / seconds + 1) * points).toBeLessThanOrEqual(600);
    expect((60 / seconds + 1) * points).toBeGreaterThanOrEqual(540);
  });

  it("refuses a rate with no whole-second window", () => {
    expect(() => windowFor(Math.PI)).toThrow(/no whole-second window/);
  });
});
