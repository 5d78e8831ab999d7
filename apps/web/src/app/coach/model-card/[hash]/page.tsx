import { currentSession } from "~/auth/session.ts";
import { ModelCardLimits } from "~/components/coach/model-card-limits.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { roleOf } from "@mien/auth";
import { getDb } from "@mien/db";
import { artifactManifest, manifestMembers, type EvaluationReport } from "@mien/model/manifest";

export const metadata: Metadata = { title: "Model card" };
export const dynamic = "force-dynamic";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The card of a published version, for the people practising with it: built from its manifest. */
export default async function PublishedModelCard({ params }: { params: Promise<{ hash: string }> }) {
  const { hash } = await params;
  if (!/^[0-9a-f]{64}$/.test(hash)) notFound();
  const row = await getDb().modelVersion.findUnique({ where: { contentHash: hash }, select: { number: true, manifest: true, createdAt: true } });
  const parsed = row ? artifactManifest.safeParse(row.manifest) : null;
  if (!row || !parsed?.success) notFound();
  const m = parsed.data;
  const session = await currentSession();
  const role = session ? roleOf(session.user) : undefined;
  const evaluations = Object.entries(m.metrics) as Array<[string, EvaluationReport]>;
  const main = m.metrics.test ?? m.metrics.val;
  // Weakest classes first: what the model most often gets wrong.
  const weakest = main
    ? m.classes
        .map((c) => ({ c, r: main.perClass[c] }))
        .filter((x) => x.r)
        .sort((a, b) => a.r!.recall - b.r!.recall)
    : [];

  return (
    <>
      <SiteHeader email={session?.user.email} role={role} current="/coach" />
      <main id="main" className="page">
        <article className="panel model-card">
          <h1>
            Model card: {m.name} (version {row.number})
          </h1>
          <p className="lede">
            Trained by Mien on a curated data set snapshot, published {row.createdAt.toISOString().slice(0, 10)}. It runs entirely in your browser: no picture
            of you is sent anywhere.
          </p>
          <h2>What it is</h2>
          <ul>
            <li>
              It knows {m.classes.length} expressions: {m.classes.join(", ")}.
            </li>
            {m.backbones.map((b) => (
              <li key={b.id}>
                Pretrained part <code>{b.id}</code>: {b.provenance}
              </li>
            ))}
            {manifestMembers(m).map((x, i) => (
              <li key={i}>
                {x.kind === "head"
                  ? `A small trained head on frozen features of ${x.backbones.join(" + ")} (${x.quantization} weights).`
                  : `A convolutional network trained on faces: ${x.architecture} (${x.quantization} weights).`}
              </li>
            ))}
            {manifestMembers(m).length > 1 ? <li>Its reading averages all {manifestMembers(m).length} networks above.</li> : null}
            <li>
              Faces are cut square at {m.preprocessing.faceBox.scale}× the detected box
              {m.preprocessing.colour === "gray" ? " and turned gray, as its training photos were" : ""}
              {m.preprocessing.tta === "flip"
                ? "; each reading averages the face and its mirror image"
                : m.preprocessing.tta === "flip-shift"
                  ? "; each reading averages the face, its mirror image and slightly shifted copies of both"
                  : m.preprocessing.tta === "flip-crop"
                    ? "; the networks that read the crop directly average the face and its mirror image"
                    : ""}
              .
            </li>
            <li>
              Training snapshot <code>{m.snapshot.contentHash.slice(0, 12)}</code>
              {m.snapshot.imageCount ? ` (${m.snapshot.imageCount.toLocaleString("en")} images)` : ""}, code {m.codeVersion.slice(0, 12)}.
            </li>
          </ul>
          <h2>How often it is right</h2>
          {evaluations.map(([split, r]) => (
            <section key={split} aria-label={`Measured on ${split}`}>
              <p>
                On the {split} split ({r.n.toLocaleString("en")} faces{split === "val" ? ", also used to choose when to stop training and to calibrate" : ""}):
              </p>
              <dl className="stats">
                <div className="stat">
                  <dt>Accuracy</dt>
                  <dd>{pct(r.accuracy)}</dd>
                </div>
                <div className="stat">
                  <dt>Macro-F1</dt>
                  <dd>{r.macroF1.toFixed(2)}</dd>
                </div>
                <div className="stat">
                  <dt>Calibration error</dt>
                  <dd>{pct(r.ece)}</dd>
                </div>
                {r.accuracyWhenConfident !== undefined ? (
                  <div className="stat">
                    <dt>Right when it is sure</dt>
                    <dd>{pct(r.accuracyWhenConfident)}</dd>
                  </div>
                ) : null}
              </dl>
            </section>
          ))}
          <p>
            {m.calibration.priorCorrection
              ? `Expressions that were rare in its training photos (such as disgust) get a fixed lift, fitted so that common ones (such as happiness) do not drown them out. `
              : ""}
            Its scores are divided by a temperature of {m.calibration.temperature.toFixed(2)} so that its percentages mean what they say. Below{" "}
            {pct(m.calibration.abstainThreshold)} for the top expression the coach says <em>unclear</em>
            {main?.coverage !== undefined ? `: that happens on ${pct(1 - main.coverage)} of the measured faces` : ""}. Humans agree with FER2013&apos;s labels
            about 65% of the time.
          </p>
          {weakest.length ? (
            <>
              <h2>Known failures</h2>
              <p>How often it finds each expression when it is there (recall), weakest first:</p>
              <ul>
                {weakest.map(({ c, r }) => (
                  <li key={c}>
                    {c}: {pct(r!.recall)} of {r!.support.toLocaleString("en")}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <ModelCardLimits />
          <p>
            <Link href="/coach">Back to the coach</Link> · <a href={`/api/models/${hash}/card.md`}>The full card as text</a>
          </p>
        </article>
      </main>
    </>
  );
}
