"""``client.call(request)`` and ``client.paginate(request)``: any operation, typed.

The generated operations table (:mod:`ic_sdk.models._operations`, and the runtime's)
says, for each operation's input model, which aiobotocore method sends it, which model
its answer structures into and how it paginates. The table and the models are imported
on the first call, never when ``ic_sdk`` is.

A request goes the way the client's own methods go: validated (``ValidationError``,
nothing sent), serialized by :data:`ic_sdk.serde.converter`, sent through the client's
one request path (errors mapped into :mod:`ic_sdk.errors`, retried as the client
retries), structured back. Operations the client has its own method for (components,
IC-ready endpoints) are routed to that method, so ``call`` keeps its guarantees too (a
lost answer to a create is reconciled, not reported as a failure). So are the other
mutations of the deployment path: CreateModel, DeleteModel, AddTags and DeleteTags are
retried and settled by :mod:`ic_sdk.reconcile`. Any other mutation is sent again only
after a refusal that changed nothing; once its answer may have been lost it raises, saying
so and what to describe.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

if TYPE_CHECKING:
    from ic_sdk import models
    from ic_sdk.client import InferenceComponentClient
    from ic_sdk.errors import IcSdkError

__all__ = ["Operation", "Paginator", "call", "operation_row", "paginate"]


class Paginator(NamedTuple):
    """botocore's paginator for an operation (wire names)."""

    input_token: str
    output_token: str
    limit_key: str | None
    result_key: str


class Operation(NamedTuple):
    """One row of the generated operations table."""

    #: The API name, e.g. ``DescribeEndpoint``.
    name: str
    #: aiobotocore's client method, e.g. ``describe_endpoint``.
    method: str
    #: ``sagemaker`` or ``sagemaker-runtime``.
    service: str
    #: Input and output shape names (``None``: the operation answers nothing).
    input: str
    output: str | None
    #: Error shapes the service model lists for it.
    errors: tuple[str, ...]
    paginator: Paginator | None
    #: botocore waiters that poll this operation (e.g. ``EndpointInService``).
    waiters: tuple[str, ...]
    #: The answer is an event stream (use ``client.invoke_stream``).
    streaming: bool


_RUNTIME_PACKAGE = "ic_sdk.models.runtime"


def _package(runtime: bool) -> Any:
    return importlib.import_module(_RUNTIME_PACKAGE if runtime else "ic_sdk.models")


def operation_row(request: object) -> Operation:
    """The row of the generated operations table whose input model ``request`` is;
    ``TypeError`` for anything else.

    Its ``name`` is the API name (``AddAssociationRequest`` -> ``AddAssociation``); not to
    be confused with :func:`ic_sdk._core.operation_of`, which names the operation of the
    client's own ``<Operation>Input`` requests (and agrees with it on those).
    """
    cls = type(request)
    runtime = cls.__module__.startswith(_RUNTIME_PACKAGE)
    table = importlib.import_module(
        f"{_RUNTIME_PACKAGE if runtime else 'ic_sdk.models'}._operations"
    ).OPERATIONS
    op: Operation | None = table.get(cls.__name__)
    if op is None or getattr(_package(runtime), cls.__name__, None) is not cls:
        raise TypeError(
            f"{cls.__qualname__} is not the input model of a SageMaker operation "
            "(expected e.g. ic_sdk.models.DescribeEndpointInput)"
        )
    return op


def output_class(op: Operation) -> type[Any] | None:
    """The output model class of ``op`` (``None`` when it answers nothing)."""
    if op.output is None:
        return None
    cls: type[Any] = getattr(_package(op.service == "sagemaker-runtime"), op.output)
    return cls


def _field(cls: type[Any], wire: str) -> str:
    """The attrs field of ``cls`` whose wire name is ``wire``."""
    for f in attrs.fields(cls):
        if f.metadata.get("wire") == wire:
            name: str = f.name
            return name
    raise LookupError(f"{cls.__name__} has no member {wire!r}")


#: Mutations ``call`` sends through a reconciled path (the client's own method, or one of
#: the functions below): API name -> how to send the request. A lost answer to any of
#: them is settled by a description (:mod:`ic_sdk.reconcile`), never reported as a failure
#: of a request the service applied; any other mutation is sent once the answer may have
#: been lost (:func:`send`).
_Dedicated = Callable[["InferenceComponentClient", Any], Awaitable[Any]]


