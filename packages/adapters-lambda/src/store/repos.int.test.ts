import { GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import {
  type MovieInfo,
  MovieNotFoundError,
  StorageError,
  UnwrittenItemsError,
} from "@movies/domain";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { injectBatchWriteFaults } from "../../test-kit/dynamodb-fault-injection.ts";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { movieStore } from "../clients.ts";
import { DynamoMovieInfoRepo } from "./movie-info-repo.ts";
import { moviesService } from "./movies-service.ts";
import { DynamoRatingRepo } from "./rating-repo.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";

const { client, tableName } = await freshTable();
const service = moviesService(client, tableName);
const delays: number[] = [];
const fastRetry: RetryPolicy = {
  ...DEFAULT_RETRY_POLICY,
  maxAttempts: 6,
  sleep: async (ms) => {
    delays.push(ms);
  },
};
const infos = new DynamoMovieInfoRepo(client, service, fastRetry);
const ratings = new DynamoRatingRepo(service, infos, fastRetry);

const info = (movie_id: string, name = `Movie ${movie_id}`): MovieInfo => ({
  movie_id,
  name,
  country_of_origin: "United States",
  release_date: "2014-10-26",
});

afterEach(() => {
  delays.length = 0;
});

async function itemsOf(movieId: string) {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: `$movies#movie_id_${movieId}` } },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe("movie infos", () => {
  test("a batch of 25 is stored and read back as the movie, without a rating", async () => {
    const batch = Array.from({ length: 25 }, (_, i) => info(`batch-${i}`));
    await infos.putBatch(batch);
    for (const movie of batch) {
      expect(await infos.findMovie(movie.movie_id)).toEqual({ info: movie, rating: undefined });
    }
  });

  test("items use the snake_case attribute names of the data model on generic pk/sk", async () => {
    await infos.putBatch([info("shape-1", "Amélie")]);
    const [item] = await itemsOf("shape-1");
    expect(item).toMatchObject({
      pk: { S: "$movies#movie_id_shape-1" },
      sk: { S: "$movie#movie_info_1" },
      movie_id: { S: "shape-1" },
      name: { S: "Amélie" },
      country_of_origin: { S: "United States" },
      release_date: { S: "2014-10-26" },
    });
  });

  test("an unknown movie reads as undefined", async () => {
    expect(await infos.findMovie("never-stored")).toBeUndefined();
  });

  test("the same id twice in one batch is written once, the last one winning", async () => {
    await infos.putBatch([info("twice", "First"), info("twice", "Second")]);
    expect((await infos.findMovie("twice"))?.info.name).toBe("Second");
  });

  test("ids that differ only in letter case are different movies, also in one batch", async () => {
    // Found by the fault-injection ingest tests: keys were lowercased, so "Case-1" and "case-1"
    // shared one item, and a batch holding both was refused by DynamoDB as duplicate keys.
    await infos.putBatch([info("Case-1", "Upper"), info("case-1", "Lower")]);
    expect((await infos.findMovie("Case-1"))?.info).toEqual(info("Case-1", "Upper"));
    expect((await infos.findMovie("case-1"))?.info).toEqual(info("case-1", "Lower"));
    expect(await infos.findMovie("CASE-1")).toBeUndefined();
    await ratings.update("Case-1", { imdb_rating: 7 });
    expect((await infos.findMovie("case-1"))?.rating).toBeUndefined();
    await expect(ratings.update("CASE-1", { imdb_rating: 7 })).rejects.toBeInstanceOf(
      MovieNotFoundError,
    );
  });

  test("re-ingesting an info never changes an existing rating", async () => {
    await infos.putBatch([info("keep-rating", "Old name")]);
    await ratings.update("keep-rating", { rotten_tomatoes_rating: 91, imdb_rating: 8 });
    await infos.putBatch([info("keep-rating", "New name")]);
    expect(await infos.findMovie("keep-rating")).toEqual({
      info: info("keep-rating", "New name"),
      rating: { rotten_tomatoes_rating: 91, imdb_rating: 8 },
    });
  });
});

describe("two stores in one process", () => {
  test("on two tables, each reads, rates and records snapshots in its own table only", async () => {
    // Found by the concurrent fault-injection ingest tests: ElectroDB's Service rebinds the
    // entity instances it is given, so the last store built took over the entities of the others.
    const other = await freshTable();
    const first = movieStore(client, tableName);
    const second = movieStore(other.client, other.tableName);
    await first.movieInfos.putBatch([info("apart-1", "First")]);
    await second.movieInfos.putBatch([info("apart-1", "Second")]);
    expect((await first.movieInfos.findMovie("apart-1"))?.info.name).toBe("First");
    expect((await second.movieInfos.findMovie("apart-1"))?.info.name).toBe("Second");
    await first.ratings.update("apart-1", { imdb_rating: 1 });
    expect((await first.movieInfos.findMovie("apart-1"))?.rating).toEqual({ imdb_rating: 1 });
    expect((await second.movieInfos.findMovie("apart-1"))?.rating).toBeUndefined();
    const snapshot = {
      bucket: "b",
      key: "k.csv",
      version: "v",
      eventTime: "2026-01-02T00:00:00.000Z",
    };
    await first.snapshots.recordCompleted(snapshot, new Date());
    const older = { ...snapshot, eventTime: "2026-01-01T00:00:00.000Z" };
    expect(await first.snapshots.isStale(older)).toBe(true);
    expect(await second.snapshots.isStale(older)).toBe(false);
  });
});

