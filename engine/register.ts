// Installs the Pulumi mocks before anything imports the program: preloaded by mocha (.mocharc.json) and by the tools that evaluate stacks (-r ./engine/register.ts).
import "../components/runtime";
import { installMocks } from "./mocks";

installMocks("test");
