"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "../auth/client.ts";

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
