// Input paths as the constraints layer names them: `a.b` a nested block, `a[]` any element of a list, `a.{}` any
// value of a map; a concrete path names the element or key (`rules[0].expiration.days`, `tags.owner`).

export function isPlainObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The values at a normalized input path (`a.b`, `a[]`, `a.{}`), each with its concrete path (`a[0].b`). */
export function valuesAt(inputs: unknown, normalized: string): Array<{ path: string; value: unknown }> {
    const parts = normalized.split(/\.|(?=\[\])/).filter((p) => p !== "");
    const out: Array<{ path: string; value: unknown }> = [];
    const visit = (value: unknown, i: number, at: string): void => {
        if (value === undefined || value === null) return;
        if (i === parts.length) {
            out.push({ path: at, value });
            return;
        }
        const part = parts[i];
        if (part === "[]") {
            if (Array.isArray(value)) value.forEach((v, n) => visit(v, i + 1, `${at}[${n}]`));
        } else if (part === "{}") {
            if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, i + 1, `${at}.${k}`);
        } else if (isPlainObject(value)) {
            visit(value[part], i + 1, at ? `${at}.${part}` : part);
        }
    };
    visit(inputs, 0, "");
    return out;
}

/** Whether a normalized input path has a value in these inputs. */
export function hasPath(inputs: unknown, normalized: string): boolean {
    return valuesAt(inputs, normalized).length > 0;
}
