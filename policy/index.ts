// CrossGuard policy pack: `pulumi preview --policy-pack policy` (run `npm install` in this folder first).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("aws-blueprints", {
    description: "Least privilege, encryption, network exposure, audit and tagging rules of aws-blueprints.",
    enforcementLevel: "mandatory",
    policies,
});
