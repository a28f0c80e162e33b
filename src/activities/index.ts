/**
 * Registers every activity with the Functions host (the app entry imports this module). Each module exports
 * its plain function `(input, deps)` too, for tests and reuse.
 */
import './syncSecrets';
import './ensureCompute';
import './registerComponents';
import './stageConfig';
import './submitPipeline';
import './getPipelineStatus';
import './cancelPipeline';
import './diagnoseFailure';
import './fetchMetrics';
