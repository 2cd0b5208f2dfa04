// Mocha setup (loaded once via .mocharc.json): installs the Pulumi mocks before any spec imports the program.
import "../components/runtime";
import { installMocks } from "./mocks";

installMocks("test");
