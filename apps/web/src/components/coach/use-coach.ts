"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { ACTIVE_MODEL_POLL_MS, activeAnswer, lookUpActiveModel } from "../../coach/active-model.ts";
import { clearBaseline, loadBaseline, saveBaseline, type Baseline, type RecordingOutcome } from "../../coach/baseline.ts";
import { CameraError, openCamera, type CameraProblem } from "../../coach/camera.ts";
import { CoachEngine, type EngineStatus } from "../../coach/engine.ts";
import { LiveSession, type SessionSnapshot } from "../../coach/live-session.ts";
import type { PracticeResult, PracticeSettings } from "../../coach/practice.ts";
import type { LoadedModel, PackagedUrls, Reading } from "../../coach/worker/protocol.ts";

export type CameraState = { kind: "off" } | { kind: "starting" } | { kind: "live" } | { kind: "problem"; problem: CameraProblem };

/** The page re-renders at most this often; the overlay follows every frame. */
const RENDER_EVERY_MS = 100;

export interface CoachOptions {
  urls: PackagedUrls;
  /** Forces TF.js backends, e.g. ["wasm"] (from ?backend=wasm). */
  backends?: string[];
  onAttempt?(result: PracticeResult): void;
}

/** What the page says when the promoted model could not be used (the reason says which model runs instead). */
function fallbackNotice(model: LoadedModel): string {
  return model.source === "packaged" ? `${model.fallbackReason} Using the packaged model for now.` : model.fallbackReason!;
}

