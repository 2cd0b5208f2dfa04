// IPv4 CIDR arithmetic of the two VPCs: parsing, overlap and the subnet layout. No resources, so the settings
// declaration checks the ranges with the same code the network is built from.

/** An IPv4 network as a 32-bit base address and a prefix length. */
export interface Cidr {
    readonly base: number;
    readonly prefix: number;
}

/** Parses `a.b.c.d/n` (host bits must be zero); undefined when it is not one. */
export function parseCidr(text: string): Cidr | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const base = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) return undefined;
    return { base, prefix };
}

function formatCidr(base: number, prefix: number): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = parseCidr(a);
    const y = parseCidr(b);
    if (!x || !y) throw new Error(`not CIDR blocks: ${a}, ${b}`);
    const xEnd = x.base + 2 ** (32 - x.prefix);
    const yEnd = y.base + 2 ** (32 - y.prefix);
    return x.base < yEnd && y.base < xEnd;
}

export const TIERS = ["public", "private", "isolated"] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Subnet CIDRs per tier and AZ: the VPC block is cut into 16 equal blocks; tier t, AZ i takes block 4t + i, so
 * a /16 gives /20 subnets (public 10.0.0.0/20, 10.0.16.0/20, ...; private from 10.0.64.0/20; isolated from
 * 10.0.128.0/20) and the last quarter stays free for later tiers.
 */
export function subnetCidrs(vpcCidr: string, azCount: number): Record<Tier, string[]> {
    const vpc = parseCidr(vpcCidr);
    if (!vpc) throw new Error(`"${vpcCidr}" is not a CIDR block`);
    if (azCount < 1 || azCount > 4) throw new Error(`azCount must be 1-4; got ${azCount}`);
    const prefix = vpc.prefix + 4;
    const size = 2 ** (32 - prefix);
    const result = {} as Record<Tier, string[]>;
    TIERS.forEach((tier, t) => {
        result[tier] = Array.from({ length: azCount }, (_, i) => formatCidr(vpc.base + (4 * t + i) * size, prefix));
    });
    return result;
}
