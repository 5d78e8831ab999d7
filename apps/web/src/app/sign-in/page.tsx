import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentSession } from "../../auth/session.ts";
import { AuthShell } from "../../components/auth-shell.tsx";
import { SignInForm } from "../../components/sign-in-form.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  if (await currentSession()) redirect("/");
  return (
    <AuthShell
      title="Sign in"
      footer={
        <>
          New to Mien? <Link href="/sign-up">Create an account</Link>, or <Link href="/coach">try the coach</Link> without one.
        </>
      }
    >
      <SignInForm />
    </AuthShell>
  );
}
