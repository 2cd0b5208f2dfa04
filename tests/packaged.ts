// The package as another program gets it: `npm pack` of this repository, installed into a fresh program in a
// temporary directory outside the tree. Packing builds dist/ (tsc, tens of seconds), so the tarball is kept in
// node_modules/.cache/aws-blueprints/ under a hash of everything that goes into it and made again only when that
// changes; the install runs once per test process (`installedPackage()` shares it) and takes a few seconds, offline:
// the package's own dependencies come from npm's cache, and the consumer's @pulumi packages (the peers) are links to
// this repository's copies, as a program's own installed SDK would be: one SDK instance, so the test mocks apply.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ROOT } from "../engine/evaluate";

const CACHE = path.join(ROOT, "node_modules", ".cache", "aws-blueprints", "package");
const MANIFEST = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    files: string[];
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
};
/** What the tarball is made from besides the files it lists: the build's inputs. */
const BUILD_INPUTS = ["package.json", "tsconfig.json", "tsconfig.build.json", "tools/build.js", "lib", "components", "scenarios", "handlers"];

function filesUnder(entry: string): string[] {
    const full = path.join(ROOT, entry);
    if (!existsSync(full)) return [];
    if (!statSync(full).isDirectory()) return [entry];
    return readdirSync(full)
        .sort()
        .flatMap((e) => filesUnder(path.join(entry, e)));
}

/** A hash of every file the tarball is built from. */
function sourceHash(): string {
    const hash = createHash("sha256");
    const entries = [...new Set([...BUILD_INPUTS, ...MANIFEST.files.filter((f) => !f.startsWith("dist"))])].sort();
    for (const file of entries.flatMap(filesUnder)) hash.update(`${file}\0`).update(readFileSync(path.join(ROOT, file)));
    return hash.digest("hex").slice(0, 16);
}

function run(command: string, args: readonly string[], cwd: string): string {
    const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false" } });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
}

/** The packed tarball of the current sources: made by `npm pack` (which builds through prepack), or the cached one. */
export function packedTarball(): string {
    const dir = path.join(CACHE, sourceHash());
    const tarball = path.join(dir, `${MANIFEST.name}-${MANIFEST.version}.tgz`);
    if (!existsSync(tarball)) {
        mkdirSync(dir, { recursive: true });
        run("npm", ["pack", "--pack-destination", dir, "--silent"], ROOT);
    }
    return tarball;
}

export interface InstalledPackage {
    readonly tarball: string;
    /** The consumer program's directory (its package.json and node_modules). */
    readonly consumer: string;
    /** Where the package is installed: `<consumer>/node_modules/aws-blueprints`. */
    readonly root: string;
}

/** The peers the consumer links to this repository's copies. */
const PEERS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/awsx"];
/** The package's dependencies and the platform packages of sharp installed here, with their own dependencies. */
const LINKED = [...Object.keys(MANIFEST.dependencies), ...Object.keys(MANIFEST.peerDependencies).filter((p) => !PEERS.includes(p)), "@img/colour", "detect-libc", "semver", ...readdirSync(path.join(ROOT, "node_modules", "@img")).filter((p) => p.startsWith("sharp-")).map((p) => `@img/${p}`)];

function install(): InstalledPackage {
    const tarball = packedTarball();
    const consumer = mkdtempSync(path.join(tmpdir(), "aws-blueprints-consumer-"));
    // Shared by every test file of the process, so it goes when the process does.
    process.once("exit", () => rmSync(consumer, { recursive: true, force: true }));
    const dependencies: Record<string, string> = { [MANIFEST.name]: `file:${tarball}` };
    // The package's own dependencies at exactly this repository's versions, linked: offline and deterministic (npm's
    // cache holds their tarballs but not the registry metadata a range needs). The package finds them where Node.js
    // would, in the consumer's node_modules.
    for (const dependency of LINKED) dependencies[dependency] = `file:${path.join(ROOT, "node_modules", dependency)}`;
    writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }, null, 2));
    // The peers are the consumer's own (linked below), so npm is told not to install them.
    run("npm", ["install", "--offline", "--ignore-scripts", "--no-package-lock", "--legacy-peer-deps", "--loglevel=error"], consumer);
    mkdirSync(path.join(consumer, "node_modules", "@pulumi"), { recursive: true });
    for (const peer of PEERS) symlinkSync(path.join(ROOT, "node_modules", peer), path.join(consumer, "node_modules", peer), "dir");
    return { tarball, consumer, root: path.join(consumer, "node_modules", MANIFEST.name) };
}

let installed: InstalledPackage | undefined;

/** The package packed and installed into a fresh consumer program, once per test process. */
export function installedPackage(): InstalledPackage {
    installed ??= install();
    return installed;
}
