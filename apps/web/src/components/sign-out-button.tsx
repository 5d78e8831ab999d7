"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

import { authClient } from "../auth/client.ts";
import { forgetKeptPages } from "../offline/register.ts";

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut() {
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.signOut();
    if (failure) {
      setPending(false);
      setError("Signing out failed. Try again.");
      return;
    }
    // The device's offline copy of the coach page shows this account: it goes with the session.
    await forgetKeptPages().catch((e: unknown) => console.warn(`Could not forget the offline copy of the coach: ${(e as Error).message}`));
    router.replace("/sign-in");
    router.refresh();
  }

  return (
    <>
      <button type="button" className="button button-quiet" onClick={signOut} disabled={pending}>
        {pending ? "Signing out…" : "Sign out"}
      </button>
      {error ? (
        <span role="alert" className="inline-error">
          {error}
        </span>
      ) : null}
    </>
  );
}
