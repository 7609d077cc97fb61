/**
 * The JSON Schema every delta file is checked against before it is published (pitfall 103: one bad
 * file blocks a consumer forever). It states what every delta-consumer version needs (http-contracts
 * §8): a top-level array of objects with both `inserts` and `deletes`; every triple with `subject`,
 * `predicate`, `object` and `graph`; `type` uri/literal/typed-literal (never bnode); `value` a string;
 * a literal with `datatype` or `xml:lang`, never both; subject, predicate and graph IRIs.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const iri = {
  type: 'object',
  required: ['type', 'value'],
  additionalProperties: false,
  properties: { type: { const: 'uri' }, value: { type: 'string', minLength: 1 } },
} as const;

const term = {
  oneOf: [
    iri,
    {
      type: 'object',
      required: ['type', 'value'],
      additionalProperties: false,
      properties: { type: { const: 'literal' }, value: { type: 'string' }, datatype: { type: 'string', minLength: 1 }, 'xml:lang': { type: 'string', pattern: '^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$' } },
      not: { required: ['datatype', 'xml:lang'] },
    },
    {
      type: 'object',
      required: ['type', 'value', 'datatype'],
      additionalProperties: false,
      properties: { type: { const: 'typed-literal' }, value: { type: 'string' }, datatype: { type: 'string', minLength: 1 } },
    },
  ],
} as const;

const triple = {
  type: 'object',
  required: ['subject', 'predicate', 'object', 'graph'],
  additionalProperties: false,
  properties: { subject: iri, predicate: iri, object: term, graph: iri },
} as const;

export const DELTA_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/delta-producer-suite/schemas/delta-file.json',
  title: 'Delta file (lblod delta-consumer format)',
  type: 'array',
  items: {
    type: 'object',
    required: ['inserts', 'deletes'],
    additionalProperties: false,
    properties: { inserts: { type: 'array', items: triple }, deletes: { type: 'array', items: triple } },
  },
} as const;

export class DeltaFileSchemaError extends Error {
  override readonly name = 'DeltaFileSchemaError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

let validator: ValidateFunction | undefined;

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`;
}

/** The problems of a parsed delta file; [] when it conforms. */
export function deltaFileProblems(value: unknown): string[] {
  validator ??= new Ajv({ allErrors: false, strict: true, strictRequired: false }).compile(DELTA_FILE_SCHEMA);
  return validator(value) ? [] : (validator.errors ?? []).map(describe);
}

/** Throws DeltaFileSchemaError unless the file's text is JSON that conforms to the schema. */
export function assertDeltaFile(text: string, name: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeltaFileSchemaError(`delta file ${name} is not JSON: ${(error as Error).message}`, ['not JSON']);
  }
  const problems = deltaFileProblems(value);
  if (problems.length > 0) throw new DeltaFileSchemaError(`delta file ${name} does not conform to the delta-file schema: ${problems.join('; ')}`, problems);
}
