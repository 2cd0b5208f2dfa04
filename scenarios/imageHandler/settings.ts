// The one declaration of every key of `aws-blueprints:imageHandler`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { lambdaMemoryMb, wholeNumber } from "../../components/settings";
import { CLOUDFRONT_PRICE_CLASSES } from "../multiRegionApi/regions";

export const imageHandlerSettings = z
    .object({
        enabled: enabled(),
        priceClass: z.enum(CLOUDFRONT_PRICE_CLASSES).default("PriceClass_100").describe("CloudFront edge locations served: `PriceClass_100` (North America, Europe, Israel), `PriceClass_200` (+ most of Asia, Africa) or `PriceClass_All`."),
        architecture: z.enum(["x86_64", "arm64"]).default("x86_64").describe("Instruction set of the resize function; sharp's matching Linux binaries (`@img/sharp-linux-<cpu>`, `@img/sharp-libvips-linux-<cpu>`) must be installed."),
        memorySizeMb: lambdaMemoryMb(512).default(1536).describe("Memory of the resize function in MB (CPU grows with it); 75% of it must hold about `maxSourceMegabytes` plus 12 bytes per source pixel."),
        maxWidth: wholeNumber(1, 16383).default(4000).describe("Largest width a path may ask for, in pixels."),
        maxHeight: wholeNumber(1, 16383).default(4000).describe("Largest height a path may ask for, in pixels."),
        maxSourceMegabytes: wholeNumber(1, 1024).default(20).describe("Largest source object read, in MB (1 MB = 1,048,576 bytes)."),
        maxSourceMegapixels: wholeNumber(1, 268).default(50).describe("Largest source image decoded, in megapixels (millions of pixels)."),
        defaultQuality: wholeNumber(1, 100).default(80).describe("JPEG, WebP and AVIF encoder quality when a path gives none."),
        defaultTtlSeconds: wholeNumber(0, 31536000).default(86400).describe("How long CloudFront keeps a response without `Cache-Control`, in seconds (resized images carry a year)."),
        reservedConcurrency: wholeNumber(1, 10000).optional().meta({ description: "Concurrency reserved for (and capping) the resize function.", whenUnset: "unreserved" }),
    })
    .strict()
    .superRefine((s, ctx) => {
        // The source bytes plus about three RGBA copies of the decoded image must fit in 75% of the function's memory.
        const neededMb = s.maxSourceMegabytes + Math.ceil((s.maxSourceMegapixels * 1_000_000 * 12) / (1024 * 1024));
        if (neededMb > s.memorySizeMb * 0.75) {
            ctx.addIssue({
                code: "custom",
                path: ["memorySizeMb"],
                input: s.memorySizeMb,
                message: `is too small for maxSourceMegabytes ${s.maxSourceMegabytes} and maxSourceMegapixels ${s.maxSourceMegapixels} (about ${neededMb} MB needed, at most 75% of memory); raise it or lower the limits`,
            });
        }
    });

export type ImageHandlerSettings = z.output<typeof imageHandlerSettings>;
