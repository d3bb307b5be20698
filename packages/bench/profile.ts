import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { functionName: string; url: string; lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly file: string;
  /** Share of sampled time spent in the frame itself, highest first. */
  readonly topFrames: readonly { readonly frame: string; readonly percent: number }[];
  /** The same, summed by npm package (or source file of this repository). */
  readonly byPackage: readonly { readonly owner: string; readonly percent: number }[];
}

/**
 * The self-time summary of a V8 `.cpuprofile` (as written by `node --cpu-prof`): where the
 * samples landed, by frame and by package. Enough to say what bounds a figure.
 */
export async function summarizeProfile(path: string, top = 25): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
    total += delta;
  });
  const frames = new Map<string, number>();
  const owners = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const file = frame.url.split("/").slice(-2).join("/");
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    frames.set(name, (frames.get(name) ?? 0) + time);
    const owner = ownerOf(frame.url, frame.functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + time);
  }
  const ranked = <K>(map: Map<K, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  const percent = (time: number) => Math.round((1000 * time) / total) / 10;
  return {
    file: path,
    topFrames: ranked(frames).map(([frame, time]) => ({ frame, percent: percent(time) })),
    byPackage: ranked(owners).map(([owner, time]) => ({ owner, percent: percent(time) })),
  };
}

function ownerOf(url: string, functionName: string): string {
  const inPackage = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
    url,
  );
  if (inPackage) return inPackage[1] as string;
  const inRepo = /\/packages\/([^/]+)\/(.*)$/.exec(url);
  if (inRepo) return `${inRepo[1]}/${inRepo[2]}`;
  if (url.startsWith("node:")) return url;
  return url || functionName;
}

/** The newest profile in `dir`. */
export async function newestProfile(dir: string): Promise<string | undefined> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")).sort();
  const last = files.at(-1);
  return last === undefined ? undefined : join(dir, last);
}
