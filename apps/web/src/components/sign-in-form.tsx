"use client";

import { useRef, type FormEvent } from "react";

import { authClient } from "../auth/client.ts";
import { useAuthSubmit } from "../auth/use-auth-submit.ts";
import { useRescueFocus } from "./use-rescue-focus.ts";

/** `next`: where to go once signed in (a checked path on this site), else home. */
export function SignInForm({ next }: { next?: string | null }) {
  const { error, pending, ready, submit } = useAuthSubmit(next);
  // The button is disabled while the request runs, which drops focus; a refusal puts it on the password to try again.
  const password = useRef<HTMLInputElement | null>(null);
  useRescueFocus(password, error);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    await submit(() =>
      authClient.signIn.email({
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
      }),
    );
  }

  return (
    <form className="form" onSubmit={onSubmit} aria-describedby={error ? "sign-in-error" : undefined}>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required maxLength={254} autoFocus />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input ref={password} id="password" name="password" type="password" autoComplete="current-password" required maxLength={128} />
      </div>
      {error ? (
        <p id="sign-in-error" className="notice notice-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={pending || !ready}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
