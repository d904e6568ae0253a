/**
 * deploy/kubernetes: every object valid against the real Kubernetes schemas (offline), no unknown field, the
 * pieces pointing at each other, and the adapter's part agreeing with the CLI: its flags and environment exist in
 * `serve --help`, and the built CLI started with exactly its arguments answers the probes and drains on SIGTERM.
 */
import { request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, newMark, runCli, startProcess, type ServerProcess } from '../helpers/cli.js';
import { loadManifests, schemaProblems, unknownFieldProblems, type Manifest } from '../helpers/kubernetes.js';
import { leftoverProcesses } from '../helpers/processes.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

const DIR = join(ROOT, 'deploy/kubernetes');
const manifests = loadManifests(DIR);
const mark = newMark();
const started: ServerProcess[] = [];
let redis: RedisServer | undefined;

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await redis?.stop();
  expect(await leftoverProcesses([mark])).toEqual([]);
});

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are plain parsed YAML */
type Obj = Record<string, any>;

function find(kind: string, name: string): Obj {
  const m = manifests.find((x) => x.kind === kind && (x.doc.metadata as Obj | undefined)?.name === name);
  if (!m) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return m.doc;
}

const adapter = find('Deployment', 'mcp-actions');
const container: Obj = adapter.spec.template.spec.containers[0];
const args: string[] = container.args;
const ownArgs = args.slice(0, args.indexOf('--'));
const env: Obj[] = container.env;
const flagValue = (flag: string): string | undefined => ownArgs.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

function broken(where: string, mutate: (doc: Obj) => void): Manifest {
  const original = manifests.find((m) => m.where === where)!;
  const doc = structuredClone(original.doc);
  mutate(doc);
  return { ...original, kind: String(doc.kind), doc };
}

