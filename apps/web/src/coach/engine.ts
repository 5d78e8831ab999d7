import type { ActiveModelAnswer, FromWorker, LoadedModel, PackagedUrls, Reading, ToWorker } from "./worker/protocol.ts";

export type EngineStatus =
  { kind: "loading" } | { kind: "ready"; backend: string; backendNotes: string[]; model: LoadedModel } | { kind: "failed"; message: string };

export interface EngineEvents {
  status(status: EngineStatus): void;
  /** `roundTripMs`: from taking the frame off the video to its reading arriving back. */
  reading(reading: Reading, receivedAt: number, roundTripMs: number): void;
}

/** Frames wider than this are scaled down before inference: detection needs no more. */
const MAX_FRAME_WIDTH = 640;
/**
 * Frames handed to the worker and not yet read. One: in pnpm bench:coach a second frame in
 * flight kept the worker busier but doubled the median frame-to-reading time for about 2% more
 * readings a second, and a fresh reading matters more here than one more reading.
 */
const MAX_IN_FLIGHT = 1;

/**
 * The page side of the live loop: hands each new video frame to the inference worker as a
 * transferred ImageBitmap (at most MAX_IN_FLIGHT at a time, so latency never piles up) and passes
 * readings on. Knows nothing about React.
 */
export class CoachEngine {
  private readonly worker: Worker;
  private video: HTMLVideoElement | null = null;
  private frameCallback: number | null = null;
  private animationFrame: number | null = null;
  private nextId = 1;
  /** Send time of each frame the worker has not answered yet, by id. */
  private readonly inFlight = new Map<number, number>();
  private latestFrame = 0;
  private sentFrame = 0;
  private ready = false;
  private disposed = false;
  private current: EngineStatus = { kind: "loading" };

  constructor(
    createWorker: () => Worker,
    urls: PackagedUrls,
    active: ActiveModelAnswer,
    private readonly events: EngineEvents,
    backends?: string[],
  ) {
    this.worker = createWorker();
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) =>
      this.setStatus({ kind: "failed", message: `The coach's worker stopped: ${event.message || "unknown error"}. Reload the page to try again.` });
    this.send({ type: "init", urls, active, ...(backends ? { backends } : {}) });
  }

  get status(): EngineStatus {
    return this.current;
  }

  /** Starts reading frames from a playing video element. */
  attach(video: HTMLVideoElement): void {
    this.detach();
    this.video = video;
    this.latestFrame = 0;
    this.sentFrame = 0;
    if ("requestVideoFrameCallback" in video) {
      const onFrame = () => {
        if (this.video !== video) return;
        this.latestFrame++;
        this.pump();
        this.frameCallback = video.requestVideoFrameCallback(onFrame);
      };
      this.frameCallback = video.requestVideoFrameCallback(onFrame);
    } else {
      const tick = () => {
        if (this.video !== video) return;
        this.latestFrame++;
        this.pump();
        this.animationFrame = requestAnimationFrame(tick);
      };
      this.animationFrame = requestAnimationFrame(tick);
    }
  }

  detach(): void {
    this.inFlight.clear();
    const video = this.video as (HTMLVideoElement & { cancelVideoFrameCallback?(h: number): void }) | null;
    if (video && this.frameCallback !== null) video.cancelVideoFrameCallback?.(this.frameCallback);
    if (this.animationFrame !== null) cancelAnimationFrame(this.animationFrame);
    this.frameCallback = null;
    this.animationFrame = null;
    this.video = null;
  }

  /** Tells the worker which version is promoted now; it swaps models when that changed. */
  setActiveModel(active: ActiveModelAnswer): void {
    this.send({ type: "active-model", active });
  }

  dispose(): void {
    this.disposed = true;
    this.detach();
    this.worker.terminate();
  }

  private send(message: ToWorker, transfer: Transferable[] = []): void {
    if (!this.disposed) this.worker.postMessage(message, transfer);
  }

  private pump(): void {
    const video = this.video;
    if (!video || !this.ready || this.inFlight.size >= MAX_IN_FLIGHT || this.latestFrame <= this.sentFrame) return;
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !video.videoWidth) return;
    const id = this.nextId++;
    this.inFlight.set(id, performance.now());
    this.sentFrame = this.latestFrame;
    const scale = Math.min(1, MAX_FRAME_WIDTH / video.videoWidth);
    const options: ImageBitmapOptions =
      scale < 1 ? { resizeWidth: Math.round(video.videoWidth * scale), resizeHeight: Math.round(video.videoHeight * scale), resizeQuality: "medium" } : {};
    createImageBitmap(video, options).then(
      (bitmap) => this.send({ type: "frame", id, bitmap }, [bitmap]),
      () => {
        // The video had no frame to give (it was stopping); wait for the next one.
        this.inFlight.delete(id);
      },
    );
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "ready":
        this.ready = true;
        this.setStatus({ kind: "ready", backend: message.backend, backendNotes: message.backendNotes, model: message.model });
        this.pump();
        break;
      case "model-changed":
        if (this.current.kind === "ready") this.setStatus({ ...this.current, model: message.model });
        break;
      case "reading": {
        const now = performance.now();
        const sentAt = this.inFlight.get(message.id) ?? now;
        this.inFlight.delete(message.id);
        this.events.reading(message, now, now - sentAt);
        this.pump();
        break;
      }
      case "frame-error":
        this.inFlight.delete(message.id);
        console.warn(`Frame ${message.id} was not read: ${message.message}`);
        this.pump();
        break;
      case "fatal":
        this.setStatus({ kind: "failed", message: message.message });
        break;
    }
  }

  private setStatus(status: EngineStatus): void {
    this.current = status;
    this.events.status(status);
  }
}
