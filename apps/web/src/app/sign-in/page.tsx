import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { safeNextPath } from "../../auth/next-path.ts";
import { currentSession } from "../../auth/session.ts";
import { AuthShell } from "../../components/auth-shell.tsx";
import { SignInForm } from "../../components/sign-in-form.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const next = safeNextPath((await searchParams).next);
  if (await currentSession()) redirect(next ?? "/");
  return (
    <AuthShell
      title="Sign in"
      footer={
        <>
          New to Mien? <Link href={next ? `/sign-up?next=${encodeURIComponent(next)}` : "/sign-up"}>Create an account</Link>, or{" "}
          <Link href="/coach">try the coach</Link> without one.
        </>
      }
    >
      <SignInForm next={next} />
    </AuthShell>
  );
}
