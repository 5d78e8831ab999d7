import { useEffect, useRef, type RefObject } from "react";

/**
 * Keeps a keyboard user's place: when `key` changes and the change took the focused control away
 * (removed it, so focus fell back to the page, or disabled it), focus moves to `target`. It never
 * takes focus from anything else, nor on the first render. No scrolling: on a phone the camera
 * stays in view. `target` and `enabled` may be functions, read when the key changes.
 */
export function useRescueFocus(
  target: RefObject<HTMLElement | null> | (() => HTMLElement | null | undefined),
  key: unknown,
  enabled: boolean | (() => boolean) = true,
): void {
  const previous = useRef(key);
  useEffect(() => {
    if (Object.is(previous.current, key)) return;
    previous.current = key;
    const active = document.activeElement;
    // A disabled control may keep focus in name while keys no longer reach it.
    const lost = !active || active === document.body || (active as HTMLButtonElement).disabled === true;
    if (!lost || !(typeof enabled === "function" ? enabled() : enabled)) return;
    (typeof target === "function" ? target() : target.current)?.focus({ preventScroll: true });
  }, [key, enabled, target]);
}
