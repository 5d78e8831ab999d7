import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

import { REPO_ROOT } from "@mien/env";
import { manifestMembers, parseArtifactManifest, type ArtifactManifest } from "@mien/model/manifest";
import { contentHashOf, listFolderDataset, networkNames, selectNodeBackend, type FolderImage } from "@mien/model/node";

import { configFromFlags } from "../training/config-flags.ts";
import { copyVersionFolder, ensembleFolders, valFigures, versionHash, writeVersionFolder } from "../training/version-folder.ts";
import { parseCommandArgs } from "./args.ts";

/** One network of the recipe, trained from the folder by `mien train` in its own process. */
export interface RecipePart {
  name: string;
  flags: Record<string, string>;
  /** An ensemble of this recipe that the part is distilled from (`--teacher`), built first. */
  teacher?: string;
}

/** A version that averages parts of the recipe (`mien ensemble`, weights fitted on val). */
export interface RecipeEnsemble {
  name: string;
  members: readonly string[];
}

/**
 * The recipes of the committed versions: each part is trained from the folder by the same
 * pipeline as a training job (checkpointed after every epoch, so a killed run resumes), and
 * ensembles average parts into one calibrated version. A target is built with everything it
 * needs, in order: a distilled part waits for its teacher ensemble, an ensemble for its parts.
 * Changing a part's flags retrains only that part and what learnt from it.
 *
 * fer7-ensemble-v2: two cnn-s of different seeds, 22 epochs each, rather than one of 30
 * (models/fer7-ensemble): each reached the 30-epoch run's val accuracy (63.0% and 63.6% against
 * 63.3%), and two fit the 120-minute budget on 2 cores when trained side by side (111 min for all
 * three parts here). A fine-tuned face-api top is not a part: trained here (`--mode finetune
 * --trainable-blocks 1 --label-smoothing 0.1`, 20 epochs, 109 min on the shared machine of which
 * 46 computing the frozen trunk) it reached 59.3% val, under the head's 59.7%, and `mien ensemble`
 * fitted it a weight of 0.05 beside the cnn-s and the head (64.16% against 64.19% val), so it
 * would cost half an hour for nothing.
 *
 * fer7-cnn-s-kd36: one cnn-s distilled from fer7-ensemble-v2 for 36 epochs (65.3% val alone,
 * 117 minutes after its teacher's 111); fer7-ensemble-v3 adds it to v2's networks (65.7%).
 * fer7-cnn-s-kd2: the same from fer7-ensemble-v3, seed 7 (64.8%, 105 minutes after v3);
 * fer7-ensemble-v4 averages v2's head and the two students (65.5%, macro-F1 0.626, three networks).
 * fer7-cnn-sw-kd: cnn-sw (cnn-s with wider top stages) distilled from v4 for 24 epochs, seed 23
 * (64.1% alone, 88 minutes after v4); fer7-ensemble-v5 averages it with the two cnn-s students
 * (65.8%, macro-F1 0.620, three 48 px networks and no face-api pass).
 *
 * fer7-ensemble-v6: v2's recipe with both cnn-s on the grown schedule (progressive resizing: 32
 * epochs, the first 24 on faces grown from 24 to 48 px, about 22.8 full-size epochs of compute
 * each, v2's parts had 22) beside the same face-api head:
 * 63.5% and 64.4% val alone, 65.3% together (macro-F1 0.629), 119 minutes here for all of it (the
 * two side by side, one thread each, the head beside them for its first 14, then 3 to blend), so
 * the best version inside the 120-minute budget, above v2 (64.9%); still under 66%.
 */
const CNN_S = { mode: "scratch", architecture: "cnn-s", epochs: "22", "batch-size": "128", lr: "0.1", warmup: "1", "label-smoothing": "0.1" };
const GROWN_CNN_S = { ...CNN_S, epochs: "32", "resize-from": "24", "resize-epochs": "24", seed: "1" };
/** Parts, the ensembles made of them, and what to build when no --target is given. */
export interface Recipe {
  parts: readonly RecipePart[];
  ensembles: readonly RecipeEnsemble[];
  target: string;
}

