// The handlers' shared text limits (handlers/shared/text.ts): what they send to SNS and EC2, and echo in errors.
import assert from "node:assert/strict";
import { fitChars, fitSnsMessage, fitUtf8, shown, wellFormed } from "../../handlers/shared/text";

const isWellFormed = (text: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe("handlers: text limits", () => {
    it("replaces a lone half of a surrogate pair, keeps whole pairs", () => {
        assert.equal(wellFormed("a\ud800b\udfffc😀"), "a\ufffdb\ufffdc😀");
    });

    it("cuts to a byte limit between characters, never inside an emoji, and says so", () => {
        const text = "x".repeat(97) + "😀😀";
        const cut = fitUtf8(text, 100, "!");
        assert.equal(cut, `${"x".repeat(97)}!`, "the emoji's four bytes do not fit in the two left");
        assert.ok(Buffer.byteLength(cut) <= 100 && isWellFormed(cut));
        assert.equal(fitUtf8("short é", 100, "!"), "short é");
    });

    it("an SNS message is at most 262,144 bytes of UTF-8, whatever the characters", () => {
        for (const unit of ["a", "é", "€", "😀", "\ud800"]) {
            const message = fitSnsMessage(unit.repeat(300_000));
            assert.ok(Buffer.byteLength(message) <= 262_144, unit);
            assert.ok(Buffer.byteLength(message) > 262_000, `${unit}: cut no shorter than it must be`);
            assert.ok(isWellFormed(message), unit);
            assert.ok(message.endsWith("cut to SNS's 256 KB message limit; the function's log has the rest]"), unit);
        }
    });

    it("cuts to a number of code points, as EC2 counts a tag value", () => {
        const value = fitChars(`${"n".repeat(255)}😀😀`, 256);
        assert.equal([...value].length, 256);
        assert.ok(value.endsWith("😀") && isWellFormed(value));
    });

    it("shows a value as JSON, cutting a long one and giving its length", () => {
        assert.equal(shown("abc"), '"abc"');
        assert.equal(shown(undefined), "undefined");
        assert.equal(shown({ toString: 1 }), '{"toString":1}', "an object named like Object's members is shown, never String()ed");
        const long = shown("y".repeat(100_000), 50);
        assert.ok(long.length < 100 && long.endsWith("... (100002 characters)"), long);
    });
});
