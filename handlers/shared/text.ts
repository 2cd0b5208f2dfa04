// Text a handler hands to AWS or puts in an error message: bounded, and cut only between characters. A lone half of
// a surrogate pair (what String.slice leaves when it cuts through an emoji, or what a JSON event may carry as
// "\ud800") makes the SDK's query serializer (SNS, EC2, IAM, CloudFormation) throw URIError before anything is
// sent, on every retry; it is replaced by U+FFFD here.

function isLoneSurrogate(ch: string): boolean {
    const code = ch.charCodeAt(0);
    return ch.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

function utf8Bytes(ch: string): number {
    const code = ch.codePointAt(0)!;
    return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/** `text` with every lone surrogate replaced by U+FFFD, so it encodes as UTF-8. */
export function wellFormed(text: string): string {
    let out = "";
    for (const ch of text) out += isLoneSurrogate(ch) ? "\ufffd" : ch;
    return out;
}

/**
 * `text` as well-formed UTF-8 of at most `maxBytes` bytes. A text that does not fit is cut at a character boundary
 * and ends with `note`, which says so.
 */
export function fitUtf8(text: string, maxBytes: number, note: string): string {
    const whole = wellFormed(text);
    if (Buffer.byteLength(whole) <= maxBytes) return whole;
    const budget = maxBytes - Buffer.byteLength(note);
    let bytes = 0;
    let end = 0;
    for (const ch of whole) {
        bytes += utf8Bytes(ch);
        if (bytes > budget) break;
        end += ch.length;
    }
    return whole.slice(0, end) + note;
}

/** `text` of at most `max` characters (code points, as EC2 counts a tag's length), never split inside one. */
export function fitChars(text: string, max: number): string {
    let out = "";
    let count = 0;
    for (const ch of text) {
        if (++count > max) break;
        out += isLoneSurrogate(ch) ? "\ufffd" : ch;
    }
    return out;
}

/**
 * An SNS message: at most 256 KB of UTF-8, "262,144 bytes, not 262,144 characters"; a longer one makes Publish fail,
 * on every retry. https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export function fitSnsMessage(text: string): string {
    return fitUtf8(text, 262_144, "\n\n[... cut to SNS's 256 KB message limit; the function's log has the rest]");
}

/** A value as JSON for an error message, cut to `max` characters: a request's 100,000-character field is not echoed whole. */
export function shown(value: unknown, max = 200): string {
    const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
    if (text.length <= max) return text;
    return `${fitChars(text, max)}... (${text.length} characters)`;
}
