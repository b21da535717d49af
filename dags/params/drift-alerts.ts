/**
 * The `driftAlerts` param of retraining DAGs: set by the retraining controller on drift-triggered
 * runs (the alerts that caused the retrain): the controller's own alert schema, at most the
 * PENDING_LIMIT alerts one batch can hold.
 */
import { driftAlertSchema, PENDING_LIMIT } from '../../mlops/retrain-policy';

export const driftAlertsParam = driftAlertSchema.array().max(PENDING_LIMIT).optional();
