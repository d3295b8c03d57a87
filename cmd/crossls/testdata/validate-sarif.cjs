// Validates SARIF files against the SARIF 2.1.0 JSON schema that the SARIF
// Multitool ships. Usage: node validate-sarif.cjs SCHEMA FILE...
// Prints one line per violation and exits 1 if there is any.
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [schemaFile, ...files] = process.argv.slice(2);
const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const file of files) {
  const log = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!validate(log)) {
    for (const e of validate.errors) {
      console.log(`${file}: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
      bad++;
    }
  }
}
console.log(`${files.length} files, ${bad} violations`);
process.exit(bad > 0 ? 1 : 0);
