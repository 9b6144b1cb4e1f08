import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Bad input never answers 5xx (issue #11): every operation of the OpenAPI document, signed in as
 * HQ admin, gets malformed requests — wrong types, missing and unknown fields, NUL characters,
 * deep nesting, huge strings and arrays, bad decimals and ids, in the body, the query and the path.
 * Every answer must be below 500 and carry the error body's stable code. Bounded: a fixed set of
 * mutations per operation, sent 8 at a time. The field names of each operation's body and query come
 * from its DTO's validation rules (the test app is compiled without the swagger CLI plugin, so its
 * OpenAPI names the operations but not every DTO field).
 */
type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema; required?: string[]; enum?: unknown[]; format?: string; allOf?: Schema[] };
interface Operation {
  method: string;
  path: string;
  body?: Schema;
  query: { name: string; schema?: Schema }[];
  dto: { body: string[]; query: string[] };
}

const NUL = 'a\u0000b';
/** fields most of our bodies have, for operations whose OpenAPI body names no properties */
const COMMON_FIELDS = ['name', 'code', 'qty', 'amount', 'dealerId', 'lines', 'businessDate', 'version'];
const UUID = '00000000-0000-4000-8000-000000000000';
/** calls that would end the admin's own session or change its password: left out */
const SKIP = [/^POST \/api\/auth\/(logout|change-password|refresh)/];

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** A value of the right shape (so the mutations below reach past the first validation error). */
function sample(s: Schema | undefined, resolve: (s: Schema) => Schema, depth = 0): unknown {
  if (!s || depth > 4) return null;
  const r = resolve(s);
  if (r.enum?.length) return r.enum[0];
  switch (r.type) {
    case 'object':
      return Object.fromEntries(Object.entries(r.properties ?? {}).map(([k, v]) => [k, sample(v, resolve, depth + 1)]));
    case 'array':
      return [sample(r.items, resolve, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return r.format === 'uuid' ? UUID : 'x';
  }
}

/** `METHOD /api/path/{param}` -> the validated field names of the route's body and query DTOs. */
function dtoFields(app: TestApp['app']): Map<string, { body: string[]; query: string[] }> {
  const storage = getMetadataStorage();
  const fieldsOf = (dto: unknown) =>
    typeof dto === 'function' && dto !== Object && dto !== String ? [...new Set(storage.getTargetValidationMetadatas(dto as new () => object, '', true, false).map((m) => m.propertyName))] : [];
  const out = new Map<string, { body: string[]; query: string[] }>();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as (new () => object) | undefined;
      if (!cls) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, cls) ?? '');
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = (cls.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
        const route = `/api/${[base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/').replace(/\/$/, '').replace(/:(\w+)/g, '{$1}');
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) ?? {}) as Record<string, { index: number }>;
        const types = (Reflect.getMetadata('design:paramtypes', cls.prototype, name) ?? []) as unknown[];
        const of = (kind: RouteParamtypes) => Object.entries(args).filter(([k]) => k.split(':')[0] === String(kind)).flatMap(([, a]) => fieldsOf(types[a.index]));
        out.set(`${method} ${route}`, { body: of(RouteParamtypes.BODY), query: of(RouteParamtypes.QUERY) });
      }
    }
  }
  return out;
}

/** The malformed variants of a body. */
function bodies(s: Schema | undefined, resolve: (s: Schema) => Schema, dtoBody: string[]): unknown[] {
  const base = (sample(s, resolve) ?? {}) as Record<string, unknown>;
  for (const f of dtoBody) if (!(f in base)) base[f] = 'x';
  const out: unknown[] = [{}, { ...base, unknownField: 1 }, [], 'text', 42, null, nested(1500), nested(40), { ...base, [NUL]: 1 }];
  const known = [...new Set([...(s ? Object.keys(resolve(s).properties ?? {}) : []), ...dtoBody])];
  const fields = known.length ? known : COMMON_FIELDS;
  for (const k of fields) for (const bad of [NUL, 123, {}, null, '1e999', 'not-a-uuid']) out.push({ ...base, [k]: bad });
  // the heavy ones once per operation
  out.push({ ...base, [fields[0]]: 'x'.repeat(100_000) }, { ...base, [fields[0]]: Array.from({ length: 5000 }, () => 'x') }, { ...base, [fields[0]]: '99999999999999999999.99' });
  return out;
}

describe('fuzz: malformed requests to every operation answer 4xx, never 5xx', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await bootTestApp();
    token = await t.token('admin');
  }, 120_000);
  afterAll(() => t?.close());

  it('every operation of /api/docs-json', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
      components?: { schemas?: Record<string, Schema> };
    };
    const resolve = (s: Schema): Schema => {
      if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {});
      if (s.allOf?.length) return resolve(s.allOf[0]);
      return s;
    };
    const dtos = dtoFields(t.app);
    const ops: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (SKIP.some((re) => re.test(name))) continue;
        const dto = dtos.get(`${method} ${path}`) ?? { body: [], query: [] };
        const query = (op.parameters ?? []).filter((p) => p.in === 'query');
        for (const name of dto.query) if (!query.some((q) => q.name === name)) query.push({ in: 'query', name });
        ops.push({ method, path, body: op.requestBody?.content?.['application/json']?.schema, query, dto });
      }
    }
    expect(ops.length).toBeGreaterThan(100);
    // the DTO lookup found the validated fields of most writing operations (else the mutations would stop at the first unknown field)
    expect(ops.filter((o) => o.dto.body.length).length).toBeGreaterThan(50);

    const requests: { method: string; url: string; body?: unknown; label: string }[] = [];
    for (const op of ops) {
      const withIds = (v: string) => op.path.replace(/\{[^}]+\}/g, v);
      for (const id of [UUID, 'not-a-uuid', encodeURIComponent(NUL), '1'.repeat(300)]) requests.push({ method: op.method, url: withIds(id), label: `path ${id.slice(0, 12)}` });
      const url = withIds(UUID);
      for (const q of op.query) {
        for (const bad of [NUL, '-1', 'abc', '1e999', '2026-02-30']) {
          requests.push({ method: op.method, url: `${url}?${encodeURIComponent(q.name)}=${encodeURIComponent(bad)}`, label: `query ${q.name}=${bad.slice(0, 10)}` });
        }
      }
      for (const q of ['page=0', 'pageSize=100000', 'sort=-nope', 'q=%25_%5C', 'page=abc', `q=${'x'.repeat(10_000)}`]) requests.push({ method: op.method, url: `${url}?${q}`, label: `query ${q}` });
      if (['post', 'put', 'patch'].includes(op.method)) {
        for (const body of bodies(op.body, resolve, op.dto.body)) requests.push({ method: op.method, url, body, label: 'body' });
        requests.push({ method: op.method, url, body: '{"a":', label: 'broken json' });
      }
    }
    expect(requests.length).toBeGreaterThanOrEqual(5000);

    const failures: string[] = [];
    const send = async (r: (typeof requests)[number]) => {
      let req = (t.http as unknown as Record<string, (u: string) => import('supertest').Test>)[r.method](r.url).set(bearer(token));
      if (r.body !== undefined) req = req.set('Content-Type', 'application/json').send(r.label === 'broken json' ? (r.body as string) : JSON.stringify(r.body));
      const res = await req;
      if (res.status >= 500 || (res.status >= 400 && typeof res.body?.code !== 'string')) failures.push(`${r.method.toUpperCase()} ${r.url.slice(0, 120)} [${r.label}] -> ${res.status} ${res.body?.code ?? ''}`);
      // a call that ended the admin's session (none should): sign in again so the rest still reach their routes
      if (res.status === 401) token = await t.token('admin');
    };
    const started = Date.now();
    for (let i = 0; i < requests.length; i += 8) await Promise.all(requests.slice(i, i + 8).map(send));
    console.log(`fuzz: ${requests.length} requests over ${ops.length} operations in ${Math.round((Date.now() - started) / 1000)} s, ${failures.length} failures`);
    expect(failures.slice(0, 40)).toEqual([]);
  }, 900_000); // about a minute alone; ten times that beside other suites on a loaded 2-core machine (CI once took over 300 s)
});
