import { describe, expect, it } from 'vitest';
import { createValidatorFactory, invalidArguments } from '../../../src/adapter/validate-args.js';

const compile = createValidatorFactory();
const forecast = compile({
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 1 },
    units: { type: 'string', enum: ['metric', 'imperial'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    email: { type: 'string', format: 'email' },
  },
  required: ['city'],
  additionalProperties: false,
});

describe('compiled validators', () => {
  it.each([
    [{ city: 'Lisbon' }, undefined],
    [{}, ['missing required property "city"']],
    [{ city: 'x', days: 9 }, ['"/days" must be <= 7']],
    [{ city: 'x', units: 'kelvin' }, ['"/units" must be one of "metric", "imperial"']],
    [{ city: 3 }, ['"/city" must be of type string']],
    [{ city: 'x', extra: 1 }, ['unknown property "extra": remove it']],
    [{ city: 'x', email: 'not-an-email' }, ['"/email" must match format "email"']],
  ])('%j', (args, want) => {
    const problems = forecast.validate(args);
    expect(problems?.map((p) => p.message)).toEqual(want);
  });

  it('accepts draft-07 schemas with $schema', () => {
    const v = compile({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'number' } }, required: ['n'] });
    expect(v.compileError).toBeUndefined();
    expect(v.validate({ n: 1 })).toBeUndefined();
    expect(v.validate({})).toHaveLength(1);
  });

  it('lets arguments through (and says why) when a schema cannot be compiled', () => {
    const v = compile({ type: 'object', properties: { a: { $ref: '#/nowhere' } } });
    expect(v.compileError).toBeTruthy();
    expect(v.validate({ a: 1 })).toBeUndefined();
  });

  it('builds a 400 a model can act on', () => {
    const e = invalidArguments('get_forecast', forecast.validate({ days: 0 })!);
    expect(e.status).toBe(400);
    expect(e.type).toBe('invalid_arguments');
    expect(e.message).toBe('the arguments for tool "get_forecast" do not match its input schema: missing required property "city"; "/days" must be >= 1');
    expect(e.details).toEqual([
      { path: '/city', message: 'missing required property "city"' },
      { path: '/days', message: '"/days" must be >= 1' },
    ]);
  });
});
