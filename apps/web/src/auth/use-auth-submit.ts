"use client";

import { useState, useSyncExternalStore } from "react";

import { authErrorMessage, type AuthFailure } from "./messages.ts";

const noSubscription = () => () => {};

/**
 * What the sign-in and sign-up forms share: send one auth request, show its failure as a
 * sentence, and on success go to `next` (a checked path on this site), else home.
 *
 * Success loads `next` as a new document rather than through the client router: every page then
 * renders with the new session, and no client-side state of the signed-out visit comes back (the
 * router's cached copy of /mentor/accept put an invitation link's code back into the address bar).
 *
 * `ready` is false in the server's HTML and until React has hydrated the form. Before that, a
 * submit would be the browser's own GET to this page, which puts the email and password in the
 * address (history, logs) and creates nothing, so the forms keep their button disabled until then.
 */
export function useAuthSubmit(next?: string | null) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const ready = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

  async function submit(request: () => Promise<{ error: AuthFailure | null }>) {
    setPending(true);
    setError(null);
    const { error: failure } = await request();
    if (failure) {
      setPending(false);
      setError(authErrorMessage(failure));
      return;
    }
    window.location.replace(next ?? "/");
  }

  return { error, setError, pending, ready, submit };
}
