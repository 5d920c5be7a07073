// Verifies an App Store Connect token with node's `jose`, independently of asc-jwt.
// Usage: node verify-token.mjs PUBLIC_KEY_PEM [AUDIENCE] < token
import { readFileSync } from "node:fs";
import { importSPKI, jwtVerify } from "jose";

const [publicKeyPath, audience = "appstoreconnect-v1"] = process.argv.slice(2);
const token = readFileSync(0, "utf8").trim();
const key = await importSPKI(readFileSync(publicKeyPath, "utf8"), "ES256");
const { payload, protectedHeader } = await jwtVerify(token, key, {
  algorithms: ["ES256"],
  audience,
  typ: "JWT",
});
console.log(
  `jose: signature valid; header ${Object.keys(protectedHeader).sort()}; claims ${Object.keys(payload).sort()}`,
);
