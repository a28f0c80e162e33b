import { COMPONENT_NAME_PATTERN, COMPONENT_NAMES } from '../../src/core/components';
import { stepOfRun } from '../../src/core/steps';

describe('component names', () => {
  it('follow AzureML component naming (lower-case letters, digits, "_"; a letter first)', () => {
    for (const name of Object.values(COMPONENT_NAMES)) expect(name).toMatch(COMPONENT_NAME_PATTERN);
    for (const bad of ['rag-accelerator-index', 'Rag_index', '_index', '1index', 'a'.repeat(256)]) {
      expect(bad).not.toMatch(COMPONENT_NAME_PATTERN);
    }
  });

  it('name the step of a run, and the hyphenated names of jobs submitted before still do', () => {
    expect(stepOfRun({ name: 'rag_accelerator_index' })).toBe('index');
    expect(stepOfRun({ properties: { 'azureml.moduleName': 'rag_accelerator_eval' } })).toBe('eval');
    expect(stepOfRun({ name: 'rag-accelerator-query' })).toBe('query');
    expect(stepOfRun({ properties: { 'azureml.moduleName': 'rag-accelerator-eval' } })).toBe('eval');
    expect(stepOfRun({ name: 'rag_accelerator-index' })).toBeUndefined();
    expect(stepOfRun({ name: 'other_component' })).toBeUndefined();
  });
});
