import { userProcedure } from "../trpc.ts";

/** The signed-in account, as the web header shows it. */
export const me = userProcedure.query(({ ctx }) => {
  const { id, email, name, role } = ctx.session.user;
  return { id, email, name, role };
});
