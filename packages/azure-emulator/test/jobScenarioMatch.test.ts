/** Which scenario a new job gets: by its name (substring or RegExp) or by its tags; the latest match wins. */
import { createScenarioState } from '../src/scenario';

describe('job scenarios matched by name or tags', () => {
  it('takes the latest matching scenario, a tag match included', () => {
    const s = createScenarioState();
    s.setDefaultJobScenario({ queueSeconds: 1 });
    s.setJobScenario(/^e2e-ce/, { metrics: { fuzzy_score: 71 } });
    s.setJobScenario({ tags: { 'rag-orchestrator.index-name': 'idx-b' } }, { metrics: { fuzzy_score: 50 } });
    s.setJobScenario(
      { tags: { run: /^exp-2/, 'rag-orchestrator.index-name': 'idx-a' } },
      { metrics: { fuzzy_score: 1 } },
    );
    expect(s.scenarioFor('e2e-ce-1', { 'rag-orchestrator.index-name': 'idx-a' }).metrics).toEqual({ fuzzy_score: 71 });
    expect(s.scenarioFor('e2e-ce-2', { 'rag-orchestrator.index-name': 'idx-b' }).metrics).toEqual({ fuzzy_score: 50 });
    expect(s.scenarioFor('e2e-ce-3', { run: 'exp-2x', 'rag-orchestrator.index-name': 'idx-a' }).metrics).toEqual({
      fuzzy_score: 1,
    });
    expect(s.scenarioFor('other')).toEqual({ queueSeconds: 1 });
  });
});
