"use client";

import type { ShellState } from "../../offline/register.ts";
import type { OutboxHandle } from "./use-outbox.ts";

const scores = (n: number) => (n === 1 ? "1 score" : `${n} scores`);

/** Says when the coach is offline, how many scores wait on this device, and whether it opens without a network. */
export function ConnectionStatus({ online, shell, outbox, signedIn }: { online: boolean; shell: ShellState; outbox: OutboxHandle; signedIn: boolean }) {
  const { waiting, stopped, problems } = outbox;
  return (
    <div className="coach-connection">
      <div role="status" className="coach-connection-status">
        {online ? null : (
          <p className="notice" data-testid="coach-offline">
            <strong>You are offline.</strong> The coach keeps running on this device
            {signedIn ? ", and your scores wait here until you are back online." : "."}
          </p>
        )}
        {waiting > 0 ? (
          <p className="hint" data-testid="coach-waiting" data-waiting={waiting}>
            {scores(waiting)} waiting on this device
            {!online ? "." : stopped ? `: ${stopped}` : ", sending now…"}
          </p>
        ) : null}
        {online && shell.kind === "ready" ? (
          <p className="hint" data-testid="coach-offline-ready">
            Saved on this device: the coach also opens without a network.
          </p>
        ) : null}
        {shell.kind === "unavailable" ? <p className="hint">{shell.reason}</p> : null}
      </div>
      {problems.length ? (
        <div className="notice notice-error coach-notice" role="alert" data-testid="coach-outbox-problems">
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
          <button type="button" className="button button-quiet" onClick={outbox.dismissProblems}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}
