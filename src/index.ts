/**
 * The app's entry (package.json `main`): importing each module registers its functions with the Functions host.
 */
import './activities';
import './orchestrators';
import './functions/startExperiment';
import './functions/getExperiment';
import './functions/listExperiments';
import './functions/cancelExperiment';
import './functions/planExperiment';
import './functions/scheduledExperiment';
import './functions/report';
import './functions/reportAssets';
