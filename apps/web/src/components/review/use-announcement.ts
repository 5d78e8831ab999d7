import { useEffect, useState } from "react";

/**
 * The text of a page's status pill and live region, cleared a while after it is set: the pill
 * sits over the page (at 390 px over the conflict queue's Open and Resolved buttons), and a
 * screen reader has read it by then.
 */
export function useAnnouncement(showMs = 8000): [string, (text: string) => void] {
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(""), showMs);
    return () => clearTimeout(timer);
  }, [message, showMs]);
  return [message, setMessage];
}
