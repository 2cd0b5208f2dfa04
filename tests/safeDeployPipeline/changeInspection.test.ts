import assert from "node:assert/strict";
import { describeUnsafe, fromCloudFormationChanges, inspectChanges, SAFE, UNSAFE } from "../../handlers/safeDeployPipeline/changeInspection";

const add = { id: "Queue", resourceType: "AWS::SQS::Queue", action: "Add" as const };
const modifyInPlace = { id: "Fn", resourceType: "AWS::Lambda::Function", action: "Modify" as const, replacement: "False" as const };
const replace = { id: "Table", resourceType: "AWS::DynamoDB::Table", action: "Modify" as const, replacement: "True" as const, reasons: ["KeySchema"] };
const conditional = { id: "Bucket", resourceType: "AWS::S3::Bucket", action: "Modify" as const, replacement: "Conditional" as const };
const remove = { id: "Db", resourceType: "AWS::RDS::DBInstance", action: "Remove" as const };

describe("change inspection rule", () => {
    it("adds and in-place modifications are safe", () => {
        assert.deepEqual(inspectChanges([add, modifyInPlace]), { verdict: SAFE, unsafe: [], allowed: [] });
    });

    it("an empty change list is safe", () => {
        assert.equal(inspectChanges([]).verdict, SAFE);
    });

    it("any removal is unsafe", () => {
        const r = inspectChanges([add, remove]);
        assert.equal(r.verdict, UNSAFE);
        assert.deepEqual(r.unsafe, [{ change: remove, kind: "delete" }]);
    });

    it("a replacement is unsafe", () => {
        assert.deepEqual(inspectChanges([replace]).unsafe, [{ change: replace, kind: "replace" }]);
    });

    it("a conditional replacement is unsafe unless configured otherwise", () => {
        assert.equal(inspectChanges([conditional]).verdict, UNSAFE);
        assert.equal(inspectChanges([conditional], { conditionalIsUnsafe: false }).verdict, SAFE);
    });

    it("a dynamic change that may replace is treated like a modification", () => {
        assert.equal(inspectChanges([{ ...conditional, action: "Dynamic" }]).verdict, UNSAFE);
    });

    it("explicitly allowed ids are reported as allowed, not unsafe", () => {
        const r = inspectChanges([remove, replace], { allowedIds: ["Db"] });
        assert.equal(r.verdict, UNSAFE);
        assert.deepEqual(r.allowed.map((u) => u.change.id), ["Db"]);
        assert.deepEqual(r.unsafe.map((u) => u.change.id), ["Table"]);
        assert.equal(inspectChanges([remove], { allowedIds: ["Db"] }).verdict, SAFE);
    });

    it("refuses malformed input rather than calling it safe", () => {
        assert.throws(() => inspectChanges([{ id: "X", resourceType: "T", action: "Delete" as any }]), /change 0 is malformed/);
        assert.throws(() => inspectChanges([{ ...replace, replacement: "Maybe" as any }]), /unknown replacement value "Maybe"/);
        assert.throws(() => inspectChanges(null as any), /must be a list/);
    });

    it("reads CloudFormation DescribeChangeSet changes, with recreation reasons", () => {
        const summaries = fromCloudFormationChanges([
            {
                Type: "Resource",
                ResourceChange: {
                    Action: "Modify",
                    LogicalResourceId: "Table",
                    PhysicalResourceId: "app-table",
                    ResourceType: "AWS::DynamoDB::Table",
                    Replacement: "True",
                    Scope: ["Properties"],
                    Details: [
                        { Target: { Attribute: "Properties", Name: "KeySchema", RequiresRecreation: "Always" }, Evaluation: "Static", ChangeSource: "DirectModification" },
                        { Target: { Attribute: "Properties", Name: "Tags", RequiresRecreation: "Never" }, Evaluation: "Static", ChangeSource: "DirectModification" },
                    ],
                },
            },
            { Type: "Resource", ResourceChange: { Action: "Add", LogicalResourceId: "Queue", ResourceType: "AWS::SQS::Queue" } },
        ]);
        assert.deepEqual(summaries, [
            { id: "Table", resourceType: "AWS::DynamoDB::Table", action: "Modify", replacement: "True", reasons: ["KeySchema"] },
            { id: "Queue", resourceType: "AWS::SQS::Queue", action: "Add", replacement: undefined },
        ]);
        assert.deepEqual(describeUnsafe(inspectChanges(summaries).unsafe), ["Table [AWS::DynamoDB::Table]: replace (KeySchema)"]);
        assert.throws(() => fromCloudFormationChanges([{ Type: "Resource", ResourceChange: {} }]), /entry 0 has no ResourceChange/);
    });
});
