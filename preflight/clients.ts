// The SDK clients the preflight reads with: the default credential chain, with the stack's `aws:profile` when it
// sets one, one client per service and region.
// https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html

/** A client class of the AWS SDK for JavaScript v3. */
type ClientClass<C> = new (config: { region: string; profile?: string; maxAttempts?: number }) => C;

export class AwsClients {
    private readonly cache = new Map<ClientClass<unknown>, Map<string, unknown>>();

    constructor(private readonly options: { readonly profile?: string } = {}) {}

    /** The client of a service in a region. */
    in<C>(Client: ClientClass<C>, region: string): C {
        const byRegion = this.cache.get(Client) ?? new Map<string, unknown>();
        this.cache.set(Client, byRegion);
        if (!byRegion.has(region)) byRegion.set(region, new Client({ region, ...(this.options.profile ? { profile: this.options.profile } : {}), maxAttempts: 5 }));
        return byRegion.get(region) as C;
    }
}

/** Pages through a paginated call until its next token is empty. */
export async function allPages<R, T>(fetch: (token: string | undefined) => Promise<R>, items: (page: R) => T[] | undefined, next: (page: R) => string | undefined): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    do {
        const page = await fetch(token);
        out.push(...(items(page) ?? []));
        token = next(page);
    } while (token);
    return out;
}
