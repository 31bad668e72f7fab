#!/usr/bin/env bash
# Regenerates the pictures under docs/img that the README shows:
#   demo-timeline.svg           medialife demo --timeline (fixes in)
#   demo-timeline-reverted.svg  the same with hantro-shared-scheduler reverted
#   topology-usbtv.svg          medialife topology --board usbtv --format dot, laid out by Graphviz
# The timelines come from the CLI alone. The DOT graph is laid out by Graphviz compiled to
# WebAssembly (@viz-js/viz from npm), so only Node.js is needed, not a Graphviz install; the
# package goes into a temporary directory and is not part of the build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/img
mkdir -p "$out"
./mvnw -B -ntp -q package -DskipTests -pl medialife-cli -am
jar=medialife-cli/target/medialife.jar
java -jar "$jar" demo --timeline "$out/demo-timeline.svg" >/dev/null
# Exits 1 by design: with the fix reverted the cores collide on the bus.
java -jar "$jar" demo --revert hantro-shared-scheduler \
  --timeline "$out/demo-timeline-reverted.svg" >/dev/null 2>&1 || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
java -jar "$jar" topology --board usbtv --format dot >"$tmp/usbtv.dot"
npm install --silent --no-audit --no-fund --prefix "$tmp" @viz-js/viz@3 >/dev/null
cat >"$tmp/render.mjs" <<'JS'
import { instance } from "@viz-js/viz";
import { readFileSync, writeFileSync } from "node:fs";
const [, , input, output] = process.argv;
const viz = await instance();
writeFileSync(output, viz.renderString(readFileSync(input, "utf8"), { format: "svg", engine: "dot" }));
JS
node "$tmp/render.mjs" "$tmp/usbtv.dot" "$out/topology-usbtv.svg"
echo "pictures written to $out"
