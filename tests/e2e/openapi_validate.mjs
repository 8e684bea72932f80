// Validates an OpenAPI document (a file) against the OpenAPI Initiative's own JSON schemas, with a
// validator nobody here wrote (@seriousme/openapi-schema-validator, from npm): strata's unit test
// checks the document's shape by strata's own reading; this is the ecosystem's.
// Usage: node openapi_validate.mjs PACKAGES_DIR FILE. Prints "valid 3.1" and exits 0, or the
// validator's errors and exits 1.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [packages, file] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(packages), "package.json"));
const { Validator } = await import(require.resolve("@seriousme/openapi-schema-validator"));
const validator = new Validator();
const result = await validator.validate(JSON.parse(readFileSync(file, "utf8")));
if (!result.valid) {
  console.log(JSON.stringify(result.errors, null, 1).slice(0, 4000));
  process.exit(1);
}
console.log("valid", validator.version);
