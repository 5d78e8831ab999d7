"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

import { authErrorMessage, type AuthFailure } from "./messages.ts";

/**
 * What the sign-in and sign-up forms share: send one auth request, show its failure as a
 * sentence, and on success go to `next` (a checked path on this site), else home.
 */
export function useAuthSubmit(next?: string | null) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(request: () => Promise<{ error: AuthFailure | null }>) {
    setPending(true);
    setError(null);
    const { error: failure } = await request();
    if (failure) {
      setPending(false);
      setError(authErrorMessage(failure));
      return;
    }
    router.replace(next ?? "/");
    router.refresh();
  }

  return { error, setError, pending, submit };
}
