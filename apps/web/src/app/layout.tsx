import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { TRPCReactProvider } from "../trpc/react.tsx";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Mien", template: "%s · Mien" },
  description: "Mien helps you see what your own face is saying. It is a tool for self-discovery, never for reading other people.",
  // The coach's app icon, so no page asks for a /favicon.ico that is not there.
  icons: { icon: [{ url: "/icons/icon-192.png", sizes: "192x192", type: "image/png" }], apple: "/icons/icon-192.png" },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f7f6f3" },
    { media: "(prefers-color-scheme: dark)", color: "#16171a" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
