// The regions Route 53 and CloudFront offer, shared by the declaration and the component.

/** Regions Route 53 health checkers run in (HealthCheckRegion); a health check names none or at least three. */
export const HEALTH_CHECKER_REGIONS = [
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
] as const;

/** CloudFront price classes: the sets of edge locations a distribution is served from. */
export const CLOUDFRONT_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
