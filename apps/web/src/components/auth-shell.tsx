import type { ReactNode } from "react";

import { Brand } from "./brand.tsx";
import { PRODUCT_SENTENCE } from "./product.ts";

/** The centred card around the sign-in and sign-up forms. */
export function AuthShell({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <Brand />
        <p className="auth-tagline">{PRODUCT_SENTENCE}</p>
        <h1>{title}</h1>
        {children}
        <p className="auth-footer">{footer}</p>
      </div>
    </main>
  );
}
