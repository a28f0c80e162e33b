/**
 * The app's entry (package.json `main`): registers every function with the Functions host — the activities, the
 * orchestrators, the HTTP routes (one table, `functions/routes.ts`), AzureML's run events (`functions/runEventTrigger.ts`) and the
 * schedule's timer.
 */
import './activities';
import './orchestrators';
import { registerRoutes } from './functions/routes';
import { registerRunEventTrigger } from './functions/runEventTrigger';
import './functions/scheduledExperiment';

registerRoutes();
registerRunEventTrigger();
