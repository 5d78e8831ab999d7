"use client";

import { useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { EXPRESSION_CLASSES, ZERO_SHOT_CLASSES, type ExpressionClass } from "@mien/model";

import { ACTIVE_MODEL_URL } from "../../coach/active-model.ts";

const answer = z.object({ classes: z.array(z.enum(EXPRESSION_CLASSES)) });

/**
 * The expressions the coach's model reads now: the active version's, or the packaged net's seven
 * when none is active. null until known, or when the registry cannot be asked (then nothing is
 * marked as unreadable).
 */
export function useReadableClasses(): readonly ExpressionClass[] | null {
  const query = useQuery({
    queryKey: ["active-model", "classes"],
    queryFn: async (): Promise<readonly ExpressionClass[] | null> => {
      const res = await fetch(ACTIVE_MODEL_URL, { cache: "no-store", headers: { accept: "application/json" } });
      if (res.status === 404) return ZERO_SHOT_CLASSES;
      if (!res.ok) return null;
      const parsed = answer.safeParse(await res.json());
      return parsed.success ? parsed.data.classes : null;
    },
    staleTime: 30_000,
  });
  return query.data ?? null;
}
