import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  ScanCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import type {
  MovieInfo,
  MovieInfoRepo,
  Page,
  PageRequest,
  Precondition,
  StoredMovie,
} from "@movies/domain";
import { UnwrittenItemsError } from "@movies/domain";
import { decodeCursor, encodeCursor } from "./list-cursor.ts";
import { type MovieInfoItems, movieInfoItems } from "./movie-info-items.ts";
import { pageOf, scanInput } from "./movie-page.ts";
import { type MovieQuery, movieQuery } from "./movie-query.ts";
import { infoIs, ratingsAre, writeAgainstState } from "./movie-transactions.ts";
import type { MoviesService } from "./movies-service.ts";
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";
import { isRetryable, storageError } from "./store-errors.ts";

/** BatchWriteItem's limit of write requests per call. */
const BATCH_WRITE_LIMIT = 25;

export class DynamoMovieInfoRepo implements MovieInfoRepo {
  readonly #retry: RetryPolicy;
  readonly #service: MoviesService;
  #items: MovieInfoItems | undefined;
  #query: MovieQuery | undefined;
  readonly #client: Pick<DynamoDBClient, "send">;

  /** `client` is the one `service` was built with: the hot paths send their requests on it. */
  constructor(
    client: Pick<DynamoDBClient, "send">,
    service: MoviesService,
    retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    this.#retry = retry;
    this.#service = service;
    this.#client = client;
  }

  // The hot paths (ingest writes, the movie read of GET and PATCH) send the requests that
  // ElectroDB's own params define, without ElectroDB's per-request work (movie-info-items.ts,
  // movie-query.ts; tests prove both identical to ElectroDB's). Each is derived on first use,
  // about 2 ms: a function that never takes a path (GET never writes infos) never pays for it.
  get #itemsOf(): MovieInfoItems {
    this.#items ??= movieInfoItems(this.#service.entities.movieInfo);
    return this.#items;
  }

  get #movieQuery(): MovieQuery {
    this.#query ??= movieQuery(this.#service);
    return this.#query;
  }

  async putBatch(
    infos: readonly MovieInfo[],
    options: { readonly signal?: { readonly aborted: boolean } } = {},
  ): Promise<void> {
    // DynamoDB rejects a whole BatchWriteItem that names one key twice: keep the last.
    const distinct = lastOfEachId(infos);
    for (let start = 0; start < distinct.length; start += BATCH_WRITE_LIMIT) {
      await this.#putChunk(distinct.slice(start, start + BATCH_WRITE_LIMIT), options.signal);
    }
  }

  async #putChunk(
    infos: readonly MovieInfo[],
    signal: { readonly aborted: boolean } | undefined,
  ): Promise<void> {
    const items = this.#itemsOf;
    const table = items.table;
    let pending: WriteRequest[] = infos.map((info) => ({ PutRequest: items.putRequest(info) }));
    let lastError: unknown;
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        const { UnprocessedItems } = await this.#client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
        );
        pending = UnprocessedItems?.[table] ?? [];
      } catch (error) {
        if (!isRetryable(error)) throw storageError("writing movie infos", error);
        lastError = error;
      }
      if (pending.length === 0) return;
      if (attempt >= this.#retry.maxAttempts || signal?.aborted === true) {
        throw new UnwrittenItemsError(
          pending.map((request) => items.movieIdOf(request.PutRequest?.Item) ?? "(unknown)"),
          { cause: lastError },
        );
      }
      await this.#retry.sleep(backoffDelay(this.#retry, attempt));
    }
  }

  async findMovie(movieId: string): Promise<StoredMovie | undefined> {
    try {
      const query = this.#movieQuery;
      const { Items } = await this.#client.send(new QueryCommand(query.input(movieId)));
      return query.movieOf(Items);
    } catch (error) {
      throw storageError("reading a movie", error);
    }
  }

  async listMovies({ limit, cursor }: PageRequest): Promise<Page<StoredMovie>> {
    const start = cursor === undefined ? undefined : decodeCursor(cursor);
    try {
      const { Items, LastEvaluatedKey } = await this.#client.send(
        new ScanCommand(scanInput(this.#itemsOf.table, limit, start)),
      );
      const { page, resume } = pageOf(this.#movieQuery, Items ?? [], LastEvaluatedKey, limit);
      return { items: page, next: resume === undefined ? undefined : encodeCursor(resume) };
    } catch (error) {
      throw storageError("listing movies", error);
    }
  }

  /**
   * Deletes info and rating in one transaction. With a precondition, both must still be as read
   * when it held; without, the info must exist.
   */
  remove(movieId: string, precondition?: Precondition): Promise<void> {
    return writeAgainstState(
      {
        service: this.#service,
        retry: this.#retry,
        movieId,
        action: "removing the movie",
        read: () => this.findMovie(movieId),
        precondition,
      },
      (before) => {
        const ratingCondition = precondition === undefined ? undefined : ratingsAre(before.rating);
        return {
          result: undefined,
          writes: ({ movieInfo, movieRating }) => {
            const rating = movieRating.delete({ movie_id: movieId });
            return [
              movieInfo.delete({ movie_id: movieId }).where(infoIs(before.info)).commit(),
              (ratingCondition === undefined ? rating : rating.where(ratingCondition)).commit(),
            ];
          },
        };
      },
    );
  }
}

/** The infos with one per movie id, the last of each, in the order of their first occurrence. */
function lastOfEachId(infos: readonly MovieInfo[]): readonly MovieInfo[] {
  const byId = new Map<string, MovieInfo>();
  for (const info of infos) byId.set(info.movie_id, info);
  return byId.size === infos.length && infos.length <= BATCH_WRITE_LIMIT
    ? infos
    : [...byId.values()];
}
