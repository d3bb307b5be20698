import type { AttributeValue, PutRequest } from "@aws-sdk/client-dynamodb";
import type { MovieInfo } from "@movies/domain";
import {
  ItemShapeError,
  type KeyTemplate,
  keyBuilder,
  keyTemplateOf,
  PROBE_IDS,
} from "./electrodb-probes.ts";

/**
 * The DynamoDB items of movie infos, built without ElectroDB's per-item machinery.
 *
 * ElectroDB stays the one definition of keys and items: the builder is derived (once, on first
 * use) from what `movieInfo.put(...).params()` returns for two probe infos, and refuses to exist
 * when that output is not a shape it can reproduce: each item attribute either a movie info
 * field, the `pk` made of a constant prefix and the movie id (lowercased if ElectroDB lowercases
 * keys), or a constant. A test compares, for thousands of generated infos, its items with
 * ElectroDB's own, and the bytes both paths put on the wire. What it saves is ElectroDB's put
 * pipeline and the document client's marshalling, about 30 us of CPU per item, which would
 * otherwise make ElectroDB the ingest's largest cost (docs/performance.md).
 */
export interface MovieInfoItems {
  /** The table the entity writes to. */
  readonly table: string;
  /** The `PutRequest` ElectroDB's `put` would send for `info`, in DynamoDB's attribute values. */
  putRequest(info: MovieInfo): PutRequest;
  /** The movie id of an item this builder made (to map unprocessed items back to infos). */
  movieIdOf(item: Record<string, AttributeValue> | undefined): string | undefined;
}

const FIELDS = ["movie_id", "name", "country_of_origin", "release_date"] as const;

// Probe values ElectroDB would never produce on its own, so each attribute can be told apart.
const PROBES: readonly MovieInfo[] = [
  {
    movie_id: PROBE_IDS[0],
    name: "\u0001name-1",
    country_of_origin: "\u0001country-1",
    release_date: "\u0001date-1",
  },
  {
    movie_id: PROBE_IDS[1],
    name: "\u0002name-2",
    country_of_origin: "\u0002country-2",
    release_date: "\u0002date-2",
  },
];

type Slot =
  | { readonly kind: "field"; readonly attribute: string; readonly field: (typeof FIELDS)[number] }
  | { readonly kind: "pk"; readonly attribute: string; readonly key: KeyTemplate }
  | { readonly kind: "constant"; readonly attribute: string; readonly value: string };

/** What the builder needs of the `movieInfo` entity (bound to its table): its batch put params. */
export interface MovieInfoEntityLike {
  put(infos: MovieInfo[]): { params(): unknown };
}

/** Derives the builder from the `movieInfo` entity; throws `ItemShapeError` if it cannot. */
export function movieInfoItems(entity: MovieInfoEntityLike): MovieInfoItems {
  const probes = PROBES.map((info) => {
    const [params, ...more] = entity.put([{ ...info }]).params() as BatchParams[];
    const tables = Object.entries(params?.RequestItems ?? {});
    const [table, requests = []] = tables[0] ?? [];
    const item = requests[0]?.PutRequest?.Item;
    if (more.length > 0 || tables.length !== 1 || table === undefined || requests.length !== 1) {
      throw new ItemShapeError("ElectroDB's batch put params are not one request on one table");
    }
    if (item === undefined) throw new ItemShapeError("ElectroDB's batch put has no PutRequest");
    return { info, table, item };
  });
  const [first, second] = probes as [Probe, Probe];
  if (first.table !== second.table) throw new ItemShapeError("the table name is not constant");
  const slots = Object.keys(first.item).map((attribute) => slotOf(attribute, first, second));
  if (Object.keys(second.item).join() !== Object.keys(first.item).join()) {
    throw new ItemShapeError("ElectroDB's items do not have the same attributes for every info");
  }
  for (const field of FIELDS) {
    if (!slots.some((slot) => slot.kind === "field" && slot.field === field)) {
      throw new ItemShapeError(`the item does not carry ${field} as it is`);
    }
  }
  const idAttribute = slots.find((s) => s.kind === "field" && s.field === "movie_id")?.attribute;
  return {
    table: first.table,
    putRequest: compile(slots),
    movieIdOf: (item) => {
      const value = item?.[idAttribute ?? ""];
      return value !== undefined && "S" in value ? value.S : undefined;
    },
  };
}

interface BatchParams {
  readonly RequestItems?: Record<
    string,
    { readonly PutRequest?: { readonly Item?: Record<string, unknown> } }[]
  >;
}

interface Probe {
  readonly info: MovieInfo;
  readonly table: string;
  readonly item: Record<string, unknown>;
}

function slotOf(attribute: string, first: Probe, second: Probe): Slot {
  const a = first.item[attribute];
  const b = second.item[attribute];
  if (typeof a !== "string" || typeof b !== "string") {
    throw new ItemShapeError(`attribute ${attribute} is not a string`);
  }
  const field = FIELDS.find((f) => first.info[f] === a && second.info[f] === b);
  if (field !== undefined) return { kind: "field", attribute, field };
  if (a === b) return { kind: "constant", attribute, value: a };
  const key = keyTemplateOf(a, b);
  if (key !== undefined) return { kind: "pk", attribute, key };
  throw new ItemShapeError(`attribute ${attribute} is neither a field, the key nor a constant`);
}

/**
 * A function building the item with one object literal per attribute value. Constant values are
 * shared, frozen objects: the SDK only reads its input.
 */
function compile(slots: readonly Slot[]): (info: MovieInfo) => PutRequest {
  const parts = slots.map((slot): ((info: MovieInfo) => AttributeValue) => {
    if (slot.kind === "field") {
      const { field } = slot;
      return (info) => ({ S: info[field] });
    }
    if (slot.kind === "pk") {
      const key = keyBuilder(slot.key);
      return (info) => ({ S: key(info.movie_id) });
    }
    const value = Object.freeze({ S: slot.value });
    return () => value;
  });
  const attributes = slots.map((slot) => slot.attribute);
  const count = attributes.length;
  return (info) => {
    const item: Record<string, AttributeValue> = {};
    for (let i = 0; i < count; i++) {
      item[attributes[i] as string] = (parts[i] as (info: MovieInfo) => AttributeValue)(info);
    }
    return { Item: item };
  };
}