def _dedicated() -> dict[str, _Dedicated]:
    from ic_sdk import _deploy

    async def delete_component(client: InferenceComponentClient, request: Any) -> None:
        await client.delete(request.inference_component_name)

    async def scale(client: InferenceComponentClient, request: Any) -> Any:
        return await client.scale(
            request.inference_component_name, request.desired_runtime_config.copy_count
        )

    async def delete_endpoint(client: InferenceComponentClient, request: Any) -> None:
        await _deploy.delete_endpoint(client, request.endpoint_name)

    async def delete_config(client: InferenceComponentClient, request: Any) -> None:
        await _deploy.delete_config(client, request.endpoint_config_name)

    return {
        "CreateInferenceComponent": lambda c, r: c.create(r),
        "UpdateInferenceComponent": lambda c, r: c.update(r),
        "UpdateInferenceComponentRuntimeConfig": scale,
        "DeleteInferenceComponent": delete_component,
        "CreateEndpointConfig": _deploy.create_config,
        "DeleteEndpointConfig": delete_config,
        "CreateEndpoint": _deploy.create_endpoint,
        "DeleteEndpoint": delete_endpoint,
        "CreateModel": _create_model,
        "DeleteModel": _delete_model,
        "AddTags": _add_tags,
        "DeleteTags": _delete_tags,
        "UpdateEndpoint": _deploy.update_endpoint,
        "UpdateEndpointWeightsAndCapacities": _deploy.update_capacities,
    }


def _describe_model(
    client: InferenceComponentClient,
) -> Callable[[str], Awaitable[models.DescribeModelOutput]]:
    from ic_sdk import models

    def describe(name: str) -> Awaitable[models.DescribeModelOutput]:
        return client._call(
            "describe_model", models.DescribeModelInput(model_name=name), models.DescribeModelOutput
        )

    return describe


def _tags_of(client: InferenceComponentClient) -> Callable[[str], Awaitable[list[models.Tag]]]:
    from ic_sdk import models

    async def tags_of(arn: str) -> list[models.Tag]:
        first = models.ListTagsInput(resource_arn=arn, max_results=100)
        return [tag async for page in paginate(client, first) for tag in page.tags or ()]

    return tags_of


async def _create_model(
    client: InferenceComponentClient, request: models.CreateModelInput
) -> models.CreateModelOutput:
    from ic_sdk import models, reconcile

    async def settle(error: IcSdkError) -> models.CreateModelOutput | None:
        return await reconcile.model_created(_describe_model(client), request, error)

    return await client._mutate("create_model", request, models.CreateModelOutput, reconcile=settle)


async def _delete_model(client: InferenceComponentClient, request: models.DeleteModelInput) -> None:
    from ic_sdk import reconcile

    async def settle(error: IcSdkError) -> dict[str, Any] | None:
        gone = await reconcile.model_deleted(_describe_model(client), request.model_name, error)
        return {} if gone else None

    # DeleteModel answers nothing: an empty dict stands for its answer.
    await client._mutate("delete_model", request, dict, reconcile=settle)


async def _add_tags(
    client: InferenceComponentClient, request: models.AddTagsInput
) -> models.AddTagsOutput:
    from ic_sdk import models, reconcile

    async def settle(error: IcSdkError) -> models.AddTagsOutput | None:
        return await reconcile.tags_added(_tags_of(client), request, error)

    return await client._mutate("add_tags", request, models.AddTagsOutput, reconcile=settle)


async def _delete_tags(
    client: InferenceComponentClient, request: models.DeleteTagsInput
) -> models.DeleteTagsOutput:
    from ic_sdk import models, reconcile

    async def settle(error: IcSdkError) -> models.DeleteTagsOutput | None:
        return await reconcile.tags_deleted(_tags_of(client), request, error)

    return await client._mutate("delete_tags", request, models.DeleteTagsOutput, reconcile=settle)


_DEDICATED: dict[str, _Dedicated] | None = None


async def call(client: InferenceComponentClient, request: Any) -> Any:
    """Send ``request`` (any generated operation input); its output model, or ``None``."""
    global _DEDICATED
    op = operation_row(request)
    if op.streaming:
        raise TypeError(f"{op.name} answers an event stream: use client.invoke_stream")
    if _DEDICATED is None:
        _DEDICATED = _dedicated()
    dedicated = _DEDICATED.get(op.name)
    if dedicated is not None:
        return await dedicated(client, request)
    return await send(client, op, request)


