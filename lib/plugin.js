// The plugin's entry point, package.json's `main`: the Pulumi CLI starts a source-based component package by loading
// its directory, and Node.js loads a directory through `main` (a program's `require("aws-blueprints")` goes through
// `exports` instead). A checkout from git has no dist/ until it is built, so the first start builds it.
"use strict";
const { existsSync } = require("node:fs");
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const built = path.join(root, "dist", "lib", "provider.js");
if (!existsSync(built)) {
    const build = spawnSync(process.execPath, [path.join(root, "tools", "build.js")], { cwd: root, stdio: ["ignore", 2, 2] });
    if (build.status !== 0) throw new Error(`building ${built} failed (exit ${build.status}); run npm install and npm run build in ${root}`);
}
require(built).serve(process.argv.slice(2));
