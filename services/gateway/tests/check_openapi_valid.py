"""Validate docs/api/openapi.yaml against the OpenAPI 3.1 schema.

Run by ctest as gateway_unit_openapi_valid. Exits 77 (skipped) when the
validator is not installed (pip openapi-spec-validator, or Debian's
python3-openapi-spec-validator), so the check is a bonus, never a build
requirement; gateway_unit_openapi_doc checks the routes either way.
"""
import sys

try:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename
except ImportError:
    print("openapi-spec-validator is not installed: skipped")
    sys.exit(77)

spec, _ = read_from_filename(sys.argv[1])
validate(spec)
print(f"{sys.argv[1]}: valid OpenAPI {spec.get('openapi')}")