export function useCoach({ urls, backends, onAttempt }: CoachOptions) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const engineRef = useRef<CoachEngine | null>(null);
  const sessionRef = useRef<LiveSession | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const readingListeners = useRef(new Set<(r: Reading, s: SessionSnapshot) => void>());
  const lastRender = useRef(0);
  const onAttemptRef = useRef(onAttempt);
  onAttemptRef.current = onAttempt;

  const [status, setStatus] = useState<EngineStatus>({ kind: "loading" });
  const [camera, setCamera] = useState<CameraState>({ kind: "off" });
  const [snapshot, setSnapshot] = useState<SessionSnapshot | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [baseline, setBaselineState] = useState<Baseline | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [recordingError, setRecordingError] = useState<string | null>(null);
  const [showRaw, setShowRawState] = useState(false);

  // Which version admins promoted, polled so a new one arrives without a reload.
  const active = useQuery({
    queryKey: ["coach", "active-model"],
    queryFn: () => lookUpActiveModel(),
    refetchInterval: ACTIVE_MODEL_POLL_MS,
    refetchOnWindowFocus: true,
    staleTime: 0,
    // Asked offline too: the lookup never throws, and "unreachable" is what starts the engine then.
    networkMode: "always",
  });
  // React Query refetches on reconnecting only if it saw the browser go offline; a page opened offline did not.
  const refetchActive = active.refetch;
  useEffect(() => {
    const reconnected = () => void refetchActive();
    window.addEventListener("online", reconnected);
    return () => window.removeEventListener("online", reconnected);
  }, [refetchActive]);
  const activeRef = active.data ? activeAnswer(active.data) : null;
  const activeKey = typeof activeRef === "string" ? activeRef : (activeRef?.contentHash ?? null);
  const lookedUp = active.data !== undefined;

  const announce = useCallback((text: string) => {
    // Re-setting identical text would not be re-read; a trailing space makes it new.
    setAnnouncement((previous) => (previous === text ? `${text} ` : text));
  }, []);

  const handleRecorded = useCallback((outcome: RecordingOutcome) => {
    if (outcome.ok) {
      saveBaseline(localStorage, outcome.baseline);
      setBaselineState(outcome.baseline);
      setRecordingError(null);
    } else {
      setRecordingError(outcome.reason);
    }
  }, []);

  // The engine starts once the first registry lookup has answered (either way).
  useEffect(() => {
    if (!lookedUp || engineRef.current) return;
    const engine = new CoachEngine(
      () => new Worker(new URL("../../coach/worker/coach.worker.ts", import.meta.url), { type: "module", name: "mien-coach" }),
      urls,
      activeRef,
      {
        status: (next) => {
          setStatus(next);
          if (next.kind !== "ready") return;
          const session = sessionRef.current;
          if (!session) {
            const stored = loadBaseline(localStorage);
            sessionRef.current = new LiveSession(next.model, stored);
            setBaselineState(sessionRef.current.currentBaseline);
            if (stored && !sessionRef.current.currentBaseline)
              setNotice("Your recorded resting face belongs to an earlier model. Record it again to read relative to it.");
            if (next.model.fallbackReason) setNotice(fallbackNotice(next.model));
          } else {
            const dropped = session.setModel(next.model);
            if (dropped) {
              clearBaseline(localStorage);
              setBaselineState(null);
            }
            const now = next.model.fallbackReason
              ? fallbackNotice(next.model)
              : `Mien now reads with ${next.model.name}${next.model.version ? ` (version ${next.model.version})` : ""}.`;
            setNotice(dropped ? `${now} Your resting face was recorded with the previous model, so please record it again.` : now);
          }
        },
        reading: (reading, t, roundTripMs) => {
          const session = sessionRef.current;
          if (!session) return;
          const outcome = session.onReading(reading, t, roundTripMs);
          for (const listener of readingListeners.current) listener(reading, outcome.snapshot);
          if (outcome.announce) announce(outcome.announce);
          if (outcome.recorded) handleRecorded(outcome.recorded);
          if (outcome.practiced) onAttemptRef.current?.(outcome.practiced);
          if (outcome.recorded || outcome.practiced || t - lastRender.current >= RENDER_EVERY_MS) {
            lastRender.current = t;
            setSnapshot(outcome.snapshot);
          }
        },
      },
      backends,
    );
    engineRef.current = engine;
    // A camera started while the lookup was still on its way has frames and no engine yet: read them now.
    if (streamRef.current && videoRef.current) engine.attach(videoRef.current);
    // The engine is made once; later lookups reach it through setActiveModel below.
  }, [lookedUp]);

  useEffect(() => {
    if (lookedUp) engineRef.current?.setActiveModel(activeRef);
  }, [lookedUp, activeKey]);

  const stopCamera = useCallback(() => {
    engineRef.current?.detach();
    // Without frames an attempt or a recording could never finish: abandon them.
    sessionRef.current?.stopPractice(performance.now());
    sessionRef.current?.cancelRecording();
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    setCamera({ kind: "off" });
    setSnapshot((s) => (s ? { ...s, faces: null, readout: null, raw: null, recording: null, practice: s.practice?.phase === "done" ? s.practice : null } : s));
  }, []);

  const startCamera = useCallback(async () => {
    setCamera({ kind: "starting" });
    try {
      const stream = await openCamera();
      streamRef.current = stream;
      const video = videoRef.current!;
      video.srcObject = stream;
      await video.play();
      engineRef.current?.attach(video);
      setCamera({ kind: "live" });
      announce("Camera on. Frames stay on this device.");
    } catch (error) {
      const problem = error instanceof CameraError ? error.problem : "failed";
      if (!(error instanceof CameraError)) console.error(error);
      setCamera({ kind: "problem", problem });
    }
  }, [announce]);

  useEffect(
    () => () => {
      streamRef.current?.getTracks().forEach((t) => t.stop());
      engineRef.current?.dispose();
      engineRef.current = null;
    },
    [],
  );

  const recordBaseline = useCallback(() => {
    setRecordingError(null);
    // A finished attempt's score would come back over the picture once the recording ends.
    sessionRef.current?.dismissPractice();
    sessionRef.current?.startRecording(performance.now());
    announce("Recording your resting face for three seconds. Relax and look at the camera.");
  }, [announce]);

  const resetBaseline = useCallback(() => {
    clearBaseline(localStorage);
    sessionRef.current?.setBaseline(null);
    setBaselineState(null);
    announce("Resting face cleared. Readings are no longer relative to it.");
  }, [announce]);

  const setShowRaw = useCallback((value: boolean) => {
    if (sessionRef.current) sessionRef.current.showRaw = value;
    setShowRawState(value);
  }, []);

  const startPractice = useCallback(
    (settings: PracticeSettings) => {
      sessionRef.current?.startPractice(settings, performance.now());
      announce(`Show ${settings.target} and hold it for ${settings.holdMs / 1000} seconds.`);
    },
    [announce],
  );

  /** Abandons a running attempt: it is neither scored nor saved. */
  const cancelPractice = useCallback(() => {
    sessionRef.current?.stopPractice(performance.now());
    setSnapshot(sessionRef.current?.snapshot ?? null);
    announce("Practice cancelled.");
  }, [announce]);

  const dismissPractice = useCallback(() => {
    sessionRef.current?.dismissPractice();
    setSnapshot(sessionRef.current?.snapshot ?? null);
  }, []);

  const onEveryReading = useCallback((listener: (r: Reading, s: SessionSnapshot) => void) => {
    readingListeners.current.add(listener);
    return () => void readingListeners.current.delete(listener);
  }, []);

  return {
    videoRef,
    status,
    camera,
    snapshot,
    announcement,
    baseline,
    notice,
    dismissNotice: () => setNotice(null),
    recordingError,
    showRaw,
    setShowRaw,
    startCamera,
    stopCamera,
    recordBaseline,
    resetBaseline,
    startPractice,
    cancelPractice,
    dismissPractice,
    onEveryReading,
    registry: active.data,
  };
}

export type Coach = ReturnType<typeof useCoach>;
