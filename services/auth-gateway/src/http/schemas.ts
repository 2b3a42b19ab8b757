import { z } from 'zod';
import { SCOPE_PRESETS } from '@outlook-connect/shared';

export const scopePresetSchema = z.enum(SCOPE_PRESETS as unknown as ['read_only', 'send_only', 'full', 'full_calendar']);

export const idParams = (prefix: string) =>
  z.object({ id: z.string().regex(new RegExp(`^${prefix}_[a-f0-9]{24}$`), `must be a ${prefix}_ id`) });

export const errorBody = z.object({ error: z.string(), message: z.string() }).passthrough();

/** A JSON object answer, documented loosely (its shape is the view function's). */
export const anyObject = z.object({}).passthrough();

export const okJson = <T extends z.ZodType>(schema: T) => ({ 200: schema, 400: errorBody, 401: errorBody, 404: errorBody });
