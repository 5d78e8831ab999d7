import Link from "next/link";
import { roleAtLeast, type Role } from "@mien/auth";
import { Brand } from "./brand.tsx";
import { SignOutButton } from "./sign-out-button.tsx";

export function SiteHeader({ email, role }: { email: string; role: Role }) {
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Brand />
        {roleAtLeast(role, "curator") ? (
          <nav className="site-nav" aria-label="Main">
            <Link href="/">Data set</Link>
            <Link href="/review">Review</Link>
            {roleAtLeast(role, "admin") ? <Link href="/review/conflicts">Conflicts</Link> : null}
          </nav>
        ) : null}
        <div className="account" aria-label="Your account">
          <span className="account-email" data-testid="account-email">
            {email}
          </span>
          <span className={`role-badge role-${role}`} data-testid="account-role">
            {role}
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
