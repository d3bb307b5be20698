import {
  DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { dynamoClient, movieStore } from "../adapters-lambda/src/clients.ts";
import { loadConfig } from "../adapters-lambda/src/config.ts";
import { listEvent, movieRouteEvent } from "../adapters-lambda/test-kit/movie-route-event.ts";
import { percentile } from "./lib.ts";

type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export interface WarmApiInput {
  readonly iterations: number;
  readonly warmup: number;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
}

export interface WarmApiResult {
  readonly get: LatencySummary;
  readonly rawQuery: LatencySummary;
  readonly patch: LatencySummary;
  readonly rawTransaction: LatencySummary;
  readonly rawTransactionAndQuery: LatencySummary;
  /** A page of `LIST_PAGE` movies, and the Scan it sends. */
  readonly list: LatencySummary;
  readonly rawScan: LatencySummary;
  /** What one page costs: the read capacity DynamoDB reports for its Scan, and the items read. */
  readonly listPage: { readonly capacityUnits: number; readonly itemsRead: number };
  readonly iterations: number;
  /** What the handlers sent, as captured: the commands the raw side replays. */
  readonly commands: { readonly get: string[]; readonly patch: string[]; readonly list: string[] };
}

/** The page size the list is measured at (the API's default). */
export const LIST_PAGE = 50;
/** Movies in the table: more than a page, a third of them rated (two items in their partition). */
const LIST_MOVIES = 3 * LIST_PAGE;

interface Sent {
  readonly client: DynamoDBClient;
  readonly commands: { readonly name: string; readonly input: unknown }[];
}

/**
 * Warm GET and PATCH handlers, invoked in this process as Lambda's runtime would, against the
 * raw DynamoDB commands they send, replayed through the very client the handler built at cold
 * start (found by watching `send`, captured after the document client's marshalling).
 * Iterations interleave handler and raw calls so that drift in DynamoDB Local hits both alike.
 */
export async function warmApi(input: WarmApiInput): Promise<WarmApiResult> {
  const config = loadConfig(process.env);
  const movieId = "bench-warm-1";
  await movieStore(dynamoClient(config), config.tableName).movieInfos.putBatch([
    {
      movie_id: movieId,
      name: "Warm, the Benchmark",
      country_of_origin: "United States",
      release_date: "2014-10-26",
    },
  ]);
  const store = movieStore(dynamoClient(config), config.tableName);
  for (let start = 0; start < LIST_MOVIES; start += 25) {
    await store.movieInfos.putBatch(
      Array.from({ length: 25 }, (_, i) => ({
        movie_id: `bench-list-${start + i}`,
        name: `Listed ${start + i}`,
        country_of_origin: "France",
        release_date: "2001-02-03",
      })),
    );
  }
  for (let i = 0; i < LIST_MOVIES; i += 3) {
    await store.ratings.update(`bench-list-${i}`, { rotten_tomatoes_rating: 50, imdb_rating: 5 });
  }
  const listMovies = (await import("../adapters-lambda/src/functions/list-movies.ts"))
    .handler as ProxyHandler;
  const getMovie = (await import("../adapters-lambda/src/functions/get-movie.ts"))
    .handler as ProxyHandler;
  const updateRating = (await import("../adapters-lambda/src/functions/update-movie-rating.ts"))
    .handler as ProxyHandler;

  const getEvent = () =>
    movieRouteEvent("GET", movieId, { headers: { Accept: "application/json" } });
  let rating = 0;
  const patchEvent = () =>
    movieRouteEvent("PATCH", movieId, {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ imdb_rating: (rating++ % 100) + 0.5 }),
    });
  const invoke = async (handler: ProxyHandler, event: APIGatewayProxyEvent, name: string) => {
    const response = await handler(event, lambdaContext(name, 10_000));
    if (response.statusCode !== 200) {
      throw new Error(`${name} answered ${response.statusCode}: ${response.body}`);
    }
  };

  const get = await capture(() => invoke(getMovie, getEvent(), "get-movie"));
  const patch = await capture(() => invoke(updateRating, patchEvent(), "update-movie-rating"));
  const query = commandInput<QueryCommandInput>(get, "QueryCommand");
  const transaction = commandInput<TransactWriteItemsCommandInput>(
    patch,
    "TransactWriteItemsCommand",
  );
  const patchQuery = commandInput<QueryCommandInput>(patch, "QueryCommand");
  const listEventOf = () => listEvent({ limit: String(LIST_PAGE) });
  const list = await capture(() => invoke(listMovies, listEventOf(), "list-movies"));
  const scan = commandInput<ScanCommandInput>(list, "ScanCommand");
  const costed = await list.client.send(
    new ScanCommand({ ...scan, ReturnConsumedCapacity: "TOTAL" }),
  );

  const samples = {
    get: [] as number[],
    rawQuery: [] as number[],
    patch: [] as number[],
    rawTransaction: [] as number[],
    rawTransactionAndQuery: [] as number[],
    list: [] as number[],
    rawScan: [] as number[],
  };
  const time = async (into: number[] | undefined, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    into?.push(performance.now() - t0);
  };
  for (let i = -input.warmup; i < input.iterations; i++) {
    const keep = i >= 0;
    // Events and contexts come from the runtime, before the handler starts: built untimed.
    const gEvent = getEvent();
    const pEvent = patchEvent();
    await time(keep ? samples.get : undefined, () => invoke(getMovie, gEvent, "get-movie"));
    await time(keep ? samples.rawQuery : undefined, () => get.client.send(new QueryCommand(query)));
    await time(keep ? samples.patch : undefined, () =>
      invoke(updateRating, pEvent, "update-movie-rating"),
    );
    await time(keep ? samples.rawTransaction : undefined, () =>
      patch.client.send(new TransactWriteItemsCommand(transaction)),
    );
    const lEvent = listEventOf();
    await time(keep ? samples.list : undefined, () => invoke(listMovies, lEvent, "list-movies"));
    await time(keep ? samples.rawScan : undefined, () => list.client.send(new ScanCommand(scan)));
    await time(keep ? samples.rawTransactionAndQuery : undefined, async () => {
      await patch.client.send(new TransactWriteItemsCommand(transaction));
      await patch.client.send(new QueryCommand(patchQuery));
    });
  }
  const summary = (values: number[]): LatencySummary => ({
    p50: percentile(values, 50),
    p99: percentile(values, 99),
  });
  return {
    get: summary(samples.get),
    rawQuery: summary(samples.rawQuery),
    patch: summary(samples.patch),
    rawTransaction: summary(samples.rawTransaction),
    rawTransactionAndQuery: summary(samples.rawTransactionAndQuery),
    list: summary(samples.list),
    rawScan: summary(samples.rawScan),
    listPage: {
      capacityUnits: costed.ConsumedCapacity?.CapacityUnits ?? Number.NaN,
      itemsRead: costed.ScannedCount ?? Number.NaN,
    },
    iterations: input.iterations,
    commands: {
      get: get.commands.map((c) => c.name),
      patch: patch.commands.map((c) => c.name),
      list: list.commands.map((c) => c.name),
    },
  };
}

