"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { CopyField } from "./copy-field.tsx";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/**
 * The learner's side of mentoring: who can see your practice (revoked with one click), invitations
 * (made, shown once, withdrawn). A mentor sees scores, sessions and your plan; never a picture.
 */
export function SharingView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.sharing.overview.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sharing.overview.queryKey() });
  const invite = useMutation(trpc.sharing.invite.mutationOptions({ onSuccess: refresh }));
  const withdraw = useMutation(trpc.sharing.withdrawInvitation.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.sharing.revoke.mutationOptions({ onSuccess: refresh }));
  const [announcement, setAnnouncement] = useState("");
  const link = invite.data ? `${window.location.origin}/mentor/accept#${invite.data.code}` : null;

  return (
    <div className="sharing">
      <section className="panel" aria-labelledby="mentors-heading">
        <h2 id="mentors-heading">Who can see your practice</h2>
        {data.mentors.length === 0 ? (
          <p data-testid="mentors-none">Nobody. Your scores are yours alone until you invite a mentor.</p>
        ) : (
          <ul className="mentor-list" data-testid="mentor-list">
            {data.mentors.map((m) => (
              <li key={m.mentorId} className="mentor-entry" data-testid={`mentor-${m.email}`}>
                <div>
                  <strong>{m.name}</strong> <span className="hint">{m.email}</span>
                  <p className="hint">
                    Since {dateFormat.format(m.since)}.{" "}
                    {m.views === 0
                      ? "Has not looked yet."
                      : `Looked ${m.views} time${m.views === 1 ? "" : "s"}, last on ${dateFormat.format(m.lastViewedAt!)}.`}
                  </p>
                </div>
                <button
                  type="button"
                  className="button button-quiet"
                  disabled={revoke.isPending}
                  aria-label={`Revoke ${m.name}'s access`}
                  onClick={() => revoke.mutate({ mentorId: m.mentorId }, { onSuccess: () => setAnnouncement(`${m.name} can no longer see your practice.`) })}
                >
                  Revoke access
                </button>
              </li>
            ))}
          </ul>
        )}
        {revoke.error ? (
          <p className="inline-error" role="alert">
            Could not revoke: {revoke.error.message}
          </p>
        ) : null}
        <p className="visually-hidden" aria-live="polite" data-testid="sharing-announcer">
          {announcement}
        </p>
      </section>

      <section className="panel section" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite a mentor</h2>
        <p className="lede">
          A mentor (a friend, a coach, a therapist) sees your scores per expression over time, your sessions and streak, and your practice plan, and can set the
          plan with you. They never see a picture or a video frame: none is kept. Each invitation works once, for one person, for 7 days.
        </p>
        <div className="form-actions">
          <button type="button" className="button" onClick={() => invite.mutate()} disabled={invite.isPending}>
            {invite.isPending ? "Making an invitation…" : "Make an invitation"}
          </button>
        </div>
        {invite.error ? (
          <p className="notice notice-error" role="alert">
            {invite.error.message}
          </p>
        ) : null}
        {invite.data && link ? (
          <div className="invitation-made notice" role="status" data-testid="invitation-made">
            <p>Send this link to your mentor. It is shown only now, and it expires on {dateFormat.format(invite.data.expiresAt)}.</p>
            <CopyField label="Invitation link" what="link" value={link} testId="invitation-link" />
            <CopyField label="Or the code, to type in" what="code" value={invite.data.code} testId="invitation-code" />
          </div>
        ) : null}
        {data.invitations.length > 0 ? (
          <>
            <h3>Open invitations</h3>
            <ul className="mentor-list" data-testid="open-invitations">
              {data.invitations.map((inv) => (
                <li key={inv.id} className="mentor-entry">
                  <span>
                    Made {dateFormat.format(inv.createdAt)}, expires {dateFormat.format(inv.expiresAt)}.
                  </span>
                  <button type="button" className="button button-quiet" disabled={withdraw.isPending} onClick={() => withdraw.mutate({ invitationId: inv.id })}>
                    Withdraw
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {withdraw.error ? (
          <p className="inline-error" role="alert">
            Could not withdraw: {withdraw.error.message}
          </p>
        ) : null}
      </section>
    </div>
  );
}
