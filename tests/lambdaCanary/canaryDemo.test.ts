import {
    GetFunctionConfigurationCommand,
    Lambda,
    LambdaClient,
    ListVersionsByFunctionCommand,
    PublishVersionCommand,
    UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { demoResponse, publishDemoVersions, releaseVariable } from "../../handlers/lambdaCanary/canaryDemo";
import { accessDenied, awsError, throttling } from "../faults";

const FN = "canary-demo-1a2b3c4";
const CODE = "q2Nd0hq4qmVvZ0H3m2Dq8d3yWl0eJ8o1sQ6M9o2r2cE=";

interface Version {
    Version: string;
    CodeSha256: string;
    Environment: { Variables: Record<string, string> };
    Description?: string;
}

let lambdaMock: AwsStub<any, any, any>;

/** A Lambda function as the publisher sees it: $LATEST updates take one poll to settle; versions snapshot $LATEST. */
function fakeFunction(existing: Version[] = []) {
    let revision = 1;
    const state = {
        latest: { CodeSha256: CODE, Variables: { [releaseVariable()]: "stable", OTHER: "kept" } as Record<string, string>, RevisionId: "r1", updating: false },
        versions: [...existing],
    };
    lambdaMock.on(GetFunctionConfigurationCommand).callsFake(() => {
        const status = state.latest.updating ? "InProgress" : "Successful";
        state.latest.updating = false;
        return {
            FunctionName: FN,
            Version: "$LATEST",
            State: "Active",
            LastUpdateStatus: status,
            CodeSha256: state.latest.CodeSha256,
            RevisionId: state.latest.RevisionId,
            Environment: { Variables: { ...state.latest.Variables } },
        };
    });
    lambdaMock.on(ListVersionsByFunctionCommand).callsFake(() => ({
        Versions: [{ Version: "$LATEST", CodeSha256: CODE, Environment: { Variables: { ...state.latest.Variables } } }, ...structuredClone(state.versions)],
    }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).callsFake((input) => {
        state.latest.Variables = { ...input.Environment.Variables };
        state.latest.RevisionId = `r${++revision}`;
        state.latest.updating = true;
        return { LastUpdateStatus: "InProgress", RevisionId: state.latest.RevisionId };
    });
    lambdaMock.on(PublishVersionCommand).callsFake((input) => {
        if (input.CodeSha256 && input.CodeSha256 !== state.latest.CodeSha256) throw awsError("PreconditionFailedException", "CodeSha256 does not match");
        if (input.RevisionId && input.RevisionId !== state.latest.RevisionId) throw awsError("PreconditionFailedException", "RevisionId does not match");
        const last = state.versions[state.versions.length - 1];
        if (last && last.CodeSha256 === state.latest.CodeSha256 && JSON.stringify(last.Environment.Variables) === JSON.stringify(state.latest.Variables)) {
            return last;
        }
        const v: Version = { Version: String(state.versions.length + 1), CodeSha256: state.latest.CodeSha256, Environment: { Variables: { ...state.latest.Variables } }, Description: input.Description };
        state.versions.push(v);
        return v;
    });
    return state;
}

const sleeps: number[] = [];
const deps = () => ({
    lambda: new Lambda({ region: "us-east-1" }),
    sleep: async (ms: number) => {
        sleeps.push(ms);
    },
});
const event = { functionName: FN, codeSha256: CODE };
const calls = (command: any) => lambdaMock.commandCalls(command).map((c: any) => c.args[0].input);

describe("canary demo", () => {
    before(() => {
        lambdaMock = mockClient(LambdaClient);
    });
    after(() => lambdaMock.restore());
    beforeEach(() => {
        lambdaMock.reset();
        sleeps.length = 0;
    });

    describe("demo function", () => {
        it("answers with its release and version", () => {
            assert.deepEqual(demoResponse({}, "stable", "1"), { release: "stable", version: "1", message: "Hello from the stable release (version 1)" });
        });

        it("only the candidate release fails on request, so a rollback can be watched", () => {
            assert.equal(demoResponse({ simulateFailure: true }, "stable", "1").release, "stable");
            assert.throws(() => demoResponse({ simulateFailure: true }, "candidate", "2"), /simulated failure in the candidate release/);
            assert.equal(demoResponse({ simulateFailure: "yes" }, "candidate", "2").release, "candidate");
        });
    });

    describe("version publisher", () => {
        it("publishes a stable and a candidate version and puts $LATEST back as it was", async () => {
            const fn = fakeFunction();
            const result = await publishDemoVersions(event, { functionName: FN }, deps());
            assert.deepEqual(result, { functionName: FN, stableVersion: "1", candidateVersion: "2" });
            assert.deepEqual(fn.versions.map((v) => [v.Version, v.Environment.Variables.DEMO_RELEASE, v.Environment.Variables.OTHER]), [
                ["1", "stable", "kept"],
                ["2", "candidate", "kept"],
            ]);
            assert.deepEqual(calls(UpdateFunctionConfigurationCommand).map((u) => u.Environment.Variables), [
                { DEMO_RELEASE: "candidate", OTHER: "kept" },
                { DEMO_RELEASE: "stable", OTHER: "kept" },
            ]);
            assert.deepEqual(fn.latest.Variables, { DEMO_RELEASE: "stable", OTHER: "kept" }, "no drift from what Pulumi configured");
            for (const p of calls(PublishVersionCommand)) assert.equal(p.CodeSha256, CODE, "publishes only the deployed code");
            assert.ok(sleeps.length > 0, "waited for the configuration update to settle before publishing");
        });

        it("is idempotent: versions matching the current code and release are reused", async () => {
            fakeFunction();
            await publishDemoVersions(event, { functionName: FN }, deps());
            lambdaMock.resetHistory();
            const again = await publishDemoVersions(event, { functionName: FN }, deps());
            assert.deepEqual(again, { functionName: FN, stableVersion: "1", candidateVersion: "2" });
            assert.equal(calls(PublishVersionCommand).length + calls(UpdateFunctionConfigurationCommand).length, 0);
        });

        it("publishes only what is missing after an interrupted run", async () => {
            const fn = fakeFunction([{ Version: "1", CodeSha256: CODE, Environment: { Variables: { DEMO_RELEASE: "stable", OTHER: "kept" } } }]);
            const result = await publishDemoVersions(event, { functionName: FN }, deps());
            assert.deepEqual([result.stableVersion, result.candidateVersion], ["1", "2"]);
            assert.equal(calls(PublishVersionCommand).length, 1);
            assert.equal(fn.versions.length, 2);
        });

        it("restores $LATEST when publishing the candidate fails, then throws", async () => {
            const fn = fakeFunction();
            let published = 0;
            lambdaMock.on(PublishVersionCommand).callsFake(() => {
                if (++published === 2) throw throttling();
                return { Version: "1" };
            });
            await assert.rejects(publishDemoVersions(event, { functionName: FN }, deps()), { name: "ThrottlingException" });
            assert.deepEqual(fn.latest.Variables, { DEMO_RELEASE: "stable", OTHER: "kept" });
        });

        it("says so when restoring $LATEST fails too", async () => {
            fakeFunction();
            let updates = 0;
            lambdaMock.on(UpdateFunctionConfigurationCommand).callsFake(() => {
                if (++updates === 2) throw accessDenied("lambda:UpdateFunctionConfiguration");
                return {};
            });
            lambdaMock.on(PublishVersionCommand).resolves({ Version: "1" });
            await assert.rejects(publishDemoVersions(event, { functionName: FN }, deps()), /restoring canary-demo-1a2b3c4's \$LATEST environment failed: .*UpdateFunctionConfiguration/);
        });

        it("waits out permissions that are still propagating, but not forever", async () => {
            let reads = 0;
            lambdaMock.on(GetFunctionConfigurationCommand).callsFake(() => {
                if (++reads < 3) throw awsError("AccessDeniedException", "not authorized to perform lambda:GetFunctionConfiguration", 403);
                return { State: "Active", LastUpdateStatus: "Successful", CodeSha256: CODE, RevisionId: "r1", Environment: { Variables: { DEMO_RELEASE: "stable" } } };
            });
            lambdaMock.on(ListVersionsByFunctionCommand).resolves({
                Versions: [
                    { Version: "1", CodeSha256: CODE, Environment: { Variables: { DEMO_RELEASE: "stable" } } },
                    { Version: "2", CodeSha256: CODE, Environment: { Variables: { DEMO_RELEASE: "candidate" } } },
                ],
            });
            assert.deepEqual(await publishDemoVersions(event, { functionName: FN }, deps()), { functionName: FN, stableVersion: "1", candidateVersion: "2" });
            assert.equal(reads, 3);
            lambdaMock.on(GetFunctionConfigurationCommand).rejects(awsError("AccessDeniedException", "not authorized", 403));
            await assert.rejects(publishDemoVersions(event, { functionName: FN }, deps()), { name: "AccessDeniedException" });
        });

        it("refuses another function, a missing hash, or code that is not what was deployed, changing nothing", async () => {
            fakeFunction();
            await assert.rejects(publishDemoVersions({ ...event, functionName: "payroll" }, { functionName: FN }, deps()), /only works on canary-demo-1a2b3c4; got functionName "payroll"/);
            await assert.rejects(publishDemoVersions({ functionName: FN }, { functionName: FN }, deps()), /codeSha256 must be the deployed code's hash/);
            assert.equal(lambdaMock.calls().length, 0);
            await assert.rejects(publishDemoVersions({ ...event, codeSha256: "other" }, { functionName: FN }, deps()), /is not the code this deployment uploaded \(other\); run the deployment again/);
            assert.equal(calls(PublishVersionCommand).length + calls(UpdateFunctionConfigurationCommand).length, 0);
        });

        it("refuses a $LATEST that is neither release", async () => {
            const fn = fakeFunction();
            fn.latest.Variables = { DEMO_RELEASE: "beta" };
            await assert.rejects(publishDemoVersions(event, { functionName: FN }, deps()), /must have DEMO_RELEASE=stable; found "beta"/);
            assert.equal(calls(PublishVersionCommand).length, 0);
        });

        it("pins: a $LATEST an earlier run left on the candidate (its restore failed) is put back to stable, and the retry completes", async () => {
            const fn = fakeFunction();
            fn.latest.Variables = { DEMO_RELEASE: "candidate", OTHER: "kept" };
            const result = await publishDemoVersions(event, { functionName: FN }, deps());
            assert.deepEqual(fn.latest.Variables, { DEMO_RELEASE: "stable", OTHER: "kept" });
            assert.deepEqual(
                fn.versions.map((v) => [v.Version, v.Environment.Variables.DEMO_RELEASE]),
                [
                    [result.stableVersion, "stable"],
                    [result.candidateVersion, "candidate"],
                ],
            );
        });
    });
});
