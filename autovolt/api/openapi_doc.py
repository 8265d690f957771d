"""The OpenAPI document says what the API really answers, so clients and schema-driven fuzzing can rely on it.

FastAPI documents only what a route declares: its default 422 body (a list of pydantic errors) is not the one-line
`detail` plus `errors` that autovolt.api.errors answers; the 401 of the API-key guard, the 413 of the body limit and
the 503 of a database outage are missing; error responses declared with a description only have no body schema.
`complete_schema` fixes the generated document once, when it is first asked for.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

REF = "#/components/schemas/{model}"


class FieldProblem(BaseModel):
    field: str = Field(..., description="Where in the request, dotted (context.now, data.3.consumption)")
    message: str


class Problem(BaseModel):
    """Every error answer: one line for a person, no internals."""

    detail: str = Field(..., description="One line saying what is wrong and, where it helps, what to send instead")
    failing: dict[str, str] | None = Field(None, description="503 only: the dependency that is down and why, as "
                                                             "GET /ready reports it")


class ValidationProblem(BaseModel):
    """A 422: the request does not fit the schema (`errors` lists each field), or cannot be used as given."""

    detail: str = Field(..., description="The first problems, on one line")
    errors: list[FieldProblem] | None = Field(None, description="Each field's problem, when the body failed validation")


class NotReady(BaseModel):
    status: str = Field(..., description="unavailable")
    failing: dict[str, str] = Field(..., description="Each failing check and why")


# Answers every route behind the API key can give besides its own.
GUARDED = {"401": "Missing or wrong API key (or no AUTOVOLT_API_KEY configured)",
           "413": "Request body larger than allowed",
           "503": "A dependency is down (the database); `failing` says which and why, as GET /ready does"}


def complete_schema(app: FastAPI) -> None:
    """Install the corrected document as the app's `openapi()`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            _complete(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, ValidationProblem, NotReady):
        model_schema = model.model_json_schema(ref_template=REF)
        components.update(model_schema.pop("$defs", {}))
        components[model.__name__] = model_schema
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                for status, description in GUARDED.items():
                    responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": {"$ref": REF.format(model=_model_for(path, status))}}}
    # FastAPI's own 422 bodies are never sent: drop them so nobody codes against them.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)


def _model_for(path: str, status: str) -> str:
    if status == "422":
        return ValidationProblem.__name__
    if path == "/ready" and status == "503":
        return NotReady.__name__
    return Problem.__name__
