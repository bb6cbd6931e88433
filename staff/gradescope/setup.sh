#!/usr/bin/env bash
# Gradescope runs this once while building the autograder image (Ubuntu, as root), with the package
# unzipped in /autograder/source: install the Node.js the project is tested with, then the locked
# dependencies. tfjs-node is optional: where its native binary does not install, grading uses wasm.
set -euo pipefail

NODE_VERSION=20.20.2
apt-get update
# bubblewrap: the candidate's sandbox where the container allows namespaces (else the uid fallback)
apt-get install -y --no-install-recommends ca-certificates curl xz-utils bubblewrap
curl -fsSL "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz" |
  tar -xJ -C /usr/local --strip-components=1
node --version

cd /autograder/source
npm ci --no-audit --no-fund
chmod +x run_autograder
