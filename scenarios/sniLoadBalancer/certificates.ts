// What a set of sites asks of one HTTPS listener: the key algorithms ACM issues, the certificates the sites need and
// the listener's limit. Shared by the settings declaration (which refuses too many) and the component.

/** Key algorithms ACM issues public certificates with; RSA and ECDSA certificates for one site may coexist. */
export const CERTIFICATE_KEY_ALGORITHMS = ["RSA_2048", "EC_prime256v1", "EC_secp384r1"] as const;
export type CertificateKeyAlgorithm = (typeof CERTIFICATE_KEY_ALGORITHMS)[number];

/** Certificates an ALB listener takes besides its default certificate. */
export const MAX_EXTRA_CERTIFICATES = 25;

/** Every host name of a site: its domain name first, then its alternative names. */
export function siteHostNames(site: { readonly domainName: string; readonly alternativeNames?: readonly string[] }): string[] {
    return [site.domainName, ...(site.alternativeNames ?? [])];
}

/** The certificates a set of sites needs: one per site and key algorithm (RSA_2048 alone when a site names none). */
export function certificateCount(sites: readonly { readonly keyAlgorithms?: readonly string[] }[]): number {
    return sites.reduce((n, s) => n + (s.keyAlgorithms?.length ?? 1), 0);
}
