// Every regular expression the handlers use matches in time linear in its input. A backtracking pattern (two
// quantifiers that may match the same characters) turns a long line from a person or the internet into seconds of
// CPU per request; recheck finds such patterns by analysing them, not by timing, so the test cannot flake.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { checkSync } from "recheck";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..", "handlers");

function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
    );
}

/** Every regular expression literal of the handlers, with its file and line. */
function regexLiterals(): { source: string; flags: string; where: string }[] {
    return sources(ROOT).flatMap((file) => {
        const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        const found: { source: string; flags: string; where: string }[] = [];
        const visit = (node: ts.Node): void => {
            if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
                const text = node.getText(sf);
                const end = text.lastIndexOf("/");
                const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
                found.push({ source: text.slice(1, end), flags: text.slice(end + 1), where: `${path.relative(ROOT, file)}:${line}` });
            }
            ts.forEachChild(node, visit);
        };
        visit(sf);
        return found;
    });
}

describe("handlers: regular expressions", () => {
    it("every one matches in linear time (no catastrophic or polynomial backtracking)", () => {
        const literals = regexLiterals();
        assert.ok(literals.length > 20, "the handlers' patterns were found");
        const slow = literals.flatMap(({ source, flags, where }) => {
            // The automaton analysis is exact where it applies; patterns with look-around fall back to a seeded fuzzer.
            let result = checkSync(source, flags, { checker: "automaton" });
            if (result.status === "unknown") result = checkSync(source, flags, { checker: "fuzz", randomSeed: 20261126 });
            return result.status === "safe" ? [] : [`${where} /${source}/${flags}: ${result.status}${result.status === "vulnerable" ? ` (${result.complexity.type}, e.g. ${JSON.stringify(result.attack.string.slice(0, 60))})` : ""}`];
        });
        assert.deepEqual(slow, []);
    });
});
