"""drf-spectacular post-processing: what every operation shares, said once for the whole schema.

- An optional query parameter sent empty (`?lead_status=`, what an HTML form or a cleared SPA
  input sends) means "not given": django-filter and the paginator both skip it. The schema says
  so with `allowEmptyValue`, so clients and fuzzers know the empty value is accepted.
- Every paginated operation answers 400 for a `page_size` that is not a positive integer
  (`common.api.pagination.StandardPagination`), whether or not its view lists other 400s.
- A request body whose schema lists its accepted shapes (`anyOf` named components, each requiring
  some fields: `common.api.schema.RequiredAlternatives`) is required: no body at all fits none of them.
"""

PAGE_SIZE_ERROR = "Invalid input, e.g. a `page_size` that is not a positive integer; each offending parameter lists its messages."


def document_query_conventions(result, generator, request, public):
    validation_error = "#/components/schemas/ValidationError"
    has_validation_component = "ValidationError" in result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            for parameter in query:
                if not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            paginated = any(p.get("name") == "page_size" for p in query)
            responses = operation.setdefault("responses", {})
            if paginated and "400" not in responses:
                response = {"description": PAGE_SIZE_ERROR}
                if has_validation_component:
                    response["content"] = {"application/json": {"schema": {"$ref": validation_error}}}
                responses["400"] = response
                # Keep the responses in status order, as drf-spectacular writes them.
                operation["responses"] = dict(sorted(responses.items()))
    return result


def require_bodies_with_alternatives(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"

    def resolved(schema):
        reference = schema.get("$ref", "")
        return schemas.get(reference.removeprefix(prefix), {}) if reference.startswith(prefix) else schema

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            for content in operation["requestBody"].get("content", {}).values():
                alternatives = resolved(content.get("schema", {})).get("anyOf")
                if alternatives and all(resolved(alternative).get("required") for alternative in alternatives):
                    operation["requestBody"]["required"] = True
    return result