describe('deploy/kubernetes manifests', () => {
  it('hold a Deployment, Service and HPA for the adapter and a Redis, all valid against the Kubernetes schemas', () => {
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind} ${(m.doc.metadata as Obj).name}`).sort()).toEqual([
      'apps/v1 Deployment mcp-actions',
      'apps/v1 Deployment mcp-actions-redis',
      'autoscaling/v2 HorizontalPodAutoscaler mcp-actions',
      'v1 Service mcp-actions',
      'v1 Service mcp-actions-redis',
    ]);
    expect(manifests.flatMap(schemaProblems)).toEqual([]);
    expect(unknownFieldProblems(manifests)).toEqual([]);
  });

  it('a broken manifest fails: wrong type, missing field, unknown kind, misspelt or misplaced field', () => {
    const wrongType = broken('deployment.yaml#0', (d) => (d.spec.template.spec.containers[0].ports[0].containerPort = 'http'));
    expect(schemaProblems(wrongType).join()).toMatch(/containerPort must be integer/);
    const missing = broken('service.yaml#0', (d) => delete d.spec.ports[0].port);
    expect(schemaProblems(missing).join()).toMatch(/must have required property port/);
    const badQuantity = broken('deployment.yaml#0', (d) => (d.spec.template.spec.containers[0].resources.limits.memory = '512 MB'));
    expect(schemaProblems(badQuantity).join()).toMatch(/must match format "quantity"/);
    const unknownKind = broken('hpa.yaml#0', (d) => (d.kind = 'HorizontalPodAutoscalor'));
    expect(schemaProblems(unknownKind).join()).toMatch(/no Kubernetes schema for apiVersion "autoscaling\/v2", kind "HorizontalPodAutoscalor"/);
    // valid for the generated schemas (they allow extra properties), refused by the API server's strict field validation
    const misspelt = broken('deployment.yaml#0', (d) => {
      const c = d.spec.template.spec.containers[0];
      c.livenessprobe = c.livenessProbe;
      delete c.livenessProbe;
    });
    const misplaced = broken('redis.yaml#0', (d) => (d.spec.template.spec.runAsNonRoot = true));
    expect(schemaProblems(misspelt)).toEqual([]);
    const problems = unknownFieldProblems([misspelt, misplaced]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^deployment\.yaml#0: .*livenessprobe"?' does not exist in type '\w*Container'/);
    expect(problems[1]).toMatch(/^redis\.yaml#0: .*runAsNonRoot"?' does not exist in type '\w*PodSpec'/);
  });

  it('kustomization.yaml lists every manifest file', () => {
    const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as Obj;
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.images[0].name).toBe(container.image);
  });

  it('the pieces point at each other: selectors, named ports, the HPA target, the Redis URL, the Secret', () => {
    const podLabels: Obj = adapter.spec.template.metadata.labels;
    const service = find('Service', 'mcp-actions');
    for (const [k, v] of Object.entries(service.spec.selector as Obj)) expect(podLabels[k]).toBe(v);
    expect(adapter.spec.selector.matchLabels).toEqual(service.spec.selector);
    const portNames = (container.ports as Obj[]).map((p) => p.name);
    expect(portNames).toContain(service.spec.ports[0].targetPort);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(portNames).toContain(container[probe].httpGet.port);
    expect(flagValue('--port')).toBe(String(container.ports[0].containerPort));
    // the Service's name is a Host the adapter accepts (in-cluster callers)
    expect(ownArgs).toContain(`--allowed-host=${service.metadata.name}`);

    const hpa = find('HorizontalPodAutoscaler', 'mcp-actions');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'mcp-actions' });
    expect(adapter.spec.replicas).toBeUndefined(); // the HPA owns the count
    expect(container.resources.requests.cpu).toBeDefined(); // CPU utilisation needs a request

    const redisUrl = new URL(env.find((e) => e.name === 'MCP_ACTIONS_REDIS_URL')!.value);
    const redisService = find('Service', redisUrl.hostname);
    expect(String(redisService.spec.ports[0].port)).toBe(redisUrl.port);
    const redis = find('Deployment', 'mcp-actions-redis');
    for (const [k, v] of Object.entries(redisService.spec.selector as Obj)) expect(redis.spec.template.metadata.labels[k]).toBe(v);

    // the secret comes from a Secret, through the variable --api-key-env names (default MCP_ACTIONS_API_KEY)
    const keyEnv = env.find((e) => e.name === (flagValue('--api-key-env') ?? 'MCP_ACTIONS_API_KEY'))!;
    expect(keyEnv.valueFrom.secretKeyRef).toEqual({ name: 'mcp-actions', key: 'api-key' });
    expect(ownArgs.some((a) => /^--auth=(api-key|bearer|basic)$/.test(a))).toBe(true);
  });

  it('non-root everywhere, and the grace period covers preStop + --drain-timeout + stopping the MCP server', () => {
    for (const name of ['mcp-actions', 'mcp-actions-redis']) {
      const spec = find('Deployment', name).spec.template.spec;
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of spec.containers as Obj[]) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(c.resources.limits.memory).toBeDefined();
      }
    }
    const grace = adapter.spec.template.spec.terminationGracePeriodSeconds as number;
    const preStop = container.lifecycle.preStop.sleep.seconds as number;
    const drain = Number(flagValue('--drain-timeout')) / 1000;
    // serve stops its MCP server after the drain: stdin closed, SIGTERM after 2 s, SIGKILL after 2 s more
    expect(grace).toBeGreaterThanOrEqual(preStop + drain + 4);
  });

  it('agree with the image (deploy/image/Dockerfile): user, port, health path, entrypoint', () => {
    // continuation lines joined; the last instruction of each name (the final stage's)
    const dockerfile = readFileSync(join(ROOT, 'deploy/image/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
    const instruction = (name: string) => [...dockerfile.matchAll(new RegExp(`^${name} (.+)$`, 'gm'))].map((m) => m[1]!).at(-1)!;
    expect(instruction('USER')).toBe(`${adapter.spec.template.spec.securityContext.runAsUser}:${adapter.spec.template.spec.securityContext.runAsGroup}`);
    expect(instruction('EXPOSE')).toBe(String(container.ports[0].containerPort));
    expect(instruction('HEALTHCHECK')).toContain(`http://127.0.0.1:${container.ports[0].containerPort}${container.livenessProbe.httpGet.path}'`);
    // the Deployment's args replace the image's CMD and follow its ENTRYPOINT, which runs the CLI
    expect(JSON.parse(instruction('ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--', 'node', '/app/dist/cli.js']);
    expect(JSON.parse(instruction('CMD'))[0]).toBe(args[0]);
    expect(instruction('WORKDIR')).toBe('/app'); // where fixtures/servers/demo.mjs, the args' server, is found
  });

  it('every flag and environment variable the adapter is given exists in `serve --help`', async () => {
    const help = await runCli(['serve', '--help'], { mark, killAfterMs: 20_000 });
    expect(help.code).toBe(0);
    const flags = ownArgs.slice(1).map((a) => a.split('=')[0]!);
    expect(ownArgs[0]).toBe('serve');
    for (const flag of flags) expect(help.stdout, flag).toMatch(new RegExp(`(^|[\\s,])${flag}[\\s<]`, 'm'));
    for (const name of env.map((e) => e.name as string)) expect(help.stdout, name).toContain(name);
  });

  it('the built CLI, started with the Deployment\'s arguments and environment, answers both probe paths and drains on SIGTERM', async () => {
    // as in the pod, but on loopback and a free port
    const local = args.map((a) => (a.startsWith('--host=') ? '--host=127.0.0.1' : a.startsWith('--port=') ? '--port=0' : a));
    const i = local.indexOf('--');
    local.splice(i + 1, 1, process.execPath); // `node` of the image: the node running this test
    const token = 'deploy-test-token';
    // the Deployment's environment, its Redis being a real redis-server on this machine
    redis = await startRedis({ mark });
    const redisUrl = new URL(env.find((e) => e.name === 'MCP_ACTIONS_REDIS_URL')!.value);
    redisUrl.host = new URL(redis.url).host;
    const podEnv = { MCP_ACTIONS_API_KEY: token, MCP_ACTIONS_REDIS_URL: redisUrl.href };
    expect(Object.keys(podEnv).sort()).toEqual(env.map((e) => e.name).sort());
    const proc = startProcess([process.execPath, join(ROOT, 'dist/cli.js'), ...local], { mark, env: podEnv });
    started.push(proc);
    const base = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${proc.output()}`)), 20_000);
      proc.child.stdout!.on('data', () => {
        const m = /^http:\/\/127\.0\.0\.1:\d+/m.exec(proc.output());
        if (m) (clearTimeout(timer), resolve(new URL(m[0])));
      });
      proc.child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`serve exited (${code}): ${proc.output()}`))));
    });
    // the kubelet probes the pod IP: the Host is an address, which serve always accepts
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const res = await send(base, container[probe].httpGet.path, base.host);
      expect(res.status, `${probe} ${container[probe].httpGet.path}`).toBe(200);
    }
    // shared state in that Redis, as MCP_ACTIONS_REDIS_URL says
    expect(JSON.parse((await send(base, '/readyz', base.host)).body)).toMatchObject({ status: 'ready', redis: 'up' });
    // a caller inside the cluster, through the Service's name, with the secret
    const call = await send(base, '/tools/add', 'mcp-actions', { authorization: `Bearer ${token}`, body: '{"a": 2, "b": 3}' });
    expect(call).toEqual({ status: 200, body: '{"result":"5"}' });
    expect((await send(base, '/tools/add', 'mcp-actions', { body: '{"a": 2, "b": 3}' })).status).toBe(401);
    expect((await send(base, '/readyz', 'mcp-actions.attacker.example')).status).toBe(403);

    const exit = new Promise<number | null>((r) => proc.child.once('exit', (code) => r(code)));
    proc.child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

/** GET, or POST when there is a body, with the Host header a given caller would send. */
function send(base: URL, path: string, host: string, opts: { authorization?: string; body?: string } = {}): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { host };
  if (opts.authorization) headers.authorization = opts.authorization;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const method = opts.body === undefined ? 'GET' : 'POST';
    const req = request({ host: base.hostname, port: base.port, path, method, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
