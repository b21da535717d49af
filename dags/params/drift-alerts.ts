/** The `driftAlerts` param of retraining DAGs: set by the retraining controller on drift-triggered runs (the alerts that caused the retrain). */
import { z } from 'zod';

export const driftAlertsParam = z
  .array(
    z.object({
      fingerprint: z.string(),
      reason: z.string(),
      source: z.string(),
      labels: z.record(z.string(), z.string()).optional(),
      receivedAt: z.string().optional(),
    }),
  )
  .max(100)
  .optional();
