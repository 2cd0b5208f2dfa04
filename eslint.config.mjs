// Lint: recommended JavaScript and TypeScript rules; handlers additionally may not import Pulumi.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "bin/**", "dist/**", "policy/node_modules/**", "tmp/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
    {
        // Plain Node.js scripts (CommonJS), run without ts-node.
        files: ["tools/**/*.js", "lib/**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "readonly", __dirname: "readonly", process: "readonly", console: "readonly" },
        },
    },
    {
        files: ["handlers/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        { group: ["@pulumi/*"], message: "Handlers run inside Lambda: no Pulumi imports." },
                        { group: ["@aws-sdk/*"], allowTypeImports: true, message: "Inject SDK clients; import their types only." },
                    ],
                },
            ],
        },
    },
);
