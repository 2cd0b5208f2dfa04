// Which hosted zone receives a sending domain's DKIM records: a rule of the settings declaration, kept out of the
// component so the declaration loads no resource code.

/**
 * Why a domain needs an explicit hosted zone id, or undefined when the zone named like it is the one to look up.
 * Route 53's lookup by name fails the whole run when no zone has exactly that name ("no matching Route 53 Hosted Zone
 * found"), and the zone holding a subdomain's records is usually its parent's, so a name with more labels than a
 * registrable domain (example.com) needs the id. Multi-label public suffixes (example.co.uk) need it too: telling
 * them apart needs the public suffix list.
 */
export function zoneIdRequired(domain: string): string | undefined {
    const labels = domain.split(".");
    if (labels.length <= 2) return undefined;
    const parent = labels.slice(1).join(".");
    return (
        `is required for domain "${domain}": give the id of the public Route 53 zone that holds its records ` +
        `(the zone of ${parent} or another parent, or ${domain}'s own zone if it is delegated)`
    );
}
