// Where this package lives, and what a Lambda archive takes from there. Everything is resolved from the package's own
// directory, never from the deploying program's working directory, package.json or node_modules layout, so a function
// built by this program, by another program that installed the package, or by the package's provider started in
// another program's directory has the same archive.
import * as pulumi from "@pulumi/pulumi";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const PACKAGE_NAME = "aws-blueprints";

interface Manifest {
    readonly name: string;
    readonly version: string;
    readonly dependencies?: Readonly<Record<string, string>>;
}

function readManifest(dir: string): Manifest | undefined {
    const file = path.join(dir, "package.json");
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Manifest) : undefined;
}

/** The nearest directory above this module whose package.json is this package's: the repository, or the installed package. */
function findPackageRoot(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (readManifest(dir)?.name === PACKAGE_NAME) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${__dirname}`);
    }
}

export const PACKAGE_ROOT = findPackageRoot();
export const PACKAGE_MANIFEST: Manifest = readManifest(PACKAGE_ROOT)!;

/** The directory of package `name` as Node.js resolves it from `from`: the nearest `node_modules/<name>` above it. */
export function packageDir(name: string, from: string = PACKAGE_ROOT): string | undefined {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "node_modules", name);
        if (existsSync(path.join(candidate, "package.json"))) return candidate;
        if (path.dirname(dir) === dir) return undefined;
    }
}

function inside(dir: string, parent: string): boolean {
    const relative = path.relative(parent, dir);
    return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/**
 * The `node_modules` entries of an archive that carries `packages` and, transitively, their `dependencies`, each read
 * from where Node.js resolves it from this package, laid out as npm lays out a project's node_modules: a package at
 * `node_modules/<name>`, a second version of one nested under the package that depends on it, and a package inside
 * another's folder carried by that folder. This is the layout `pulumi.runtime.computeCodePaths` gives in this
 * repository (the plans' code hashes are unchanged by it), without reading the working directory's package.json
 * and node_modules, which are another program's when the package is installed there. `@pulumi/*` packages are
 * deployment-time only and never carried.
 */
export function bundledModules(packages: readonly string[]): Record<string, pulumi.asset.Archive> {
    const claimed = new Map<string, string>();
    const seen = new Set<string>();
    const add = (name: string, from: string, dependent: string | undefined): void => {
        if (name.startsWith("@pulumi/")) return;
        const dir = packageDir(name, from);
        if (!dir) throw new Error(`${name} is not installed where ${PACKAGE_NAME} can load it (from ${from})`);
        let key = `node_modules/${name}`;
        if (dependent !== undefined && (inside(dir, claimed.get(dependent)!) || (claimed.has(key) && claimed.get(key) !== dir))) {
            key = `${dependent}/node_modules/${name}`;
        }
        if (!claimed.has(key)) claimed.set(key, dir);
        if (seen.has(dir)) return;
        seen.add(dir);
        for (const dependency of Object.keys(readManifest(dir)?.dependencies ?? {})) add(dependency, dir, key);
    };
    for (const name of packages) add(name, PACKAGE_ROOT, undefined);
    const dirs = [...new Set(claimed.values())];
    return Object.fromEntries(
        [...claimed]
            // A package inside another carried package's folder is in that folder's archive already.
            .filter(([, dir]) => !dirs.some((other) => inside(dir, other)))
            .map(([key, dir]) => [key, new pulumi.asset.FileArchive(dir)]),
    );
}

/**
 * Marks every loaded module of this package so that closure serialization copies what a handler uses from it into
 * the archive. The serializer copies a program's own modules, but captures a module under a `node_modules` folder as
 * `require("<its path>")`, which the archive could not satisfy: installed, this package is under one. A module
 * whose exports carry `deploymentOnlyModule: true` is copied wherever it is (the serializer's own opt-in, see
 * https://github.com/pulumi/pulumi/pull/1655). The marker is not enumerable, so `Object.keys` and spreads of a
 * module do not see it; in this repository, where every module is copied anyway, the archives are unchanged.
 */
export function serializeOwnModulesByValue(): void {
    const ownNodeModules = path.join(PACKAGE_ROOT, "node_modules");
    for (const [file, module] of Object.entries(require.cache)) {
        if (!module || !inside(file, PACKAGE_ROOT) || inside(file, ownNodeModules)) continue;
        const value = module.exports as unknown;
        if (value === null || typeof value !== "object" || !Object.isExtensible(value)) continue;
        if (Object.prototype.hasOwnProperty.call(value, "deploymentOnlyModule")) continue;
        Object.defineProperty(value, "deploymentOnlyModule", { value: true, enumerable: false });
    }
}
