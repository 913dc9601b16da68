// Checks the OCI image that jib wrote (extracted into the directory given): a non-root user, the JVM flags
// of deploy/jvm.options, the config path, and the files the proxy needs, in its layers.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const dir = process.argv[2];
const blob = (digest) => `${dir}/blobs/${digest.replace(':', '/')}`;
const index = JSON.parse(fs.readFileSync(`${dir}/index.json`));
const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest)));
const config = JSON.parse(fs.readFileSync(blob(manifest.config.digest))).config;
const files = new Set(manifest.layers.flatMap((l) =>
  execFileSync('tar', ['--warning=no-unknown-keyword', '-tzf', blob(l.digest)], { encoding: 'utf8' }).split('\n')
    .map((f) => f.replace(/^\.?\//, ''))));

const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };
const [uid] = (config.User || '').split(':');
expect(uid !== '' && uid !== '0' && uid !== 'root', `runs as a non-root user (User is '${config.User}')`);
expect(JSON.stringify(config.Entrypoint.slice(0, 2)) === '["java","@/app/jvm.options"]',
  `entrypoint starts java with @/app/jvm.options (${config.Entrypoint})`);
expect(JSON.stringify(config.Cmd) === '["--config","/etc/sipscreen/sipscreen.yaml"]',
  `arguments name the config (${config.Cmd})`);
for (const p of ['5060/udp', '5060/tcp', '8080/tcp']) {
  expect(config.ExposedPorts && p in config.ExposedPorts, `exposes ${p}`);
}
expect(config.Volumes && '/var/lib/sipscreen/records' in config.Volumes, 'records are a volume');
for (const f of ['app/jvm.options', 'app/jib-classpath-file', 'app/classes/org/sipscreen/cli/Main.class',
  'etc/sipscreen/sipscreen.yaml', 'etc/sipscreen/lists/block.txt', 'etc/sipscreen/data/nanp-npa.txt']) {
  expect(files.has(f), `the image holds /${f}`);
}
expect([...files].some((f) => f.startsWith('app/libs/netty-transport-native-epoll')),
  'the image holds the native epoll transport');
if (failures.length) {
  console.error(`image: ${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`image: user ${config.User}, ${manifest.layers.length} layers, ${files.size} files: OK`);
