import { describe, expect, it } from 'vitest';
import { planJobs, sweepValues } from '../../src/cli/batch/plan';

const sigma = { kind: 'float', default: 0.1, min: 0, max: 1 } as const;
const sweep = (spec: string) => ({ raw: `noisy.sigma=${spec}`, node: 'noisy', param: 'sigma', spec });

describe('batch planning', () => {
  it('start:stop:step includes stop and rounds to the step\'s decimals', () => {
    expect(sweepValues(sweep('0.02:0.12:0.02'), sigma)).toEqual([0.02, 0.04, 0.06, 0.08, 0.1, 0.12]);
    expect(sweepValues(sweep('0:1:0.25'), sigma)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(sweepValues(sweep('0.1:0.1:0.05'), sigma)).toEqual([0.1]);
    expect(sweepValues(sweep('0:0.95:0.1'), sigma)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });

  it('lists take JSON values; each value is checked against the param', () => {
    expect(sweepValues(sweep('0.5, 0.25'), sigma)).toEqual([0.5, 0.25]);
    expect(() => sweepValues(sweep('0.5,abc'), sigma)).toThrow('--sweep noisy.sigma=0.5,abc: node "noisy" param sigma:');
    expect(() => sweepValues(sweep('0.1:0.2:0'), sigma)).toThrow('the step must be above 0');
    expect(() => sweepValues(sweep('0.1:0.2'), sigma)).toThrow('expected v1,v2,… or start:stop:step');
    expect(() => sweepValues(sweep('0.1,0.1'), sigma)).toThrow('a value is listed twice');
  });

  it('jobs: every item × every combination, ids in sweep order, sorted', () => {
    const items = [
      { name: 'cam', files: { load: '/d/cam.png' } },
      { name: 'astro', files: { load: '/d/astro.png' } },
    ];
    const jobs = planJobs(items, [
      { key: 'noisy.sigma', node: 'noisy', param: 'sigma', values: [0.05, 0.1] },
      { key: 'save.name', node: 'save', param: 'name', values: ['a/b'] },
    ]);
    expect(jobs.map((j) => j.id)).toEqual([
      'astro__noisy.sigma=0.05__save.name=a_b',
      'astro__noisy.sigma=0.1__save.name=a_b',
      'cam__noisy.sigma=0.05__save.name=a_b',
      'cam__noisy.sigma=0.1__save.name=a_b',
    ]);
    expect(jobs[0]!.sweep).toEqual([
      ['noisy.sigma', 0.05],
      ['save.name', 'a/b'],
    ]);
  });
});