#: Operation name prefixes of reads: retried on any transient error, like the client's
#: describes. Everything else may change something.
_READS = ("Describe", "List", "Get", "Search", "Query", "BatchDescribe", "BatchGet")


class _Stop(Exception):
    """Carries an error out of :func:`ic_sdk.retry.run` without a retry."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


async def send(client: InferenceComponentClient, op: Operation, request: Any) -> Any:
    """Validate, send and structure one request of ``op`` (no dedicated routing).

    Reads retry on transient errors. Other operations (no reconcile rule is known for
    them) retry only refusals that changed nothing (throttling, a 4xx); an error after
    which the request may have been applied (a 5xx, a lost answer) is raised (its type
    kept, its message saying so and what to describe), never followed by a second attempt
    that could apply it twice.
    """
    from ic_sdk import retry
    from ic_sdk._core import raise_problems
    from ic_sdk.serde import converter

    raise_problems(request, op.name)
    out = output_class(op)
    wire = converter.unstructure(request)
    runtime = op.service == "sagemaker-runtime"
    read = op.name.startswith(_READS)

    async def attempt() -> Any:
        try:
            raw = await client._send(op.method, wire, runtime=runtime)
        except Exception as exc:
            if not read and retry.may_have_applied(exc):
                raise _Stop(exc) from exc
            raise
        return None if out is None else client._structure(raw, out, op.name)

    try:
        return await retry.run(
            op.name, attempt, policy=client._retry_policy, clock=client._clock, rng=client._rng
        )
    except _Stop as stop:
        raise _outcome_unknown(op, stop.error) from stop.error.__cause__


#: Verbs of mutations whose resource a ``Describe<Noun>`` operation shows.
_VERBS = ("Create", "Update", "Delete", "Start", "Stop", "Put", "Add")


def _describe_for(op: Operation) -> str | None:
    """The ``Describe...`` operation that shows what ``op`` changes, when one exists."""
    table = importlib.import_module(
        f"{_RUNTIME_PACKAGE if op.service == 'sagemaker-runtime' else 'ic_sdk.models'}._operations"
    ).OPERATIONS
    names = {row.name for row in table.values()}
    for verb in _VERBS:
        if op.name.startswith(verb) and f"Describe{op.name[len(verb) :]}" in names:
            return f"Describe{op.name[len(verb) :]}"
    return None


def _outcome_unknown(op: Operation, error: BaseException) -> BaseException:
    """``error`` (its type kept), its message saying the request may have been applied."""
    from ic_sdk.errors import ServiceError

    describe = _describe_for(op)
    check = f"{describe} (client.call)" if describe else "the resource it changes"
    note = (
        f"the answer to {op.name} may have been lost after the service applied it; "
        f"ic_sdk cannot tell for this operation and did not send it again: check {check} "
        "before sending it again"
    )
    if isinstance(error, ServiceError):
        error.message = f"{error.message} ({note})"
    else:
        error.args = (f"{error} ({note})", *error.args[1:])
    return error


async def paginate(client: InferenceComponentClient, request: Any) -> AsyncIterator[Any]:
    """Every page of a paginated operation, starting from ``request``'s token; a service
    that answers the same token twice raises :class:`~ic_sdk.errors.MalformedResponse`."""
    op = operation_row(request)
    if op.paginator is None:
        raise TypeError(f"{op.name} is not paginated: use client.call")
    out = output_class(op)
    assert out is not None  # every paginated operation answers a page
    token_in = _field(type(request), op.paginator.input_token)
    token_out = _field(out, op.paginator.output_token)
    seen: set[str] = set()
    while True:
        page = await call(client, request)
        yield page
        token = getattr(page, token_out)
        if not token:
            return
        if token in seen:  # botocore's guard: a service repeating a token would loop forever
            from ic_sdk.errors import MalformedResponse

            raise MalformedResponse(
                f"{op.name} answered the same {op.paginator.output_token} twice",
                operation=op.name,
                retryable=False,
            )
        seen.add(token)
        request = attrs.evolve(request, **{token_in: token})
