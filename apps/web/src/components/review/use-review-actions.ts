"use client";

import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useTRPC } from "../../trpc/react.tsx";
import type { FlagReason, MyDecision, PageInput, ReviewPage } from "./review-keys.ts";

export type DecisionChoice =
  | { kind: "accept" }
  | { kind: "relabel"; label: PageInput["label"] }
  | { kind: "flag"; flags: FlagReason[]; suggestedLabel?: PageInput["label"] };

type Pages = InfiniteData<ReviewPage, ReviewPage["nextCursor"]>;

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

  const decide = useMutation(
    trpc.review.decide.mutationOptions({
      onMutate: async (vars) => {
        const before = await snapshot();
        const item = before?.pages.flatMap((p) => p.items).find((i) => i.id === vars.imageId);
        setDecisions(new Map([[vars.imageId, optimistic(vars.decision as DecisionChoice, item?.myDecision ?? null)]]));
        return { before };
      },
      onError: (error, _vars, context) => {
        if (context?.before) queryClient.setQueryData(key, context.before);
        announce(`Not saved: ${error.message}`);
      },
      onSuccess: (decision, vars) => {
        setDecisions(new Map([[vars.imageId, decision]]));
        void refreshHistory(vars.imageId);
      },
    }),
  );

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
        setDecisions(
          new Map(vars.imageIds.map((id) => [id, optimistic({ kind: "flag", flags: vars.flags }, items.get(id) ?? null)])),
        );
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

  return { decide, undo, bulkFlag };
}
