import { z } from "zod";
import { apiKeyIdSchema } from "./ids";
import { storedText } from "./text";

export const createApiKeyInput = z.object({
  name: storedText().trim().min(1, "Name the service that will use the key").max(80),
  role: z.enum(["member", "admin"]).default("member"),
});

export const revokeApiKeyInput = z.object({ id: apiKeyIdSchema });
