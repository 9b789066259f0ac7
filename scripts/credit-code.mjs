// Unified social credit codes (统一社会信用代码, GB 32100-2015), for the demo
// loaders and tools that make up companies (scripts/demo-integrity.mjs,
// tools/enterprise-gen): every code they write has a valid check character.
//
// A code is the registering authority and the kind of entity ("91" a
// company, "92" an individual business), the six-digit region, the
// nine-character organization code (eight characters and their GB 11714
// check character) and the check character of those 17, computed as
// integrity_credit_code_valid in services/integrity/src/rules.c checks it.

export const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function orgCode(body) {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body[i], 36) * weights[i];
  const check = 11 - (sum % 11);
  return body + (check === 10 ? 'X' : check === 11 ? '0' : String(check));
}

// The code of kind ("91", "92"), region (six digits) and body (the eight
// characters of the organization code before its check character).
export function creditCode(kind, region, body) {
  const first = kind + region + orgCode(body);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CODE_CHARS.indexOf(first[i]);
    if (v < 0) throw new Error(`no credit code character: ${first[i]}`);
    // The weight of position i is 3^i mod 31.
    let w = 1;
    for (let k = 0; k < i; k++) w = (w * 3) % 31;
    sum += v * w;
  }
  return first + CODE_CHARS[(31 - (sum % 31)) % 31];
}