const DEFAULT_PARTS: readonly RecipePart[] = [
  { name: "fer7-cnn-s", flags: CNN_S },
  { name: "fer7-cnn-s-b", flags: { ...CNN_S, seed: "2" } },
  { name: "fer7-faceapi-mlp", flags: { epochs: "16", patience: "4", "batch-size": "512" } },
  { name: "fer7-cnn-s-kd36", flags: { ...CNN_S, epochs: "36", seed: "5", "distill-weight": "0.8" }, teacher: "fer7-ensemble-v2" },
  { name: "fer7-cnn-s-kd2", flags: { ...CNN_S, epochs: "36", seed: "7", "distill-weight": "0.8" }, teacher: "fer7-ensemble-v3" },
  { name: "fer7-cnn-s-g32s1", flags: GROWN_CNN_S },
  { name: "fer7-cnn-s-g32s2", flags: { ...GROWN_CNN_S, seed: "2" } },
  { name: "fer7-cnn-sw-kd", flags: { ...CNN_S, architecture: "cnn-sw", epochs: "24", seed: "23", "distill-weight": "0.8" }, teacher: "fer7-ensemble-v4" },
];
const DEFAULT_ENSEMBLES: readonly RecipeEnsemble[] = [
  { name: "fer7-ensemble-v2", members: ["fer7-cnn-s", "fer7-cnn-s-b", "fer7-faceapi-mlp"] },
  { name: "fer7-ensemble-v3", members: ["fer7-cnn-s", "fer7-cnn-s-b", "fer7-faceapi-mlp", "fer7-cnn-s-kd36"] },
  { name: "fer7-ensemble-v4", members: ["fer7-faceapi-mlp", "fer7-cnn-s-kd36", "fer7-cnn-s-kd2"] },
  { name: "fer7-ensemble-v5", members: ["fer7-cnn-sw-kd", "fer7-cnn-s-kd36", "fer7-cnn-s-kd2"] },
  { name: "fer7-ensemble-v6", members: ["fer7-cnn-s-g32s1", "fer7-cnn-s-g32s2", "fer7-faceapi-mlp"] },
];

export const DEFAULT_RECIPE: Recipe = { parts: DEFAULT_PARTS, ensembles: DEFAULT_ENSEMBLES, target: "fer7-ensemble-v2" };

const usage = ({
  parts,
  ensembles,
  target,
}: Recipe) => `Usage: pnpm --silent mien train-default [--target NAME] [--data DIR] [--out DIR] [--work DIR] [--jobs N]

Reproduces a committed version (default ${target}) from the folder: trains each part it
needs (resuming from checkpoints after a kill, skipping parts already trained with the same config
and teacher), builds the ensembles it needs (calibrated on val), in order, and prints JSON with
each part's val figures and minutes.

  --target NAME  the part or ensemble to build, with everything it needs (names below)
  --data DIR     <root>/<split>/<class>/ images (default ../shared/data/fer2013)
  --out DIR      where the target's version folder goes (default models/<target> for an
                 ensemble; a part stays in --work unless --out is given)
  --work DIR     where the parts and ensembles are kept (default <data dir>/default-parts)
  --jobs N       parts trained at once, each in its own process with its share of the cores
                 (default: the number of cores, at most the parts ready to train). A part's
                 weights do not depend on its thread count, so this changes only the time.

Parts: ${parts
  .map(
    (p) =>
      `${p.name} (${Object.entries(p.flags)
        .map(([k, v]) => `--${k} ${v}`)
        .join(" ")}${p.teacher ? ` --teacher ${p.teacher}` : ""})`,
  )
  .join("; ")}
Ensembles: ${ensembles.map((e) => `${e.name} (${e.members.join(" + ")})`).join("; ")}`;

