// `node --import ./test/unit/register.mjs`: lets node load what tsc compiled from the UI's sources (resolve.mjs).
import { register } from "node:module";

register("./resolve.mjs", import.meta.url);
