"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, type FormEvent } from "react";

import { useTRPC } from "../../trpc/react.tsx";

/** Where a code from an invitation link waits while its mentor signs in first. */
const PENDING_CODE = "mien.pendingInvitation";

/** The code an invitation link carries after "#" (never sent to the server in the URL). */
function codeFromLocation(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
}

/**
 * Accepting an invitation: the code comes from the link's fragment, or is typed. Signed-out
 * visitors are sent to sign in (or create an account) and come back here with the code kept in
 * this tab's session storage.
 */
export function AcceptInvitation({ signedIn }: { signedIn: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [code, setCode] = useState("");
  const redeem = useMutation(
    trpc.mentoring.redeem.mutationOptions({
      onSuccess: (result) => {
        sessionStorage.removeItem(PENDING_CODE);
        router.push(`/mentor/${encodeURIComponent(result.learner.id)}`);
      },
    }),
  );

  useEffect(() => {
    const fromLink = codeFromLocation();
    const kept = sessionStorage.getItem(PENDING_CODE) ?? "";
    const found = fromLink || kept;
    if (found) {
      setCode(found);
      // Keep it for the round trip through sign-in, and take it out of the address bar and history.
      sessionStorage.setItem(PENDING_CODE, found);
      if (fromLink) history.replaceState(null, "", window.location.pathname);
    }
  }, []);

  if (!signedIn) {
    const next = encodeURIComponent("/mentor/accept");
    return (
      <div className="panel" data-testid="accept-signed-out">
        <p>To accept this invitation, sign in with the account you want to mentor from, or create one. You come back here afterwards.</p>
        <div className="form-actions">
          <Link className="button" href={`/sign-in?next=${next}`}>
            Sign in
          </Link>
          <Link className="button button-quiet" href={`/sign-up?next=${next}`}>
            Create an account
          </Link>
        </div>
      </div>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    redeem.mutate({ code });
  }

  return (
    <form className="panel form" onSubmit={submit} aria-describedby={redeem.error ? `${id}-error` : undefined}>
      <p>
        Accepting makes you this person&apos;s mentor: you will see their practice scores, sessions and plan (never a picture), for as long as they choose. They
        can stop sharing at any time.
      </p>
      <div className="field">
        <label htmlFor={id}>Invitation code</label>
        <input
          id={id}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          maxLength={100}
          placeholder="XXXX-XXXX-…"
        />
      </div>
      {redeem.error ? (
        <p id={`${id}-error`} className="notice notice-error" role="alert" data-testid="accept-error">
          {redeem.error.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={redeem.isPending || !code.trim()}>
          {redeem.isPending ? "Accepting…" : "Accept the invitation"}
        </button>
      </div>
    </form>
  );
}
