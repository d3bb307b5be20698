import { describe, expect, test } from "vitest";
import { jsonResponse, ProblemError, problemResponse, problems } from "./problem.ts";

describe("problems outside middy", () => {
  test("problemResponse: the problem as an API Gateway proxy result", () => {
    const problem = problems.movieNotFound("tt9");
    expect(problemResponse(problem)).toEqual({
      statusCode: 404,
      headers: { "Content-Type": "application/problem+json" },
      body: JSON.stringify(problem),
    });
  });

  test("jsonResponse: any status and JSON body", () => {
    expect(jsonResponse(201, { a: [1] })).toEqual({
      statusCode: 201,
      headers: { "Content-Type": "application/json" },
      body: '{"a":[1]}',
    });
  });

  test("a ProblemError names itself in logs and stack traces, and keeps its cause", () => {
    const cause = new Error("root");
    const error = new ProblemError(problems.internal("r-1"), { cause });
    expect(error.name).toBe("ProblemError");
    expect(String(error)).toMatch(/^ProblemError: /);
    expect(error.cause).toBe(cause);
    expect(JSON.parse(error.message)).toEqual(error.problem);
  });
});
