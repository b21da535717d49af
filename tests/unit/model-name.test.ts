/** One model-name rule (core/model-name.ts) for the DAG params, the registry, the controller and the CLI. */
import { describe, expect, it } from 'vitest';
import { isValidModelName } from '../../core/model-name';
import { controllerWorkflowId } from '../../mlops/retrain-policy';
import { modelNameParam } from '../../dags/params/model-name';
import { mlRetrainParams } from '../../dags/ml_retrain';
import { validateModelName } from '../../registry/names';

const GOOD = ['penguins', 'flights_delay.v2', 'A-1', 'x'.repeat(100)];
const BAD = ['', '-x', '.x', 'a..b', 'a/b', 'a b', 'x'.repeat(101)];

describe('model names', () => {
  it('the DAG param, the registry and the controller accept and refuse the same names', () => {
    for (const name of GOOD) {
      expect(isValidModelName(name)).toBe(true);
      expect(modelNameParam.safeParse(name).success).toBe(true);
      expect(validateModelName(name)).toBe(name);
      expect(controllerWorkflowId(name)).toBe(`tideflow-retrain__${name}`);
    }
    for (const name of BAD) {
      expect(isValidModelName(name)).toBe(false);
      expect(modelNameParam.safeParse(name).success).toBe(false);
      expect(() => validateModelName(name)).toThrow(
        `invalid model name ${JSON.stringify(name)}: 1-100 letters, digits, _ . - starting with a letter or digit, no '..'`,
      );
      expect(() => controllerWorkflowId(name)).toThrow(/invalid model name/);
    }
  });

  it("ml_retrain's modelName param uses it, with its default", () => {
    expect(mlRetrainParams.parse({}).modelName).toBe('penguins');
    const r = mlRetrainParams.safeParse({ modelName: 'a..b' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['modelName'],
      message: "invalid model name: 1-100 letters, digits, _ . - starting with a letter or digit, no '..'",
    });
  });
});