/** The parts and ensembles `target` needs, each after what it needs; null for an unknown name. */
export function buildOrder(target: string, { parts, ensembles }: Recipe = DEFAULT_RECIPE): { parts: RecipePart[]; ensembles: RecipeEnsemble[] } | null {
  const order = { parts: [] as RecipePart[], ensembles: [] as RecipeEnsemble[] };
  const seen = new Set<string>();
  const visit = (name: string): boolean => {
    if (seen.has(name)) return true;
    seen.add(name);
    const part = parts.find((p) => p.name === name);
    if (part) {
      if (part.teacher && !visit(part.teacher)) return false;
      order.parts.push(part);
      return true;
    }
    const ensemble = ensembles.find((e) => e.name === name);
    if (!ensemble || !ensemble.members.every(visit)) return false;
    order.ensembles.push(ensemble);
    return true;
  };
  return visit(target) ? order : null;
}

const MAIN = join(import.meta.dirname, "..", "main.ts");

export function run(argv: string[]): Promise<number> {
  return runRecipe(argv, DEFAULT_RECIPE);
}

/** The command for any recipe (tests build a small one the same way). */
export async function runRecipe(argv: string[], recipe: Recipe): Promise<number> {
  const USAGE = usage(recipe);
  const parsed = parseCommandArgs(
    {
      args: argv,
      options: {
        target: { type: "string", default: recipe.target },
        data: { type: "string" },
        out: { type: "string" },
        work: { type: "string" },
        jobs: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const target = values.target!;
  const order = buildOrder(target, recipe);
  if (!order) {
    console.error(`Unknown target "${target}".\n\n${USAGE}`);
    return 2;
  }
  const jobsFlag = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobsFlag !== undefined && !(Number.isInteger(jobsFlag) && jobsFlag >= 1)) {
    console.error(`--jobs takes a whole number of at least 1; got "${values.jobs}".\n\n${USAGE}`);
    return 2;
  }
  const { loadServerEnv } = await import("@mien/env");
  const env = loadServerEnv();
  const data = resolve(values.data ?? join(REPO_ROOT, "..", "shared", "data", "fer2013"));
  const work = resolve(values.work ?? join(env.dataDir, "default-parts"));
  const isEnsemble = order.ensembles.at(-1)?.name === target;
  const out = values.out ? resolve(values.out) : isEnsemble ? join(REPO_ROOT, "models", target) : undefined;
  const started = performance.now();
  const summary: Record<string, unknown>[] = [];
  let pendingParts = order.parts;
  let pendingEnsembles = order.ensembles;
  const built = new Set<string>();
  // Listed once, when the first ensemble is built.
  let listing: Promise<FolderImage[]> | undefined;
  const images = () => (listing ??= listFolderDataset(data));
  let last: BlendResult | undefined;

  while (pendingParts.length || pendingEnsembles.length) {
    const ready = pendingParts.filter((p) => !p.teacher || built.has(p.teacher));
    pendingParts = pendingParts.filter((p) => !ready.includes(p));
    const toTrain: TrainTask[] = [];
    for (const part of ready) {
      const task = partTask(part, work);
      const reused = await reusablePart(task);
      if (reused) {
        console.error(`${part.name}: already trained (val accuracy ${reused.val}), reusing ${task.dir}`);
        summary.push({ part: part.name, reused: true, val: reused.val });
      } else toTrain.push(task);
    }
    if (toTrain.length && !(await trainAll(toTrain, data, jobsFlag, summary))) {
      console.error(`Parts and ensembles built so far are kept in ${work}; run the command again to resume.`);
      return 1;
    }
    for (const part of ready) built.add(part.name);

    const blendable = pendingEnsembles.filter((e) => e.members.every((m) => built.has(m)));
    pendingEnsembles = pendingEnsembles.filter((e) => !blendable.includes(e));
    for (const ensemble of blendable) {
      const dir = join(work, ensemble.name);
      const reused = await reusableEnsemble(ensemble, work);
      if (reused) {
        console.error(`${ensemble.name}: already built from these parts, reusing ${dir}`);
        last = reused;
      } else {
        console.error(`${ensemble.name}: averaging ${ensemble.members.join(", ")}`);
        last = await blend(ensemble, work, images);
      }
      built.add(ensemble.name);
    }
    // buildOrder lists every teacher and member before what needs it, so each round makes progress.
    if (!ready.length && !blendable.length) throw new Error("The training recipe has a cycle.");
  }

  const targetDir = join(work, target);
  if (out) await copyVersionFolder(targetDir, out);
  console.log(
    JSON.stringify(
      {
        target,
        out: out ?? targetDir,
        ...(isEnsemble && last ? { contentHash: last.contentHash, val: last.val, weights: last.weights } : {}),
        parts: summary,
        wallMinutes: Math.round((performance.now() - started) / 6000) / 10,
      },
      null,
      2,
    ),
  );
  return 0;
}

interface TrainTask {
  part: RecipePart;
  dir: string;
  /** The flags `mien train` gets, with the teacher as its folder in the work dir. */
  flags: Record<string, string>;
}

function partTask(part: RecipePart, work: string): TrainTask {
  return { part, dir: join(work, part.name), flags: part.teacher ? { ...part.flags, teacher: join(work, part.teacher) } : part.flags };
}

type PartManifest = {
  training: { config: Record<string, unknown>; teacher?: { contentHash: string } };
  metrics: { val?: { accuracy: number } };
};

const readJson = async <T>(file: string): Promise<T | null> =>
  readFile(file, "utf8").then(
    (text) => JSON.parse(text) as T,
    () => null,
  );

// The name does not change what is learnt; the folder it came from and its classes are fixed by --data.
const comparable = (c: Record<string, unknown>) => JSON.stringify({ ...c, name: undefined, source: undefined, classes: undefined });

/** The part's existing folder, if it was trained with these flags (and from this very teacher, by the hash its training recorded). */
async function reusablePart(task: TrainTask): Promise<{ val: number | undefined } | null> {
  const existing = await readJson<PartManifest>(join(task.dir, "manifest.json"));
  if (!existing) return null;
  const config = configFromFlags({ ...task.flags, name: task.part.name }, { name: task.part.name, snapshotId: "00000000-0000-4000-8000-000000000000" });
  const { snapshotId: _s, ...recorded } = config;
  if (comparable(existing.training.config) !== comparable(recorded)) return null;
  if (task.part.teacher && existing.training.teacher?.contentHash !== (await versionHash(join(task.dir, "..", task.part.teacher)))) return null;
  return { val: existing.metrics.val?.accuracy };
}

/**
 * The ensemble's hash, val figures and weights, if its folder was built from its members as they
 * are now: the same networks in the same order, each recorded with the content hash its folder
 * has now.
 */
async function reusableEnsemble(ensemble: RecipeEnsemble, work: string): Promise<BlendResult | null> {
  // Read once: parsed for its record, hashed for its identity.
  const text = await readFile(join(work, ensemble.name, "manifest.json"), "utf8").catch(() => null);
  if (text === null) return null;
  const manifest = parseArtifactManifest(JSON.parse(text));
  const networks = ensembleNetworks(manifest);
  // A part of several networks (a cohort) is recorded as each of them (networkNames), with the part's hash.
  const expected: { name: string; contentHash: string }[] = [];
  for (const name of ensemble.members) {
    const partText = await readFile(join(work, name, "manifest.json"), "utf8").catch(() => null);
    if (partText === null) return null;
    const contentHash = contentHashOf(partText);
    const count = manifestMembers(parseArtifactManifest(JSON.parse(partText))).length;
    for (const network of networkNames(name, count)) expected.push({ name: network, contentHash });
  }
  if (networks?.length !== expected.length) return null;
  if (expected.some((e, i) => networks[i]!.name !== e.name || networks[i]!.contentHash !== e.contentHash)) return null;
  return blendResult(contentHashOf(text), manifest);
}

/** The networks an ensemble's training record lists, as mien ensemble writes them. */
const ensembleNetworks = (m: ArtifactManifest) => m.training.config.ensemble as { name: string; weight: number; contentHash?: string }[] | undefined;

/** What the command prints of an ensemble it built or reused. */
interface BlendResult {
  contentHash: string;
  val: ReturnType<typeof valFigures>;
  weights: Record<string, number>;
}

const blendResult = (contentHash: string, m: ArtifactManifest): BlendResult => ({
  contentHash,
  val: valFigures(m.metrics.val),
  weights: Object.fromEntries((ensembleNetworks(m) ?? []).map((n) => [n.name, n.weight])),
});

/**
 * Trains the tasks, `jobs` at a time, each with its share of the cores, then any cohort part
 * (several networks sharing each step) alone with every core: beside another part it would keep
 * its share of the cores after that part ended. False if any failed.
 */
async function trainAll(tasks: TrainTask[], data: string, jobsFlag: number | undefined, summary: Record<string, unknown>[]): Promise<boolean> {
  const failures: string[] = [];
  const train = async (task: TrainTask, threads: number) => {
    const partStarted = performance.now();
    try {
      const result = await trainPart(task, data, threads);
      summary.push({ part: task.part.name, wallMinutes: Math.round((performance.now() - partStarted) / 6000) / 10, threads, ...result });
    } catch (error) {
      failures.push((error as Error).message);
    }
  };
  const queue = tasks.filter((t) => t.part.flags.cohort === undefined);
  const jobs = jobsFlag ?? Math.max(1, Math.min(queue.length, availableParallelism()));
  const threads = Math.max(1, Math.floor(availableParallelism() / jobs));
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await train(task, threads);
    }),
  );
  for (const task of tasks.filter((t) => t.part.flags.cohort !== undefined)) await train(task, availableParallelism());
  if (failures.length) console.error(failures.join("\n"));
  return failures.length === 0;
}

