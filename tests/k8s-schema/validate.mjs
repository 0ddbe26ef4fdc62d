// Validates Kubernetes objects against the API's JSON schemas as shipped (compiled with ajv) by the
// kubernetes-models package. Used by tests/Platform.DeployTests; nothing here is a hand-written schema.
//
//   node validate.mjs FILE...   (multi-document YAML; "-" or no file reads stdin)
//
// Prints one JSON line per object: {"file","index","apiVersion","kind","name","ok","errors"}.
// An object whose apiVersion/kind the package does not know fails (a typo must not pass unchecked).
// Exit code: 0 when every object is valid, 1 when one is not, 2 on unreadable input.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9.\/-]+$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind] ?? null;
  } catch {
    return null;
  }
}

function describe(error) {
  if (Array.isArray(error?.errors)) {
    return error.errors.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params ?? {})}`);
  }
  return [String(error?.message ?? error)];
}

const files = process.argv.slice(2);
if (files.length === 0) files.push("-");
let failed = false;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    console.error(`cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
  const documents = parseAllDocuments(text);
  for (const [index, document] of documents.entries()) {
    if (document.errors.length > 0) {
      failed = true;
      console.log(JSON.stringify({ file, index, ok: false, errors: document.errors.map((e) => e.message) }));
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    const { apiVersion, kind } = object;
    const name = object.metadata?.name ?? null;
    const Model = await modelFor(apiVersion, kind);
    let errors = [];
    if (!Model) {
      errors = [`unknown apiVersion/kind ${apiVersion}/${kind} (not in kubernetes-models)`];
    } else {
      try {
        new Model(object).validate();
      } catch (e) {
        errors = describe(e);
      }
    }
    if (errors.length > 0) failed = true;
    console.log(JSON.stringify({ file, index, apiVersion, kind, name, ok: errors.length === 0, errors }));
  }
}
process.exit(failed ? 1 : 0);
