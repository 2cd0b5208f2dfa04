// The architecture diagrams (diagram/): every verified request is an edge or happens inside one node, every node
// belongs to its component, the committed SVGs parse and match what the code draws, and the pull-request diagram marks
// what a change touches. Shares the one evaluation per stack and example the other whole-stack tests make.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ROOT, runStack } from "../engine/evaluate";
import { SCENARIO_KEYS } from "../scenarios";
import { architectureOf, stackRequests } from "../diagram";
import { changeDiagram } from "../diagram/changes";
import { diagramGenerator, scenarioDiagram } from "../diagram/pages";
import { PAGE_WIDTH_PT, svgSize, toDot, toMermaid } from "../diagram/render";
import { buildPlan } from "../tools/plan";
import { diffPlans } from "../tools/planDiff";
import { runExample } from "../engine/examples";

describe("architecture diagrams (diagram/)", function () {
    this.timeout(5 * 60 * 1000);

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every enumerated request is an edge between the nodes of its source and target, or happens inside one node`, async () => {
            const run = await runStack(stack);
            const requests = await stackRequests(run.resources);
            const a = await architectureOf(run);
            assert.equal(a.placements.length, requests.length, "each request is placed once");
            const edges = new Map(a.edges.map((e) => [e.id, e]));
            const nodes = new Set(a.nodes.map((n) => n.id));
            const dot = toDot(a);
            for (const p of a.placements) {
                if (p.inside) {
                    assert.ok(nodes.has(p.inside), p.request.description);
                    continue;
                }
                const edge = edges.get(p.edge!);
                assert.ok(edge, `${p.request.description}: edge ${p.edge}`);
                assert.ok(edge.requests.includes(p.request), p.request.description);
                assert.ok(dot.includes(`"${edge.from}" -> "${edge.to}"`), `${edge.id} is drawn`);
            }
            // Only a function assuming its role, writing its own logs and the like stay inside a node.
            for (const p of a.placements.filter((x) => x.inside)) {
                assert.match(p.request.action, /^(sts:AssumeRole|logs:|kms:)/, `${p.request.description} is drawn inside ${p.inside}`);
            }
        });

        it(`${stack}: every node belongs to the component of the resources folded into it, and only plumbing is left out`, async () => {
            const a = await architectureOf(await runStack(stack));
            const groups = new Map(a.groups.map((g) => [g.id, g]));
            const top = (g: string | undefined): string | undefined => (g && groups.get(g)?.parent ? top(groups.get(g)!.parent) : g);
            for (const n of a.nodes.filter((x) => !x.external)) {
                for (const urn of n.urns) assert.equal(top(n.group), a.componentOf.get(urn), `${urn} is drawn in ${n.id}`);
            }
            const kept = new Set(a.nodes.flatMap((n) => n.urns));
            const left = [...a.nodeOf].filter(([urn, node]) => node === undefined && !kept.has(urn)).map(([urn]) => urn.split("::")[2].split("$").pop());
            for (const type of new Set(left)) {
                assert.match(String(type), /^(aws-blueprints:|aws:iam\/|aws:ec2\/(subnet|routeTable|route|routeTableAssociation|internetGateway|vpc|eip|defaultSecurityGroup|securityGroup|launchTemplate)|aws:vpc\/|aws:lb\/|aws:cloudfront\/|aws:route53\/record|aws:s3\/bucketObjectv2|aws:athena\/namedQuery|aws:rds\/|aws:lambda\/|awsx:|aws:apigateway\/(account|domainName|basePathMapping)|aws:ssm\/|aws:ecs\/|aws:acm\/|aws:cloudwatch\/logMetricFilter)/, `a ${type} is neither a node nor folded into one`);
            }
        });
    }

    it("draws the security-group guard as its page describes it: CloudTrail to the rule, the rule to the function, the function to EC2 and its topic", async () => {
        const a = await architectureOf(await runExample("securityGroupGuard"), "securityGroupGuard");
        const edge = (from: RegExp, to: RegExp) => a.edges.find((e) => from.test(e.from) && to.test(e.to));
        assert.match(edge(/^ext_CloudTrail$/, /^EventRule_/)!.label, /AuthorizeSecurityGroupIngress[\s\S]*via CloudTrail/);
        assert.equal(edge(/^EventRule_/, /^Function_/)!.label, "invoke");
        assert.match(edge(/^Function_/, /^ext_ec2$/)!.label, /RevokeSecurityGroupIngress/);
        assert.equal(edge(/^Function_/, /^Topic_/)!.label, "publish");
        assert.equal(edge(/^alarms_/, /^Topic_/)!.label, "alarm");
        assert.equal(edge(/^EventRule_/, /^Queue_/)!.label, "failed events");
        assert.ok(!a.nodes.some((n) => /Role|Policy|Permission|LogGroup/.test(n.id)), "roles, policies, permissions and log groups fold into their nodes");
    });

    it("draws the load balancers' traffic: internet to listener, listener to target group to instances, tier to tier", async () => {
        const a = await architectureOf(await runExample("compliantWebApp"), "compliantWebApp");
        const label = (from: string, to: string) => a.edges.find((e) => e.from === from && e.to === to)?.label;
        assert.equal(label("ext_internet", "LoadBalancer_cjis_web_alb"), "HTTPS 443\nHTTP 80");
        assert.match(String(label("LoadBalancer_cjis_web_alb", "TargetGroup_cjis_web_tg0")), /^HTTPS 443/);
        assert.equal(label("TargetGroup_cjis_web_tg0", "Group_cjis_web"), "HTTP 80");
        assert.equal(label("Group_cjis_web", "LoadBalancer_cjis_app_alb"), "HTTPS 443");
        assert.match(String(label("Group_cjis_app", "Instance_cjis_db")), /MySQL 3306|connect/);
        const tiers = a.groups.filter((g) => g.kind === "tier").map((g) => g.label).sort();
        assert.deepEqual([...new Set(tiers)], ["isolated subnets", "private subnets", "public subnets"]);
    });

    it("draws what flows between resources whose inputs name each other: health checks, Config rules, peering, RDS log exports, NAT", async () => {
        const web = await architectureOf(await runExample("compliantWebApp"), "compliantWebApp");
        const from = (a: typeof web, id: string) => a.edges.filter((e) => e.from === id);
        const rules = web.nodes.filter((n) => n.kind === "Config rule");
        assert.ok(rules.length > 0);
        for (const rule of rules) assert.ok(web.edges.some((e) => e.from === "Recorder_cjis_config_recorder" && e.to === rule.id && e.label === "configuration items"), rule.id);
        const peering = from(web, "VpcPeeringConnection_cjis_peering");
        assert.deepEqual(peering.map((e) => [e.label, e.toGroup?.replace(/^.*_vpc_/, "")]).sort(), [["accepter VPC", "cjis_management"], ["requester VPC", "cjis_production"]]);
        for (const e of peering) assert.ok(web.nodes.find((n) => n.id === e.to)?.group?.startsWith(e.toGroup!), `${e.to} is inside ${e.toGroup}`);
        assert.deepEqual(from(web, "Instance_cjis_db").filter((e) => e.flow === "logs").map((e) => `${e.label} -> ${e.to}`).sort(), ["error log -> LogGroup_cjis_db_error", "slowquery log -> LogGroup_cjis_db_slowquery"]);
        assert.equal(from(web, "NatGateway_cjis_production_nat_a")[0]?.to, "ext_internet");
        const alarms = web.nodes.find((n) => n.kind === "CloudWatch alarms")!;
        assert.equal(alarms.label, "9 alarms");
        assert.match(alarms.details.join(" "), /DaysToExpiry ×2/);

        const api = await architectureOf(await runExample("multiRegionApi"), "multiRegionApi");
        for (const region of ["us_east_1", "us_west_2"]) {
            const check = from(api, `HealthCheck_multi_region_api_${region}_health`);
            assert.deepEqual(check.map((e) => [e.to, e.label, e.flow]), [[`RestApi_multi_region_api_${region}_api`, "HTTPS 443 /prod/healthcheck", "traffic"]]);
        }
        const guardrail = await architectureOf(await runExample("budgetGuardrail"), "budgetGuardrail");
        assert.deepEqual(guardrail.nodes.find((n) => n.label === "restore")?.details, ["started outside the stack"]);
        assert.match(toMermaid(web), /VpcPeeringConnection_cjis_peering <==>\|"accepter VPC"\| \S*vpc_cjis_management/);
    });

    it("every committed diagram parses as SVG, fits a page width, and is what npm run docs draws now", async () => {
        for (const key of SCENARIO_KEYS) assert.ok(diagramGenerator.files.includes(scenarioDiagram(key)), key);
        for (const rel of diagramGenerator.files) {
            const svg = readFileSync(path.join(ROOT, rel), "utf8");
            assert.equal(XMLValidator.validate(svg), true, rel);
            assert.ok(new XMLParser().parse(svg).svg, rel);
            assert.ok(svgSize(svg).width <= PAGE_WIDTH_PT, `${rel} is ${svgSize(svg).width}pt wide`);
        }
        assert.deepEqual(await diagramGenerator.check(), []);
    });

    it("every scenario page shows its diagram near the top, and the README the dev stack's", () => {
        for (const key of SCENARIO_KEYS) {
            const page = readFileSync(path.join(ROOT, "scenarios", key, "README.md"), "utf8");
            const heading = page.indexOf("\n# ");
            const image = page.indexOf("](architecture.svg)");
            assert.ok(heading >= 0 && image > heading && image - heading < 400, `${key}: the diagram follows the title`);
        }
        assert.match(readFileSync(path.join(ROOT, "README.md"), "utf8"), /\]\(docs\/architecture-dev\.svg\)/);
    });

    it("Mermaid names every node and edge of the architecture", async () => {
        const a = await architectureOf(await runExample("budgetGuardrail"), "budgetGuardrail");
        const mermaid = toMermaid(a);
        for (const n of a.nodes) assert.match(mermaid, new RegExp(`^\\s+${n.id}[\\[(]`, "m"), n.id);
        for (const e of a.edges) assert.ok(mermaid.includes(` ${e.from} `) && mermaid.includes(`| ${e.to}`), e.id);
    });

    it("the pull-request diagram marks what a change adds, changes and deletes, with neighbours for context", async () => {
        const after = await buildPlan("dev");
        const urns = Object.keys(after.resources);
        const topic = urns.find((u) => u.endsWith("::sg-guard-alerts") && u.includes("aws:sns/topic:Topic"))!;
        const queue = urns.find((u) => u.endsWith("::sg-guard-failures"))!;
        const before = { ...after, resources: { ...after.resources } } as { resources: Record<string, any> } & typeof after;
        delete before.resources[queue];
        before.resources[topic] = { ...after.resources[topic], inputs: { ...after.resources[topic].inputs, displayName: "old" } };
        const diff = diffPlans("dev", before, after);
        const markdown = await changeDiagram(diff, await runStack("dev"));
        assert.match(markdown, /```mermaid\n/);
        assert.match(markdown, /ADDED: failures/);
        assert.match(markdown, /CHANGED: alerts/);
        assert.match(markdown, /class \S*Queue_sg_guard_failures\S* added/);
        assert.match(markdown, /revert/, "the function that publishes to the topic is drawn as context");
        assert.doesNotMatch(markdown, /budget-guardrail|budgetGuardrail/, "components the change does not touch are left out");
    });
});
