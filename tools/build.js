// npm run build (and npm pack, through prepack): the package's JavaScript and declarations in dist/, from
// tsconfig.build.json, plus the files the components read at deployment (the multi-region API's client site).
"use strict";
const { spawnSync } = require("node:child_process");
const { cpSync, rmSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
/** Files beside the sources that a component reads by path, relative to the root. */
const ASSETS = ["scenarios/multiRegionApi/site"];

rmSync(DIST, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(ROOT, "tsconfig.build.json")], { stdio: "inherit" });
if (tsc.status !== 0) {
    console.error(`error: tsc failed (exit ${tsc.status})`);
    process.exit(1);
}
for (const asset of ASSETS) cpSync(path.join(ROOT, asset), path.join(DIST, asset), { recursive: true });
