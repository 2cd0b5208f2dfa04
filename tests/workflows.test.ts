import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { configuredStacks } from "../tools/plan";
import { ROOT, stackFile } from "../engine/evaluate";

interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, string>;
}

interface Job {
    readonly needs?: string | string[];
    readonly environment?: string;
    readonly permissions?: Record<string, string>;
    readonly strategy?: { matrix?: Record<string, unknown> };
    readonly env?: Record<string, string>;
    readonly if?: string;
    readonly steps: Step[];
}

interface Workflow {
    readonly on: Record<string, any>;
    readonly permissions?: Record<string, string>;
    readonly concurrency?: { group: string; "cancel-in-progress": boolean };
    readonly jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
    return parse(readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8"));
}

function index(job: Job, match: (s: Step) => boolean, what: string): number {
    const i = job.steps.findIndex(match);
    assert.ok(i >= 0, `no step ${what}`);
    return i;
}

const uses = (prefix: string) => (s: Step) => s.uses?.startsWith(prefix) === true;
const runs = (re: RegExp) => (s: Step) => typeof s.run === "string" && re.test(s.run);
const pulumiCommand = (command: string) => (s: Step) => uses("pulumi/actions@")(s) && s.with?.command === command;

function needs(job: Job): string[] {
    return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Installs with npm ci, then runs the test suite, on the Node.js version of .nvmrc (22). */
function assertTested(job: Job): void {
    const node = job.steps[index(job, uses("actions/setup-node@"), "actions/setup-node")];
    assert.equal(node.with?.["node-version-file"], ".nvmrc");
    assert.equal(readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim(), "22");
    const ci = index(job, runs(/^npm ci$/), "npm ci");
    const test = index(job, runs(/^npm test$/), "npm test");
    assert.ok(ci < test, "npm ci before npm test");
    assert.doesNotMatch(JSON.stringify(job), /secrets\./, "tests need no secrets");
}

/** AWS credentials by OIDC role assumption, never access keys. */
function assertOidc(job: Job, roleVariable: string): void {
    assert.equal(job.permissions?.["id-token"], "write");
    const aws = job.steps[index(job, uses("aws-actions/configure-aws-credentials@"), "configure-aws-credentials")];
    assert.equal(aws.with?.["role-to-assume"], `\${{ vars.${roleVariable} }}`);
    assert.ok(aws.with?.["aws-region"]);
    assert.equal(aws.with?.["aws-access-key-id"], undefined);
}

/** Every Pulumi step gets the backend and the secrets passphrase; secrets only through env, never in a command line. */
function assertPulumiEnv(job: Job): void {
    assert.equal(job.env?.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
    const pulumiSteps = job.steps.filter((s) => (uses("pulumi/actions@")(s) && s.with?.command) || runs(/^pulumi /)(s));
    assert.ok(pulumiSteps.length > 0);
    for (const s of pulumiSteps) {
        assert.equal(s.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}", s.name);
        assert.equal(s.env?.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}", s.name);
        if (s.uses) assert.equal(s.with?.["cloud-url"], "${{ vars.PULUMI_BACKEND_URL }}", s.name);
    }
    for (const s of job.steps) if (s.run) assert.doesNotMatch(s.run, /\$\{\{\s*secrets\./, `${s.name ?? s.run}: secrets go through env`);
}

describe("pull-request workflow (.github/workflows/preview.yml)", () => {
    const wf = workflow("preview.yml");

    it("runs on pull requests to main with read-only default permissions", () => {
        assert.deepEqual(wf.on.pull_request.branches, ["main"]);
        assert.deepEqual(wf.permissions, { contents: "read" });
        assert.equal(wf.concurrency?.["cancel-in-progress"], true);
    });

    it("installs and runs npm test before anything touches a stack", () => {
        assertTested(wf.jobs.test);
        assert.deepEqual(needs(wf.jobs.preview), ["test"]);
        assert.deepEqual(needs(wf.jobs["plan-diff"]), ["test"]);
    });

    it("previews every stack for real with pulumi/actions, commenting on the pull request", () => {
        const job = wf.jobs.preview;
        // Every stack file of the project root, none of the test-only stacks (tests/stacks), which are never deployed.
        const deployable = configuredStacks().filter((s) => path.dirname(stackFile(s)) === ROOT);
        assert.deepEqual(job.strategy?.matrix?.stack, deployable);
        assert.ok(deployable.includes("dev") && deployable.includes("prod") && !deployable.includes("all"));
        assert.match(job.env!.STACK, /matrix\.stack/);
        assertOidc(job, "AWS_PREVIEW_ROLE_ARN");
        assertPulumiEnv(job);
        assert.equal(job.permissions?.["pull-requests"], "write");
        const preview = job.steps[index(job, pulumiCommand("preview"), "pulumi/actions preview")];
        assert.equal(preview.with?.["stack-name"], "${{ env.STACK }}");
        assert.equal(preview.with?.["comment-on-pr"], true);
        assert.ok(index(job, uses("aws-actions/configure-aws-credentials@"), "credentials") < job.steps.indexOf(preview));
    });

    it("checks each stack against the CrossGuard policy pack on a real preview", () => {
        const job = wf.jobs.preview;
        const install = index(job, runs(/^npm ci --prefix policy$/), "npm ci --prefix policy");
        const check = index(job, runs(/^pulumi preview --stack "\$STACK" --policy-pack policy /), "pulumi preview --policy-pack policy");
        assert.ok(install < check, "the pack's dependencies are installed first");
        assert.ok(index(job, uses("aws-actions/configure-aws-credentials@"), "credentials") < check);
    });

    it("runs the guard over the preview JSON of each stack and posts its report even when it fails", () => {
        const job = wf.jobs.preview;
        const json = index(job, runs(/^pulumi preview --stack "\$STACK" --json .*> preview\.json$/), "pulumi preview --json");
        const guard = index(job, runs(/^npm run guard -- --preview preview\.json --stack "\$\{\{ matrix\.stack \}\}" --output guard\.md$/), "npm run guard");
        assert.ok(json < guard);
        const comment = index(job, (s) => uses("actions/github-script@")(s) && s.env?.REPORT === "guard.md", "guard comment");
        assert.ok(guard < comment);
        assert.match(job.steps[comment].if ?? "", /always\(\)/);
    });

    it("comments the offline plan diff against the base branch", () => {
        const job = wf.jobs["plan-diff"];
        assert.equal(job.steps[index(job, uses("actions/checkout@"), "checkout")].with?.["fetch-depth"], 0);
        const diff = index(job, runs(/^npm run plan:diff -- --base "origin\/\$BASE_REF" --output plan-diff\.md$/), "npm run plan:diff");
        assert.equal(job.steps[diff].env?.BASE_REF, "${{ github.base_ref }}");
        const comment = index(job, (s) => uses("actions/github-script@")(s) && s.env?.REPORT === "plan-diff.md", "plan diff comment");
        assert.ok(diff < comment);
        assert.equal(job.permissions?.["pull-requests"], "write");
    });
});

/** `pulumi up` runs the CrossGuard pack in policy/ (`--policy-pack policy`), installed first, as the previews do. */
function assertPolicyPackOnUp(job: Job): void {
    const up = index(job, pulumiCommand("up"), "pulumi up");
    assert.equal(job.steps[up].with?.policyPacks, "policy", "pulumi/actions passes policyPacks to pulumi up as --policy-pack");
    const install = index(job, runs(/^npm ci --prefix policy$/), "npm ci --prefix policy");
    assert.ok(install < up, "the pack's dependencies are installed before pulumi up");
}

describe("deployment workflow (.github/workflows/deploy.yml)", () => {
    const wf = workflow("deploy.yml");

    it("runs on pushes to main, one deployment at a time, never cancelled midway", () => {
        assert.deepEqual(wf.on.push.branches, ["main"]);
        assert.equal(wf.on.pull_request, undefined);
        assert.deepEqual(wf.permissions, { contents: "read" });
        assert.equal(wf.concurrency?.["cancel-in-progress"], false);
        assertTested(wf.jobs.test);
    });

    it("updates dev after the tests pass", () => {
        const job = wf.jobs.dev;
        assert.deepEqual(needs(job), ["test"]);
        assert.equal(job.environment, "dev");
        assert.match(job.env!.STACK, /'dev'/);
        assertOidc(job, "AWS_ROLE_ARN");
        assertPulumiEnv(job);
        assert.equal(job.steps[index(job, pulumiCommand("up"), "pulumi up")].with?.["stack-name"], "${{ env.STACK }}");
        assertPolicyPackOnUp(job);
    });

    it("updates prod only after dev, behind the prod environment's approval, and only when the guard passes", () => {
        const job = wf.jobs.prod;
        assert.deepEqual(needs(job), ["dev"]);
        assert.equal(job.environment, "prod");
        assert.match(job.env!.STACK, /'prod'/);
        assertOidc(job, "AWS_ROLE_ARN");
        assertPulumiEnv(job);
        const json = index(job, runs(/^pulumi preview --stack "\$STACK" --json .*> preview\.json$/), "pulumi preview --json");
        const guard = index(job, runs(/^npm run guard -- --preview preview\.json --stack prod\b/), "npm run guard");
        const up = index(job, pulumiCommand("up"), "pulumi up");
        assert.ok(json < guard && guard < up, "preview, guard, then up");
        assert.equal(job.steps[up].if, undefined, "up runs only when every earlier step passed");
        assertPolicyPackOnUp(job);
    });

    it("stops every deployment on a mandatory policy violation, as the pull-request previews do", () => {
        const preview = workflow("preview.yml").jobs.preview;
        assert.ok(preview.steps.some(runs(/ --policy-pack policy\b/)), "the previews run the pack");
        for (const name of ["dev", "prod"]) {
            const ups = wf.jobs[name].steps.filter(pulumiCommand("up"));
            assert.equal(ups.length, 1, name);
            assert.equal(ups[0].with?.policyPacks, "policy", name);
        }
    });
});

describe("deployment workflow: the preflight before every pulumi up", () => {
    const wf = workflow("deploy.yml");
    for (const name of ["dev", "prod"]) {
        it(`${name}: exports the deployed stack and runs the preflight on it, with the deployment's credentials, before pulumi up`, () => {
            const job = wf.jobs[name];
            const credentials = index(job, uses("aws-actions/configure-aws-credentials@"), "AWS credentials");
            const cli = index(job, (s) => uses("pulumi/actions@")(s) && s.with?.command === undefined, "Pulumi CLI install");
            const exported = index(job, runs(/^pulumi stack export --stack "\$STACK" --file state\.json$/), "pulumi stack export");
            const preflight = index(job, runs(/^npm run preflight -- --stack "\$STACK" --state state\.json$/), "npm run preflight");
            const up = index(job, (s) => uses("pulumi/actions@")(s) && s.with?.command === "up", "pulumi up");
            assert.ok(credentials < preflight && cli < exported && exported < preflight && preflight < up, "credentials and state first, then the preflight, then up");
            assert.equal(job.steps[preflight].if, undefined, "a failed preflight stops the job");
            assert.ok(job.steps[exported].env?.PULUMI_CONFIG_PASSPHRASE, "the export can open the stack");
        });
    }
});

describe("both workflows", () => {
    for (const file of ["preview.yml", "deploy.yml"]) {
        it(`${file}: pins every action to a major version and runs only npm scripts that exist`, () => {
            const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
            for (const job of Object.values(workflow(file).jobs)) {
                for (const s of job.steps) {
                    if (s.uses) assert.match(s.uses, /^[\w.-]+\/[\w.-]+@v\d+$/, s.uses);
                    for (const m of (s.run ?? "").matchAll(/npm run ([\w:-]+)/g)) assert.ok(scripts[m[1]], `npm run ${m[1]} in ${file}`);
                }
            }
        });
    }
});

describe("license", () => {
    it("LICENSE is the Apache License 2.0 package.json declares, unmodified but for the appendix's copyright line", () => {
        assert.equal(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).license, "Apache-2.0");
        const text = readFileSync(path.join(ROOT, "LICENSE"), "utf8");
        // Two independent copies of the standard text: @pulumi/pulumi ships the terms, @pulumi/aws the terms and appendix.
        const terms = readFileSync(require.resolve("@pulumi/pulumi/LICENSE"), "utf8");
        const full = readFileSync(path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), "LICENSE"), "utf8");
        assert.ok(text.startsWith(terms), "the terms and conditions are the standard text");
        assert.match(text, /^\n {33}Apache License\n {27}Version 2\.0, January 2004\n/);
        assert.equal(text, full.replace("   Copyright [yyyy] [name of copyright owner]", "   Copyright 2026 the aws-blueprints authors"));
    });
});
