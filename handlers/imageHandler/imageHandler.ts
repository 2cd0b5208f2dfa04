// Serves resized images from S3 for Thumbor-style paths (README scenario 9, Serverless Image Handler).
// Pure logic: the S3 client and the image library (sharp) are injected, so tests run it with real images and a mocked S3.
import type { GetObjectCommandOutput, S3 } from "@aws-sdk/client-s3";
import type sharpLibrary from "sharp";
import { hasErrorName, namedError } from "../shared/errors";

export type OutputFormat = "jpeg" | "png" | "webp" | "avif";

/** What a request path asks for. */
export interface ImageRequest {
    /** S3 object key of the source image. */
    readonly key: string;
    /** Target width in pixels; undefined keeps the aspect ratio from the height (or the source width). */
    readonly width?: number;
    /** Target height in pixels; undefined keeps the aspect ratio from the width (or the source height). */
    readonly height?: number;
    /** `cover`: fill WxH exactly, cropping the overflow (Thumbor's default); `inside`: fit within WxH (`/fit-in/`). */
    readonly fit: "cover" | "inside";
    /** Output format; undefined keeps the source format. */
    readonly format?: OutputFormat;
    /** Encoder quality 1-100 (JPEG, WebP, AVIF). */
    readonly quality?: number;
}

export interface ImageHandlerConfig {
    /** Bucket holding the source images. */
    readonly bucket: string;
    /** Largest width a path may ask for. */
    readonly maxWidth: number;
    /** Largest height a path may ask for. */
    readonly maxHeight: number;
    /** Largest source object read into memory, in bytes. */
    readonly maxSourceBytes: number;
    /** Largest source image decoded, in pixels (width x height), which bounds decoding memory. */
    readonly maxSourcePixels: number;
    /** Encoder quality when the path does not give one. */
    readonly defaultQuality: number;
}

export type Sharp = typeof sharpLibrary;

