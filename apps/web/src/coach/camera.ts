/** What the camera is doing, each with a message the page shows. */
export type CameraProblem = "denied" | "no-camera" | "busy" | "unsupported" | "failed";

export const CAMERA_MESSAGES: Record<CameraProblem, { title: string; body: string }> = {
  denied: {
    title: "Camera permission is off",
    body: "Mien needs your camera to show you your own expression. Allow the camera for this site in your browser's address bar or settings, then press Start camera again. Frames stay on this device.",
  },
  "no-camera": {
    title: "No camera found",
    body: "Connect a webcam (or enable the built-in one), then press Start camera again.",
  },
  busy: {
    title: "The camera is in use",
    body: "Another app or tab is using the camera. Close it, then press Start camera again.",
  },
  unsupported: {
    title: "This browser cannot share a camera here",
    body: "Open Mien over https (or on this computer's localhost) in a current browser to use the coach.",
  },
  failed: {
    title: "The camera did not start",
    body: "Something went wrong starting the camera. Press Start camera to try again.",
  },
};

export class CameraError extends Error {
  constructor(
    readonly problem: CameraProblem,
    cause?: unknown,
  ) {
    super(CAMERA_MESSAGES[problem].title, { cause });
  }
}

/** getUserMedia's DOMException names → what the user can do about them. */
export function cameraProblemOf(error: unknown): CameraProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
    case "PermissionDeniedError":
      return "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "no-camera";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "busy";
    default:
      return "failed";
  }
}

/** The user-facing camera at about 640×480, or a CameraError saying what went wrong. */
export async function openCamera(): Promise<MediaStream> {
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia) throw new CameraError("unsupported");
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
    });
  } catch (error) {
    throw new CameraError(cameraProblemOf(error), error);
  }
}