/** Runs `call` once, recording the DynamoDB client it used and the low-level commands it sent. */
async function capture(call: () => Promise<void>): Promise<Sent> {
  const commands: { name: string; input: unknown }[] = [];
  const clients = new Set<DynamoDBClient>();
  const prototype = DynamoDBClient.prototype;
  const own = Object.hasOwn(prototype, "send");
  const original = prototype.send;
  const name = "bench-capture";
  prototype.send = function (this: DynamoDBClient, ...args: unknown[]) {
    if (!clients.has(this)) {
      clients.add(this);
      this.middlewareStack.add(
        (next, context) => async (args) => {
          commands.push({ name: context.commandName ?? "?", input: structuredClone(args.input) });
          return next(args);
        },
        // The build step comes after the document client turned its input into attribute values.
        { step: "build", priority: "high", name },
      );
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await call();
  } finally {
    if (own) prototype.send = original;
    else delete (prototype as { send?: unknown }).send;
    for (const client of clients) client.middlewareStack.remove(name);
  }
  const [client, ...others] = clients;
  if (client === undefined || others.length > 0) {
    throw new Error(`expected one DynamoDB client, saw ${clients.size}`);
  }
  return { client, commands };
}

function commandInput<T>(sent: Sent, name: string): T {
  const found = sent.commands.find((c) => c.name === name);
  if (found === undefined) {
    throw new Error(`no ${name} among ${sent.commands.map((c) => c.name).join(", ")}`);
  }
  return found.input as T;
}
