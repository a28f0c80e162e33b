/** Orchestration and event names shared by orchestrators, triggers and the cancel activity. */
export const ORCHESTRATION = {
  runExperiment: 'runExperiment',
  monitorPipeline: 'monitorPipeline',
} as const;

/** External event that asks an experiment, or one of its pipelines, to cancel. */
export const CANCEL_EVENT = 'cancel';

/** External event a monitorPipeline raises on its experiment when it ends; the payload is its PipelineResult. */
export const PIPELINE_FINISHED_EVENT = 'pipelineFinished';
