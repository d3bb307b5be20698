import { describe, expect, test } from "vitest";
import { parseStartOptions, START_HELP, START_OPTIONS, startupMessage } from "./start-options.ts";

describe("parseStartOptions", () => {
  test("defaults, variables, and a flag winning over its variable", () => {
    expect(parseStartOptions([], {})).toMatchObject({
      httpPort: 3000,
      s3Port: 4569,
      dynamoDbPort: 8000,
      seed: true,
    });
    expect(
      parseStartOptions(["--s3-port", "0"], { MOVIES_S3_PORT: "9", MOVIES_HTTP_PORT: "8080" }),
    ).toMatchObject({ httpPort: 8080, s3Port: 0 });
  });

  test("takes the `--` that `pnpm start -- --help` passes on", () => {
    expect(parseStartOptions(["--", "--help"], {}).help).toBe(true);
  });

  test("a bad port is reported under the name the user set", () => {
    expect(() => parseStartOptions([], { MOVIES_HTTP_PORT: "eighty" })).toThrow(
      'MOVIES_HTTP_PORT must be a port number from 0 to 65535, not "eighty"',
    );
    expect(() => parseStartOptions(["--http-port", "70000"], { MOVIES_HTTP_PORT: "80" })).toThrow(
      /^--http-port must/,
    );
    expect(() => parseStartOptions([], { MOVIES_DYNAMODB_PORT: "1.5" })).toThrow(
      /^MOVIES_DYNAMODB_PORT must/,
    );
  });
});

describe("allowed CORS origins", () => {
  test("none by default; the flag wins over the variable", () => {
    expect(parseStartOptions([], {}).corsOrigins).toEqual([]);
    expect(
      parseStartOptions(["--cors-origins", "http://localhost:5173, https://app.example.com"], {
        MOVIES_CORS_ORIGINS: "https://other.example",
      }).corsOrigins,
    ).toEqual(["http://localhost:5173", "https://app.example.com"]);
    expect(
      parseStartOptions([], { MOVIES_CORS_ORIGINS: "https://other.example" }).corsOrigins,
    ).toEqual(["https://other.example"]);
  });

  test("a value that is no origin is named, under the name the user set", () => {
    expect(() => parseStartOptions(["--cors-origins", "*,http://ok.test"], {})).toThrow(
      '--cors-origins takes origins such as http://localhost:5173 (scheme, host, port), not "*"',
    );
    expect(() => parseStartOptions([], { MOVIES_CORS_ORIGINS: "localhost:5173" })).toThrow(
      /^MOVIES_CORS_ORIGINS takes origins .* not "localhost:5173"$/,
    );
  });
});

describe("the fan-out threshold", () => {
  test("the deployed default; the flag wins over the variable; a bad value is named", () => {
    expect(parseStartOptions([], {}).fanOutThresholdBytes).toBe(64 * 1024 * 1024);
    const env = { MOVIES_FAN_OUT_THRESHOLD_BYTES: "2048" };
    expect(parseStartOptions([], env).fanOutThresholdBytes).toBe(2048);
    expect(parseStartOptions(["--fan-out-threshold", "4096"], env).fanOutThresholdBytes).toBe(4096);
    expect(() => parseStartOptions(["--fan-out-threshold", "1MB"], {})).toThrow(
      '--fan-out-threshold takes a number of bytes of at least 1, not "1MB"',
    );
  });
});

describe("the start command's help", () => {
  test("names every flag", () => {
    for (const flag of Object.keys(START_OPTIONS)) expect(START_HELP).toContain(`--${flag}`);
  });
});

describe("startupMessage", () => {
  const facts = {
    seconds: "1.0",
    httpUrl: "http://localhost:3000",
    s3Endpoint: "http://localhost:4569",
    dynamoDbEndpoint: "http://localhost:8000",
    dynamoDbVia: "java" as const,
    corsOrigins: [],
    bucket: "movie-infos",
    tableName: "movies",
  };

  test("says the seed was loaded only when it was", () => {
    expect(startupMessage({ ...facts, seed: { loaded: true, written: 3 } })).toContain(
      "Loaded the seed's 3 movies",
    );
    const failed = startupMessage({
      ...facts,
      seed: { loaded: false, reason: "ENOENT: no such file or directory" },
    });
    expect(failed).not.toContain("Loaded");
    expect(failed).toContain("could NOT be loaded: ENOENT: no such file or directory");
    expect(failed).toContain("Press Ctrl-C to stop.");
    expect(startupMessage({ ...facts, seed: undefined })).not.toMatch(/seed's/);
  });

  test("names every route the wiring serves", () => {
    expect(startupMessage({ ...facts, seed: undefined })).toContain(
      "PATCH, GET, DELETE /movies/{movie_id}; GET /movies",
    );
  });
});
