// The one declaration of every key of `aws-blueprints:budgetGuardrail`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { instanceType, userTagKey, wholeNumber } from "../../components/settings";
import { addFleetIssues } from "../spotFleet/fleetRules";

const projectTagSchema = z
    .object({
        key: userTagKey.refine((k) => !k.includes("$"), "must not contain $ (Budgets joins key and value with it)"),
        value: z.string().min(1, "must not be empty").max(256).refine((v) => !v.includes("$"), "must not contain $"),
    })
    .strict();

export const budgetGuardrailSettings = z
    .object({
        enabled: enabled(),
        budgetName: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9 _.()-]{0,99}$/, "must be 1-100 letters, digits, spaces or _ . ( ) -, starting with a letter or digit")
            .optional().meta({ description: "Name of the budget.", whenUnset: "\"budget-guardrail-<stack>\"" }),
        limitAmount: z.number().positive("must be a positive amount").default(2).describe("Budgeted amount per period."),
        currency: z.string().regex(/^[A-Z]{3}$/, "must be a three-letter currency code like USD").default("USD").describe("Currency of the amount."),
        timeUnit: z.enum(["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"]).default("MONTHLY").describe("Period of the budget."),
        service: z.string().trim().min(1, "must name an AWS service as Cost Explorer does").default("Amazon Elastic Compute Cloud - Compute").describe("Cost filter on the Service dimension, as Cost Explorer names the service."),
        projectTag: projectTagSchema.default({ key: "Project", value: "Beta" }).describe("Cost allocation tag the budget filters on (`user:<key>$<value>`)."),
        enforceAtPercent: z
            .number()
            .min(10, "is a percentage of the budget (100 = all of it) from 10 to 1000, not an amount of money")
            .max(1000, "is a percentage of the budget (100 = all of it) from 10 to 1000, not an amount of money")
            .default(100).describe("ACTUAL spend, in percent of the budget, that removes EC2 full access."),
        forecastWarningPercent: z.number().gt(0, "must be above 0").max(1000, "must be at most 1000").default(100).describe("FORECASTED spend, in percent of the budget, that sends a warning."),
        createTestUser: z.boolean().default(false).describe("Create a test IAM user in the project group, with a generated console password."),
        createTestFleet: z.boolean().default(false).describe("Create a Spot test fleet carrying the project tag."),
        testFleetInstanceTypes: z.array(instanceType).min(1, "must name at least one instance type").default(["t3.small", "t3a.small", "t2.small"]).describe("Instance types of the test fleet."),
        testFleetSize: wholeNumber(1, 20).default(4).describe("Instances in the test fleet."),
        memorySizeMb: wholeNumber(128, 10240).default(256).describe("Memory of the alert and action functions in MB."),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (s.enabled && s.createTestFleet) {
            addFleetIssues(
                ctx,
                { interruptionBehavior: "terminate", instanceTypes: s.testFleetInstanceTypes, desiredCapacity: s.testFleetSize, minSize: 0, maxSize: s.testFleetSize },
                { instanceTypes: "testFleetInstanceTypes", desiredCapacity: "testFleetSize", maxSize: "testFleetSize" },
            );
        }
    });

export type BudgetGuardrailSettings = z.output<typeof budgetGuardrailSettings>;
