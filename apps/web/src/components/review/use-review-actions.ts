"use client";

import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useRef, useState } from "react";

import type { RouterInputs } from "@mien/api";

import { useTRPC } from "../../trpc/react.tsx";
import type { FlagReason, MyDecision, PageInput, ReviewPage } from "./review-keys.ts";

export type DecisionChoice =
  { kind: "accept" } | { kind: "relabel"; label: PageInput["label"] } | { kind: "flag"; flags: FlagReason[]; suggestedLabel?: PageInput["label"] };

type Pages = InfiniteData<ReviewPage, ReviewPage["nextCursor"]>;
type DecideInput = RouterInputs["review"]["decide"];

/** A decision the server did not record; `retryable` when sending it again may work (network or server trouble). */
export interface FailedDecision {
  input: DecideInput;
  /** What the curator did, as the announcer said it ("Accepted #3"). */
  said: string;
  reason: string;
  retryable: boolean;
}

interface ClientError {
  message: string;
  data?: { code?: string; httpStatus?: number } | null;
}

/** Why a call failed, in words, and whether the same call may succeed when sent again. */
function failureOf(error: ClientError): { reason: string; retryable: boolean } {
  const status = error.data?.httpStatus;
  // No tRPC error body: the request never reached the API or the answer was lost (offline, proxy, restart).
  if (!error.data) return { reason: "the server could not be reached", retryable: true };
  // A server fault (e.g. the database restarting) is worth one more try; its raw message is not for curators.
  if (status === undefined || status >= 500) return { reason: "the server could not save it right now", retryable: true };
  return { reason: error.message, retryable: false };
}

function optimistic(choice: DecisionChoice, previous: MyDecision | null): MyDecision {
  return {
    kind: choice.kind,
    label: choice.kind === "relabel" ? choice.label : null,
    flags: choice.kind === "flag" ? choice.flags : [],
    suggestedLabel: choice.kind === "relabel" ? choice.label : choice.kind === "flag" ? (choice.suggestedLabel ?? null) : null,
    version: (previous?.version ?? 0) + 1,
  };
}

/**
 * decide / undo / bulkFlag for one grid query. Decisions show at once (optimistic) and roll back
 * if the server refuses; `announce` speaks every outcome through the page's live region.
 */
export function useReviewActions(input: PageInput, announce: (message: string) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.review.page.infiniteQueryKey(input);

  const setDecisions = (next: Map<string, MyDecision | null>) =>
    queryClient.setQueryData<Pages>(key, (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.map((item) => (next.has(item.id) ? { ...item, myDecision: next.get(item.id)! } : item)),
            })),
          }
        : data,
    );
  const snapshot = async () => {
    await queryClient.cancelQueries({ queryKey: key });
    return queryClient.getQueryData<Pages>(key);
  };
  const refreshHistory = (imageId: string) => queryClient.invalidateQueries({ queryKey: trpc.review.history.queryKey({ imageId }) });

  const [failures, setFailures] = useState<readonly FailedDecision[]>([]);
  const forget = (imageId: string) => setFailures((list) => list.filter((f) => f.input.imageId !== imageId));
  // What each sent decision said, by its input object: the mutation's own callbacks run for every call
  // (callbacks passed to mutate() run only for the latest one, which would drop earlier failures).
  const sent = useRef(new WeakMap<DecideInput, { said: string; retry: boolean }>());

  const decide = useMutation(
    trpc.review.decide.mutationOptions({
      onMutate: async (vars) => {
        const before = await snapshot();
        const item = before?.pages.flatMap((p) => p.items).find((i) => i.id === vars.imageId);
        const shown = optimistic(vars.decision as DecisionChoice, item?.myDecision ?? null);
        setDecisions(new Map([[vars.imageId, shown]]));
        return { previous: item ? item.myDecision : undefined, shown };
      },
      onError: (error, vars, context) => {
        // Roll back only this image, and only if nothing newer replaced the optimistic decision meanwhile.
        const item = queryClient
          .getQueryData<Pages>(key)
          ?.pages.flatMap((p) => p.items)
          .find((i) => i.id === vars.imageId);
        if (context && context.previous !== undefined && item?.myDecision === context.shown) setDecisions(new Map([[vars.imageId, context.previous]]));
        const said = sent.current.get(vars)?.said ?? "Your decision";
        const { reason, retryable } = failureOf(error);
        setFailures((list) => [...list.filter((f) => f.input.imageId !== vars.imageId), { input: vars, said, reason, retryable }]);
        announce(`Not saved: ${said}, because ${reason}.${retryable ? " Press Retry to send it again." : ""}`);
      },
      onSuccess: (decision, vars) => {
        setDecisions(new Map([[vars.imageId, decision]]));
        void refreshHistory(vars.imageId);
        const meta = sent.current.get(vars);
        if (meta?.retry) announce(`Saved on retry: ${meta.said}`);
      },
    }),
  );

  /**
   * Sends one decision. If the server does not record it, the grid rolls back and the decision
   * waits in `failures` until the curator retries, dismisses it or decides that image again.
   */
  const sendDecision = (input: DecideInput, said: string, retry = false) => {
    forget(input.imageId);
    sent.current.set(input, { said, retry });
    decide.mutate(input);
  };

  /** Sends a failed decision again, exactly as it was first sent. */
  const retry = (failure: FailedDecision) => sendDecision(failure.input, failure.said, true);

  const undo = useMutation(
    trpc.review.undo.mutationOptions({
      onError: (error) => announce(`Could not undo: ${error.message}`),
      onSuccess: (decision, vars) => {
        setDecisions(new Map([[vars.imageId, decision]]));
        void refreshHistory(vars.imageId);
      },
    }),
  );

  const bulkFlag = useMutation(
    trpc.review.bulkFlag.mutationOptions({
      onMutate: async (vars) => {
        const before = await snapshot();
        const items = new Map(before?.pages.flatMap((p) => p.items).map((i) => [i.id, i.myDecision]));
        setDecisions(new Map(vars.imageIds.map((id) => [id, optimistic({ kind: "flag", flags: vars.flags }, items.get(id) ?? null)])));
        return { before };
      },
      onError: (error, _vars, context) => {
        if (context?.before) queryClient.setQueryData(key, context.before);
        announce(`The selection was not flagged: ${error.message}`);
      },
      onSuccess: (results) => {
        setDecisions(new Map(results.map((r) => [r.imageId, r.decision])));
        for (const r of results) void refreshHistory(r.imageId);
      },
    }),
  );

  return { decide, sendDecision, failures, retry, dismiss: forget, undo, bulkFlag };
}
