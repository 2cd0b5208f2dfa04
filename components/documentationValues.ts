// Values reserved for documentation, which must never reach AWS: a stack file copied from the docs or an example
// before its owner filled it in. A preview warns about each; an update stops before any resource (settings.ts).

/**
 * Values reserved for documentation that must never reach AWS: the example domains (RFC 2606 section 3,
 * https://www.rfc-editor.org/rfc/rfc2606#section-3), the IPv4 documentation ranges TEST-NET-1/2/3 (RFC 5737,
 * https://www.rfc-editor.org/rfc/rfc5737#section-3), the account id AWS's own documentation uses in sample ARNs
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html), and this project's sample hosted zone id.
 */
const EXAMPLE_DOMAIN = /(?:^|[^a-z0-9-])(?:[a-z0-9*-]+\.)*example\.(?:com|net|org)(?![a-z0-9-]|\.[a-z0-9])/i;
const SAMPLE_ACCOUNT = /(?:^|\D)123456789012(?:\D|$)/;
export const SAMPLE_HOSTED_ZONE_ID = "Z0123456789ABCDEFGHIJ";
const DOCUMENTATION_NETWORKS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
const IPV4_OR_CIDR = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?![\d.])/g;

function ipv4Number(address: string): number | undefined {
    const parts = address.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p > 255)) return undefined;
    return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** An address, or a CIDR block wholly inside one of the documentation ranges (a wider block is a real network). */
function inDocumentationNetwork(address: string, prefix: number | undefined): boolean {
    const n = ipv4Number(address);
    if (n === undefined || (prefix !== undefined && prefix < 24)) return false;
    return DOCUMENTATION_NETWORKS.some((range) => {
        const base = ipv4Number(range.split("/")[0])!;
        return n >>> 8 === base >>> 8;
    });
}

/** What makes a value documentation-only, or undefined for a value that may reach AWS. */
export function documentationOnlyReason(value: string): string | undefined {
    const domain = EXAMPLE_DOMAIN.exec(value);
    if (domain) return `${domain[0].replace(/^[^a-z0-9*]/i, "")} is an example domain, reserved for documentation (RFC 2606)`;
    for (const m of value.matchAll(IPV4_OR_CIDR)) {
        if (inDocumentationNetwork(m[1], m[2] === undefined ? undefined : Number(m[2]))) {
            return `${m[0]} is in a documentation range (${DOCUMENTATION_NETWORKS.join(", ")}; RFC 5737)`;
        }
    }
    if (value.includes(SAMPLE_HOSTED_ZONE_ID)) return `${SAMPLE_HOSTED_ZONE_ID} is the sample hosted zone id of this project's docs`;
    if (SAMPLE_ACCOUNT.test(value)) return "123456789012 is the sample account id of the AWS documentation";
    return undefined;
}

/** One configuration value reserved for documentation. */
export interface DocumentationOnlyValue {
    /** Full config path, e.g. `aws-blueprints:multiRegionApi.domainName`. */
    readonly key: string;
    readonly reason: string;
}

/**
 * Walks raw configuration (full keys, values as the config system stores them) and lists every value, at any depth,
 * that is reserved for documentation, in the keys of `namespaces` (the project's and the AWS provider's; others are not ours).
 */
export function findDocumentationOnlyValues(config: Record<string, string>, namespaces: readonly string[]): DocumentationOnlyValue[] {
    const found: DocumentationOnlyValue[] = [];
    const walk = (value: unknown, key: string) => {
        if (typeof value === "string" || typeof value === "number") {
            const reason = documentationOnlyReason(String(value));
            if (reason) found.push({ key, reason });
        } else if (Array.isArray(value)) {
            value.forEach((v, i) => walk(v, `${key}[${i}]`));
        } else if (value !== null && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) walk(v, `${key}.${k}`);
        }
    };
    for (const [key, raw] of Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (!namespaces.some((n) => key.startsWith(`${n}:`))) continue;
        let value: unknown = raw;
        try {
            value = JSON.parse(raw);
        } catch {
            // A plain string.
        }
        walk(value, key);
    }
    return found;
}

/** The error `pulumi up` stops with when the configuration still holds documentation-only values. */
export class DocumentationValuesError extends Error {
    constructor(readonly values: readonly DocumentationOnlyValue[]) {
        super(
            `The stack configuration still holds values reserved for documentation; replace them with your own before pulumi up:\n` +
                values.map((v) => `  - ${v.key}: ${v.reason}`).join("\n"),
        );
        this.name = "DocumentationValuesError";
    }
}
