"use client";

import { useQuery } from "@tanstack/react-query";

import { ZERO_SHOT_CLASSES, type ExpressionClass } from "@mien/model";

import { lookUpActiveModel } from "../../coach/active-model.ts";

/**
 * The expressions the coach's model reads now: the active version's, or the packaged net's seven
 * when none is (the coach runs that one then). null until known, or when the registry cannot be
 * asked (then nothing is marked as unreadable).
 */
export function useReadableClasses(): readonly ExpressionClass[] | null {
  const query = useQuery({
    queryKey: ["active-model", "classes"],
    queryFn: async (): Promise<readonly ExpressionClass[] | null> => {
      const lookup = await lookUpActiveModel();
      if (lookup.kind === "none") return ZERO_SHOT_CLASSES;
      return lookup.kind === "active" ? (lookup.model.classes ?? null) : null;
    },
    staleTime: 30_000,
  });
  return query.data ?? null;
}
