// The package's entry point (`aws-blueprints`): every scenario component and the building blocks. Each scenario also
// has an entry of its own, `aws-blueprints/<config section>` (e.g. `aws-blueprints/spotFleet`), which is its
// component module. The type tokens and child names of what is exported here are the URN contract (urn-contract.json, npm run contract).
export * from "./blocks";
export * from "./scenarios";
