"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

import { installShell, type ShellState } from "../../offline/register.ts";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

/** Whether the browser says it has a network (the server render assumes it does). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

/** Installs the coach for offline use once `start` is true (after the models are running, so it does not slow them down). */
export function useOfflineShell(start: boolean): ShellState {
  const [state, setState] = useState<ShellState>({ kind: "pending" });
  useEffect(() => {
    if (!start) return;
    let cancelled = false;
    void installShell().then((next) => {
      if (next.kind === "unavailable") console.warn(next.reason);
      if (!cancelled) setState(next);
    });
    return () => {
      cancelled = true;
    };
  }, [start]);
  return state;
}
