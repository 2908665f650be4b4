import { z } from 'zod';

export const HealthReport = z.object({
  status: z.enum(['ok', 'degraded']),
  temporal: z.enum(['up', 'down']),
});
export type HealthReport = z.infer<typeof HealthReport>;