export interface ImageHandlerDeps {
    readonly s3: Pick<S3, "getObject">;
    readonly sharp: Sharp;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

/** A function URL (payload 2.0) or API Gateway proxy response. */
export interface HttpResponse {
    readonly statusCode: number;
    readonly headers: Record<string, string>;
    readonly body: string;
    readonly isBase64Encoded: boolean;
}

/** A request the handler answers with a 4xx status instead of an image. */
export type HttpError = Error & { readonly statusCode: number };

export function httpError(statusCode: number, message: string): HttpError {
    return namedError("HttpError", message, { statusCode });
}

/** An event that is not an HTTP request from a function URL or API Gateway: a wiring mistake, not a client error. */
export function malformedEventError(message: string): Error {
    return namedError("MalformedEventError", `Malformed image request event: ${message}`);
}

// Module constants stay unexported: exported consts are read through `exports`, which closure
// serialization would then capture whole.
const FORMATS: Record<string, OutputFormat> = { jpeg: "jpeg", jpg: "jpeg", png: "png", webp: "webp", avif: "avif" };
const CONTENT_TYPES: Record<OutputFormat, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp", avif: "image/avif" };
const IMAGE_CACHE_CONTROL = "public, max-age=31536000, immutable";
const ERROR_CACHE_CONTROL = "public, max-age=60";
// Lambda returns at most 6 MB from a function URL or API Gateway; the base64 body must leave room for headers.
const MAX_BODY_CHARS = 5 * 1024 * 1024;
const SIZE = /^(\d*)x(\d*)$/;

/** Parses `[unsafe/][fit-in/][WxH/][filters:name(arg):.../]<key>`; throws HttpError 400 on anything it cannot serve. */
export function parseImagePath(rawPath: string, limits: Pick<ImageHandlerConfig, "maxWidth" | "maxHeight">): ImageRequest {
    if (!rawPath.startsWith("/")) throw httpError(400, `the path must start with /; got ${JSON.stringify(rawPath)}`);
    const segments = rawPath.slice(1).split("/");
    let i = 0;
    // Thumbor URLs signed with "unsafe" (no HMAC) are accepted as is: access is governed by CloudFront, not by signatures.
    if (segments[i] === "unsafe") i++;
    let fit: ImageRequest["fit"] = "cover";
    if (segments[i] === "fit-in") {
        fit = "inside";
        i++;
    }
    let width: number | undefined;
    let height: number | undefined;
    const size = SIZE.exec(segments[i] ?? "");
    if (size && (size[1] !== "" || size[2] !== "")) {
        width = dimension(size[1], "width", limits.maxWidth);
        height = dimension(size[2], "height", limits.maxHeight);
        i++;
    } else if (/^-?\d*x-?\d*$/.test(segments[i] ?? "") && /\d/.test(segments[i] ?? "")) {
        throw httpError(400, `size "${segments[i]}" is not supported: flipping (negative sizes) is not available; use WxH with whole numbers`);
    } else if (/^\d+(\.\d+)?x\d+(\.\d+)?$/.test(segments[i] ?? "")) {
        throw httpError(400, `size "${segments[i]}" must be whole pixels, like 300x200`);
    }
    if (fit === "inside" && width === undefined && height === undefined) {
        throw httpError(400, "fit-in needs a size after it, like /fit-in/300x200/<key>");
    }
    let format: OutputFormat | undefined;
    let quality: number | undefined;
    if (segments[i]?.startsWith("filters:")) {
        ({ format, quality } = parseFilters(segments[i].slice("filters:".length)));
        i++;
    }
    const encoded = segments.slice(i);
    if (encoded.length === 0 || encoded.every((s) => s === "")) throw httpError(400, "the path names no image key");
    let key: string;
    try {
        key = encoded.map((s) => decodeURIComponent(s)).join("/");
    } catch {
        throw httpError(400, "the image key is not valid percent-encoding");
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(key)) throw httpError(400, "the image key contains control characters");
    if (Buffer.byteLength(key) > 1024) throw httpError(400, "the image key is longer than S3's 1024-byte limit");
    return {
        key,
        fit,
        ...(width ? { width } : {}),
        ...(height ? { height } : {}),
        ...(format ? { format } : {}),
        ...(quality ? { quality } : {}),
    };
}

function dimension(text: string, what: "width" | "height", max: number): number | undefined {
    if (text === "") return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw httpError(400, `${what} "${text}" is not a whole number`);
    if (value > max) throw httpError(400, `${what} ${value} is larger than the maximum ${max}`);
    // Thumbor's 0 means "keep the aspect ratio", as an empty size does.
    return value === 0 ? undefined : value;
}

function parseFilters(text: string): { format?: OutputFormat; quality?: number } {
    const result: { format?: OutputFormat; quality?: number } = {};
    const seen = new Set<string>();
    let rest = text;
    if (rest === "") throw httpError(400, "filters: names no filter; use e.g. filters:format(webp)");
    while (rest.length > 0) {
        const m = /^([a-z_]+)\(([^()]*)\)(:|$)/.exec(rest);
        if (!m) throw httpError(400, `cannot read the filters "${text}"; write them as filters:format(webp):quality(80)`);
        const [whole, name, arg] = m;
        if (seen.has(name)) throw httpError(400, `the filter ${name} is given twice`);
        seen.add(name);
        if (name === "format") {
            // Own keys only: `format(constructor)` or `format(__proto__)` must not find Object's built-ins.
            const format = Object.hasOwn(FORMATS, arg.toLowerCase()) ? FORMATS[arg.toLowerCase()] : undefined;
            if (!format) throw httpError(400, `format "${arg}" is not supported; use one of jpeg, png, webp, avif`);
            result.format = format;
        } else if (name === "quality") {
            const q = Number(arg);
            if (!/^\d{1,3}$/.test(arg) || q < 1 || q > 100) throw httpError(400, `quality "${arg}" must be a whole number from 1 to 100`);
            result.quality = q;
        } else {
            throw httpError(400, `the filter ${name} is not supported; supported filters: format, quality`);
        }
        rest = rest.slice(whole.length);
    }
    return result;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function errorName(err: unknown): string {
    return isObject(err) ? String(err.name ?? err.Code ?? "") : "";
}

function jsonResponse(statusCode: number, message: string): HttpResponse {
    return {
        statusCode,
        headers: { "Content-Type": "application/json", "Cache-Control": ERROR_CACHE_CONTROL },
        body: JSON.stringify({ message }),
        isBase64Encoded: false,
    };
}

/** The request path and method of a function URL (payload 2.0) or API Gateway (REST or HTTP API) event. */
function requestOf(event: unknown): { path: string; method: string } {
    if (!isObject(event)) throw malformedEventError("the event is not an object");
    const context = isObject(event.requestContext) ? event.requestContext : {};
    const http = isObject(context.http) ? context.http : undefined;
    const path = typeof event.rawPath === "string" ? event.rawPath : typeof event.path === "string" ? event.path : undefined;
    const method = typeof http?.method === "string" ? http.method : typeof event.httpMethod === "string" ? event.httpMethod : undefined;
    if (path === undefined || method === undefined) throw malformedEventError("it has no rawPath/path and HTTP method");
    return { path, method: method.toUpperCase() };
}

function outputFormatFor(source: string | undefined): OutputFormat {
    if (source === "jpeg" || source === "png" || source === "webp") return source;
    if (source === "heif") return "avif";
    // GIF, TIFF, SVG and the rest are served as PNG: lossless, universally displayable.
    return "png";
}

/**
 * Answers one HTTP request: 200 with the resized image (base64), 400 for a path it cannot serve, 404 for a missing key,
 * 405 for methods other than GET/HEAD, 422 for a source or result outside the size limits or not an image.
 * Throws on AWS failures (throttling, access denied) so they count as function errors and are retried by the caller.
 */
export async function handleImageRequest(event: unknown, config: ImageHandlerConfig, deps: ImageHandlerDeps): Promise<HttpResponse> {
    const log = deps.log ?? (() => undefined);
    const { path, method } = requestOf(event);
    if (method !== "GET" && method !== "HEAD") return jsonResponse(405, `method ${method} is not allowed; use GET`);
    let request: ImageRequest;
    try {
        request = parseImagePath(path, config);
    } catch (err) {
        if (hasErrorName(err, "HttpError")) {
            const { statusCode, message } = err as HttpError;
            log("rejected path", { path, status: statusCode, reason: message });
            return jsonResponse(statusCode, message);
        }
        throw err;
    }

    let object: GetObjectCommandOutput;
    try {
        object = await deps.s3.getObject({ Bucket: config.bucket, Key: request.key });
    } catch (err) {
        // With s3:ListBucket granted, a missing key is NoSuchKey; everything else (AccessDenied, SlowDown) is a real failure.
        if (errorName(err) === "NoSuchKey" || errorName(err) === "NotFound") {
            log("no such image", { key: request.key });
            return jsonResponse(404, `no image named ${JSON.stringify(request.key)}`);
        }
        throw err;
    }
    const body = object.Body as unknown as { transformToByteArray?: () => Promise<Uint8Array>; destroy?: () => void } | undefined;
    if (!body?.transformToByteArray) throw new Error(`GetObject of ${request.key} returned no body`);
    if (object.ContentLength !== undefined && object.ContentLength > config.maxSourceBytes) {
        body.destroy?.();
        return jsonResponse(422, `the source image is ${object.ContentLength} bytes; the limit is ${config.maxSourceBytes}`);
    }
    const bytes = await body.transformToByteArray();
    if (bytes.byteLength > config.maxSourceBytes) {
        return jsonResponse(422, `the source image is ${bytes.byteLength} bytes; the limit is ${config.maxSourceBytes}`);
    }

    let metadata: Awaited<ReturnType<ReturnType<Sharp>["metadata"]>>;
    try {
        // Reading the header decodes no pixels, so it may look at any size; the pipeline below may not.
        metadata = await deps.sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (err) {
        log("unreadable source", { key: request.key, error: String(err) });
        return jsonResponse(422, `${JSON.stringify(request.key)} is not an image this service can read`);
    }
    const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
    if (pixels > config.maxSourcePixels) {
        return jsonResponse(422, `the source image has ${pixels} pixels; the limit is ${config.maxSourcePixels}`);
    }
    const input = deps.sharp(bytes, { limitInputPixels: config.maxSourcePixels, failOn: "error" });
    const format = request.format ?? outputFormatFor(metadata.format);
    const quality = request.quality ?? config.defaultQuality;
    // rotate() without an angle applies the EXIF orientation, so phone photos come out upright.
    let pipeline = input.rotate();
    if (request.width !== undefined || request.height !== undefined) {
        pipeline = pipeline.resize({
            width: request.width,
            height: request.height,
            fit: request.fit,
            // Fitting within a box never enlarges (as Thumbor's fit-in); an exact WxH fill may.
            withoutEnlargement: request.fit === "inside",
        });
    }
    pipeline = format === "png" ? pipeline.png({ compressionLevel: 9 }) : pipeline.toFormat(format, { quality });
    let output: { data: Buffer; info: { width: number; height: number } };
    try {
        output = await pipeline.toBuffer({ resolveWithObject: true });
    } catch (err) {
        log("cannot process source", { key: request.key, error: String(err) });
        return jsonResponse(422, `${JSON.stringify(request.key)} could not be processed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const encoded = output.data.toString("base64");
    if (encoded.length > MAX_BODY_CHARS) {
        return jsonResponse(422, `the result is ${output.data.byteLength} bytes, too large to return; ask for a smaller size or filters:format(webp)`);
    }
    log("served", { key: request.key, format, width: output.info.width, height: output.info.height, bytes: output.data.byteLength });
    return {
        statusCode: 200,
        headers: { "Content-Type": CONTENT_TYPES[format], "Cache-Control": IMAGE_CACHE_CONTROL },
        body: encoded,
        isBase64Encoded: true,
    };
}

function positiveInteger(env: Readonly<Record<string, string | undefined>>, name: string): number {
    const value = Number(env[name]);
    if (!env[name] || !Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number; got ${JSON.stringify(env[name])}`);
    return value;
}

/** Reads the function's configuration from its environment variables; throws when one is missing or malformed. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): ImageHandlerConfig {
    const bucket = env.SOURCE_BUCKET;
    if (!bucket) throw new Error("SOURCE_BUCKET is not set");
    const defaultQuality = positiveInteger(env, "DEFAULT_QUALITY");
    if (defaultQuality > 100) throw new Error(`DEFAULT_QUALITY must be 1-100; got ${defaultQuality}`);
    return {
        bucket,
        maxWidth: positiveInteger(env, "MAX_WIDTH"),
        maxHeight: positiveInteger(env, "MAX_HEIGHT"),
        maxSourceBytes: positiveInteger(env, "MAX_SOURCE_BYTES"),
        maxSourcePixels: positiveInteger(env, "MAX_SOURCE_PIXELS"),
        defaultQuality,
    };
}
