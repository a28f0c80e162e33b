/** Registers the orchestrators with the Functions host (the modules themselves only export them, for tests). */
import * as df from 'durable-functions';
import { monitorPipeline } from './monitorPipeline';
import { ORCHESTRATION } from './names';
import { runExperiment } from './runExperiment';

df.app.orchestration(ORCHESTRATION.runExperiment, runExperiment);
df.app.orchestration(ORCHESTRATION.monitorPipeline, monitorPipeline);
