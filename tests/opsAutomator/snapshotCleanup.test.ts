import { DeleteSnapshotCommand, DescribeSnapshotsCommand, EC2, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { cleanUpSnapshots, isSnapshotCleanup } from "../../handlers/opsAutomator/snapshotCleanup";
import { awsError, ec2Throttling, ec2Unauthorized } from "../faults";

const MARKER = "ops-automator-tasks-1a2b3c4";
const event = (action: string) => ({ cleanup: "snapshots", tf: { action, prev_input: { cleanup: "snapshots" } } });

describe("Ops Automator snapshot cleanup (runs on pulumi destroy)", () => {
    const ec2 = mockClient(EC2Client);
    const deps = () => ({ ec2: new EC2({ region: "us-east-1" }) });
    beforeEach(() => ec2.reset());
    after(() => ec2.restore());

    it("is told apart from a scheduled run by the provider's lifecycle field", () => {
        assert.equal(isSnapshotCleanup(event("delete")), true);
        assert.equal(isSnapshotCleanup({ "detail-type": "Scheduled Event", source: "aws.events" }), false);
        assert.equal(isSnapshotCleanup({ cleanup: "snapshots" }), false);
    });

    it("on create and update it touches nothing", async () => {
        for (const action of ["create", "update"]) assert.deepEqual(await cleanUpSnapshots(event(action), MARKER, deps()), { action, deleted: [] });
        assert.equal(ec2.calls().length, 0);
    });

    it("on delete it deletes every snapshot carrying the engine's marker, across pages", async () => {
        ec2.on(DescribeSnapshotsCommand)
            .resolvesOnce({ Snapshots: [{ SnapshotId: "snap-01" }], NextToken: "p2" })
            .resolves({ Snapshots: [{ SnapshotId: "snap-02" }] });
        ec2.on(DeleteSnapshotCommand).resolves({});
        assert.deepEqual(await cleanUpSnapshots(event("delete"), MARKER, deps()), { action: "delete", deleted: ["snap-01", "snap-02"] });
        const described = ec2.commandCalls(DescribeSnapshotsCommand).map((c) => c.args[0].input);
        assert.deepEqual(described[0].Filters, [{ Name: "tag:ops-automator:created-by", Values: [MARKER] }]);
        assert.deepEqual(described[0].OwnerIds, ["self"]);
        assert.equal(described[1].NextToken, "p2");
    });

    it("a snapshot deleted meanwhile counts as deleted; other failures fail the destroy after the rest were tried", async () => {
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: "snap-01" }, { SnapshotId: "snap-02" }, { SnapshotId: "snap-03" }] });
        ec2.on(DeleteSnapshotCommand, { SnapshotId: "snap-01" }).rejects(awsError("InvalidSnapshot.NotFound", "The snapshot 'snap-01' does not exist."));
        ec2.on(DeleteSnapshotCommand, { SnapshotId: "snap-02" }).rejects(awsError("InvalidSnapshot.InUse", "The snapshot snap-02 is currently in use by ami-0123"));
        ec2.on(DeleteSnapshotCommand, { SnapshotId: "snap-03" }).resolves({});
        await assert.rejects(cleanUpSnapshots(event("delete"), MARKER, deps()), /could not delete 1 of 3 snapshots: snap-02: InvalidSnapshot\.InUse/);
        assert.equal(ec2.commandCalls(DeleteSnapshotCommand).length, 3);
    });

    it("AWS faults listing the snapshots surface (denied, throttled); no marker is refused", async () => {
        ec2.on(DescribeSnapshotsCommand).rejects(ec2Unauthorized("ec2:DescribeSnapshots"));
        await assert.rejects(cleanUpSnapshots(event("delete"), MARKER, deps()), { name: "UnauthorizedOperation" });
        ec2.reset();
        ec2.on(DescribeSnapshotsCommand).rejects(ec2Throttling());
        await assert.rejects(cleanUpSnapshots(event("delete"), MARKER, deps()), { name: "RequestLimitExceeded" });
        await assert.rejects(cleanUpSnapshots(event("delete"), "", deps()), /no snapshot marker/);
        await assert.rejects(cleanUpSnapshots({ cleanup: "snapshots" }, MARKER, deps()), /no tf\.action/);
    });
});
