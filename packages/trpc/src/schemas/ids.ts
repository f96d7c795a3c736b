import { z } from "zod";

// Every table's id is a Postgres `serial`: a positive int4.
const serialId = () => z.coerce.number().int().positive().max(2_147_483_647);

/** One schema per kind of row, so an input names what its id points to. */
export const userIdSchema = serialId();
export const postIdSchema = serialId();
export const tagIdSchema = serialId();
export const mediaIdSchema = serialId();
export const apiKeyIdSchema = serialId();
export const reportIdSchema = serialId();
/** Emails are many more than the rest (a `bigint` identity): any id JavaScript holds exactly. */
export const emailIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