/** Averages the ensemble's parts into `<work>/<name>`, calibrated on val. */
async function blend(ensemble: RecipeEnsemble, work: string, images: () => Promise<readonly FolderImage[]>): Promise<BlendResult> {
  // Fitting the weights runs the parts on val; the parts themselves trained in their own processes.
  await selectNodeBackend({ log: () => {} });
  const result = await ensembleFolders({ dirs: ensemble.members.map((name) => join(work, name)), images, name: ensemble.name, tta: "flip", weights: "fit" });
  // The recipe's parts are trained from one folder with one set of classes.
  if (typeof result === "string") throw new Error(`${ensemble.name}: ${result}`);
  await writeVersionFolder(join(work, ensemble.name), result.files);
  return blendResult(result.contentHash, result.manifest);
}

/**
 * Trains one part in its own process (`mien train --data … --out …`, the same pipeline and
 * checkpoints as in-process training) with `threads` training threads, its log lines prefixed
 * with its name. Resolves with the part's summary; rejects with its last log lines.
 */
function trainPart(task: TrainTask, data: string, threads: number): Promise<Record<string, unknown>> {
  const { part, dir } = task;
  const flags = Object.entries(task.flags).flatMap(([k, v]) => [`--${k}`, v]);
  console.error(`${part.name}: training on ${threads} thread(s) (${flags.join(" ")})`);
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "train", "--data", data, "--out", dir, "--name", part.name, ...flags], {
    cwd: REPO_ROOT,
    env: { ...process.env, MIEN_TRAINER_THREADS: String(threads) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // A part's process must not outlive the command (a second run would train the same part twice).
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.once("SIGINT", stop).once("SIGTERM", stop);
  let stdout = "";
  const tail: string[] = [];
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  createInterface({ input: child.stderr }).on("line", (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    console.error(`[${part.name}] ${line}`);
  });
  return new Promise((resolvePart, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      process.off("SIGINT", stop).off("SIGTERM", stop);
      if (code === 0) {
        try {
          resolvePart(JSON.parse(stdout) as Record<string, unknown>);
        } catch {
          reject(new Error(`${part.name}: training printed no summary:\n${stdout.slice(-2000)}`));
        }
      } else reject(new Error(`${part.name}: training stopped (${signal ?? `exit code ${code}`}). Its last lines:\n${tail.join("\n")}`));
    });
  });
}
