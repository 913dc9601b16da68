#!/usr/bin/env bash
# Checks of the deploy kit that need tools outside Maven (.ci/run installs them):
#   systemd unit: syntax (systemd-analyze verify) and sandboxing (exposure 3.5 or less);
#   Prometheus alert rules: promtool check rules and promtool test rules;
#   Kubernetes manifests: validated against the Kubernetes schemas (deploy/kubernetes/validate).
# The Java tests (mvn verify) check the rest: the unit's example config, the image, every sipscreen_
# series of the dashboard and the rules against a running proxy.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== systemd unit"
systemd-analyze verify deploy/systemd/sipscreen.service
systemd-analyze security --offline=yes --threshold=35 deploy/systemd/sipscreen.service | tail -n 1

echo "== container image (jib, OCI tar; built on 'scratch' here: no registry for the Java base image)"
mvn -B -q -pl proxy/server -am -Pimage package -DskipTests -Dimage.base=scratch
image=$(mktemp -d)
trap 'rm -rf "$image"' EXIT
tar -xf proxy/target/sipscreen-image.tar -C "$image"
node deploy/container/check-image.mjs "$image"
# The image's own config checks OK with the image's lists (records go to the volume).
mkdir -p "$image/root"
for layer in $(node -e 'const fs=require("fs"),d=process.argv[1];
  const idx=JSON.parse(fs.readFileSync(d+"/index.json"));
  const m=JSON.parse(fs.readFileSync(d+"/blobs/"+idx.manifests[0].digest.replace(":","/")));
  for (const l of m.layers) console.log(d+"/blobs/"+l.digest.replace(":","/"));' "$image"); do
  tar --warning=no-unknown-keyword -xzf "$layer" -C "$image/root"
done
java -jar proxy/target/sipscreen.jar check-config "$image/root/etc/sipscreen/sipscreen.yaml" >/dev/null
echo "image config: check-config OK"

echo "== Kubernetes manifests (kubernetes-models schemas, node --test)"
conf=$(mktemp -d)
trap 'rm -rf "$image" "$conf"' EXIT
(cd deploy/kubernetes/validate && npm ci --no-audit --no-fund --loglevel=error \
  && SIPSCREEN_CONFIGMAP_DIR="$conf/conf" npm test --silent)
# The ConfigMap's config with its lists, the image's data files and a token where the Secret goes.
cp -r config/data "$conf/data"
mkdir -p "$conf/secret" && echo "check-token-0123456789abcdef" > "$conf/secret/admin.token"
java -jar proxy/target/sipscreen.jar check-config "$conf/conf/sipscreen.yaml" >/dev/null
echo "ConfigMap config: check-config OK"

echo "== Prometheus alert rules"
promtool check rules deploy/prometheus/sipscreen-rules.yml
promtool test rules deploy/prometheus/sipscreen-rules.test.yml
