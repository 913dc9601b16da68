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