describe("ratings", () => {
  beforeAll(async () => {
    await infos.putBatch([info("mv1", "Interstellar")]);
  });

  test("the seed's update returns the merged movie", async () => {
    const movie = await ratings.update("mv1", { rotten_tomatoes_rating: 98, imdb_rating: 43 });
    expect(movie).toEqual({
      info: info("mv1", "Interstellar"),
      rating: { rotten_tomatoes_rating: 98, imdb_rating: 43 },
    });
  });

  test("a partial update keeps the other rating", async () => {
    await ratings.update("mv1", { rotten_tomatoes_rating: 98, imdb_rating: 43 });
    const movie = await ratings.update("mv1", { imdb_rating: 50 });
    expect(movie.rating).toEqual({ rotten_tomatoes_rating: 98, imdb_rating: 50 });
  });

  test("a rating for an unknown movie is MovieNotFound and leaves no rating item", async () => {
    await expect(ratings.update("ghost", { imdb_rating: 5 })).rejects.toBeInstanceOf(
      MovieNotFoundError,
    );
    expect(await itemsOf("ghost")).toEqual([]);
    const rating = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: "$movies#movie_id_ghost" }, sk: { S: "$movie#movie_rating_1" } },
        ConsistentRead: true,
      }),
    );
    expect(rating.Item).toBeUndefined();
  });
});

describe("batch write retries (faults injected by a test middleware)", () => {
  test("unprocessed items are resent until every item lands", async () => {
    const faults = injectBatchWriteFaults(client, {
      // DynamoDB returns some items unprocessed; here, half of each of the first three calls.
      unprocessed: (call, requests) => (call <= 3 ? Math.ceil(requests / 2) : 0),
    });
    try {
      const batch = Array.from({ length: 25 }, (_, i) => info(`unprocessed-${i}`));
      await infos.putBatch(batch);
      expect(faults.stats.heldBack).toBe(13 + 7 + 4);
      expect(faults.stats.batchWriteCalls).toBe(4);
      for (const movie of batch) {
        expect((await infos.findMovie(movie.movie_id))?.info).toEqual(movie);
      }
    } finally {
      faults.remove();
    }
  });

  test("throttling is retried with growing, jittered delays", async () => {
    const faults = injectBatchWriteFaults(client, { throttle: (call) => call <= 3 });
    try {
      await infos.putBatch([info("throttled")]);
      expect(faults.stats).toMatchObject({ batchWriteCalls: 4, throttled: 3 });
      expect(delays).toHaveLength(3);
      delays.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(fastRetry.baseDelayMs * 2 ** i);
      });
      expect((await infos.findMovie("throttled"))?.info.movie_id).toBe("throttled");
    } finally {
      faults.remove();
    }
  });

  test("attempts are bounded, and the error names every id left unwritten", async () => {
    const faults = injectBatchWriteFaults(client, {
      unprocessed: (_call, requests) => Math.min(2, requests),
    });
    try {
      const batch = ["stuck-a", "stuck-b", "stuck-c"].map((id) => info(id));
      const error = await infos.putBatch(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnwrittenItemsError);
      expect(faults.stats.batchWriteCalls).toBe(fastRetry.maxAttempts);
      // Each call holds back the first two it is given; the third lands on the first call.
      expect([...(error as UnwrittenItemsError).movieIds].sort()).toEqual(["stuck-a", "stuck-b"]);
      expect(await infos.findMovie("stuck-c")).toBeDefined();
    } finally {
      faults.remove();
    }
  });

  test("once the deadline's signal is aborted, no more retries: the ids left are named", async () => {
    const deadline = new AbortController();
    const faults = injectBatchWriteFaults(client, {
      // Everything comes back unprocessed, and the deadline passes during the second call.
      unprocessed: (call, requests) => {
        if (call === 2) deadline.abort();
        return requests;
      },
    });
    try {
      const batch = ["late-a", "late-b"].map((id) => info(id));
      const error = await infos
        .putBatch(batch, { signal: deadline.signal })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnwrittenItemsError);
      expect(faults.stats.batchWriteCalls).toBe(2);
      expect([...(error as UnwrittenItemsError).movieIds].sort()).toEqual(["late-a", "late-b"]);
    } finally {
      faults.remove();
    }
  });

  test("a non-retryable failure becomes a StorageError at once, nothing AWS-shaped", async () => {
    const missing = new DynamoMovieInfoRepo(
      client,
      moviesService(client, "no-such-table"),
      fastRetry,
    );
    const error = await missing.putBatch([info("x")]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toBe("writing movie infos failed: ResourceNotFoundException");
    expect(delays).toEqual([]);
  });
});
