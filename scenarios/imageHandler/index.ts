// Scenario: `aws-blueprints:imageHandler`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { ImageHandler } from "./component";
import { imageHandlerSettings } from "./settings";

export const imageHandler = defineScenario({
    key: "imageHandler",
    readme: { number: 9, title: "Serverless image handler" },
    declaration: imageHandlerSettings,
    build: (settings, shared) => {
        const images = new ImageHandler("image-handler", { ...shared, ...settings });
        return pick(images, ["url", "distributionId", "sourceBucketName", "functionName", "functionUrl", "alertsTopicArn"]);
    },
});
