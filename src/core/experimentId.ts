/**
 * Experiment ids: what `POST /api/experiments` generates and the routes accept. A module of its own, so that the
 * settings may check ids without importing the experiment's types.
 */
export const EXPERIMENT_ID_PATTERN = /^exp-[a-z0-9-]{1,60}$/;
