"use client";

import { useRef, type FormEvent } from "react";

import { authClient } from "../auth/client.ts";
import { useAuthSubmit } from "../auth/use-auth-submit.ts";
import { useRescueFocus } from "./use-rescue-focus.ts";

const MIN_PASSWORD = 8;

/** `next`: where to go once signed in (a checked path on this site), else home. */
export function SignUpForm({ next }: { next?: string | null }) {
  const { error, setError, pending, ready, submit } = useAuthSubmit(next);
  // The button is disabled while the request runs, which drops focus; a refusal puts it on the email (most refusals are about it).
  const email = useRef<HTMLInputElement | null>(null);
  useRescueFocus(email, error);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const name = String(form.get("name") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (password.length < MIN_PASSWORD) {
      setError(`The password is too short: use at least ${MIN_PASSWORD} characters.`);
      return;
    }
    // Every new account is a plain user; only an admin can grant curator or admin.
    await submit(() => authClient.signUp.email({ email, password, name: name || email.split("@")[0]! }));
  }

  return (
    <form className="form" onSubmit={onSubmit} aria-describedby={error ? "sign-up-error" : undefined}>
      <div className="field">
        <label htmlFor="name">
          Name <span className="optional">(optional)</span>
        </label>
        <input id="name" name="name" type="text" autoComplete="name" maxLength={100} />
      </div>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input ref={email} id="email" name="email" type="email" autoComplete="email" required maxLength={254} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          maxLength={128}
          aria-describedby="password-hint"
        />
        <p id="password-hint" className="hint">
          At least {MIN_PASSWORD} characters.
        </p>
      </div>
      {error ? (
        <p id="sign-up-error" className="notice notice-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={pending || !ready}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
    </form>
  );
}
