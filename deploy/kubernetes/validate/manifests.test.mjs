// Validates every manifest in deploy/kubernetes against the Kubernetes API schemas (kubernetes-models),
// then checks what sipscreen needs of them. Run: npm ci && npm test (deploy/check.sh does).
// With SIPSCREEN_CONFIGMAP_DIR set, the ConfigMap's files are written there (check.sh runs check-config).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..');
const docs = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) =>
  parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => {
    assert.equal(d.errors.length, 0, `${f}: ${d.errors.join('; ')}`);
    return { file: f, obj: d.toJS() };
  })).filter((d) => d.obj);
const byKind = (kind) => docs.filter((d) => d.obj.kind === kind).map((d) => d.obj);

/** The kubernetes-models class of an apiVersion and kind, e.g. apps/v1 DaemonSet. */
async function model(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
  return module[kind] ?? module.default;
}

test('every manifest is valid against the Kubernetes schema of its kind', async () => {
  assert.ok(docs.length >= 3, `found ${docs.length} manifests`);
  for (const { file, obj } of docs) {
    const Klass = await model(obj.apiVersion, obj.kind);
    assert.ok(Klass, `${file}: no schema for ${obj.apiVersion} ${obj.kind}`);
    assert.doesNotThrow(() => new Klass(obj).validate(), `${file}: ${obj.kind} ${obj.metadata?.name}`);
  }
});

test('a wrong value or a missing required field fails validation (the validator is not a no-op)', async () => {
  const DaemonSet = await model('apps/v1', 'DaemonSet');
  const bad = structuredClone(byKind('DaemonSet')[0]);
  bad.spec.template.spec.containers[0].ports[0].protocol = 'SCTPX';
  assert.throws(() => new DaemonSet(bad).validate());
  const missing = structuredClone(byKind('DaemonSet')[0]);
  delete missing.spec.template.spec.containers[0].name;
  assert.throws(() => new DaemonSet(missing).validate());
});

const pod = () => byKind('DaemonSet')[0].spec.template;
const container = () => pod().spec.containers[0];

test('SIP over UDP and TCP on the host network', () => {
  assert.equal(pod().spec.hostNetwork, true);
  const sip = container().ports.filter((p) => p.containerPort === 5060);
  assert.deepEqual(sip.map((p) => p.protocol).sort(), ['TCP', 'UDP']);
  for (const p of sip) assert.equal(p.hostPort, 5060);
});

test('readiness asks /readyz, liveness /healthz, on the HTTP port of the config', () => {
  assert.equal(container().readinessProbe.httpGet.path, '/readyz');
  assert.equal(container().livenessProbe.httpGet.path, '/healthz');
  const http = container().ports.find((p) => p.name === container().readinessProbe.httpGet.port);
  assert.equal(http.containerPort, 8080);
  assert.match(configMapFiles()['sipscreen.yaml'], /^http:\n {2}address: 0\.0\.0\.0\s.*\n {2}port: 8080/m);
});

test('resources are requested, memory is limited, and Prometheus scrapes the pod', () => {
  assert.ok(container().resources.requests.cpu);
  assert.ok(container().resources.requests.memory);
  assert.ok(container().resources.limits.memory);
  const a = pod().metadata.annotations;
  assert.equal(a['prometheus.io/scrape'], 'true');
  assert.equal(a['prometheus.io/port'], '8080');
});

test('non-root, read-only root filesystem, no capabilities', () => {
  assert.equal(pod().spec.securityContext.runAsNonRoot, true);
  assert.notEqual(pod().spec.securityContext.runAsUser, 0);
  assert.equal(container().securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(container().securityContext.capabilities.drop, ['ALL']);
  const mounts = container().volumeMounts.map((m) => m.mountPath);
  assert.ok(mounts.includes('/var/lib/sipscreen/records') && mounts.includes('/tmp'), mounts.join(' '));
});

test('the config the container is started with is in the ConfigMap', () => {
  const args = container().args;
  const config = args[args.indexOf('--config') + 1];
  const mount = container().volumeMounts.find((m) => config.startsWith(m.mountPath + '/'));
  assert.ok(mount, `a volume is mounted above ${config}`);
  const volume = pod().spec.volumes.find((v) => v.name === mount.name);
  assert.equal(volume.configMap.name, byKind('ConfigMap')[0].metadata.name);
  assert.ok(path.basename(config) in configMapFiles());
});

function configMapFiles() {
  return byKind('ConfigMap')[0].data;
}

if (process.env.SIPSCREEN_CONFIGMAP_DIR) {
  const out = process.env.SIPSCREEN_CONFIGMAP_DIR;
  fs.mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(configMapFiles())) fs.writeFileSync(path.join(out, name), text);
}
