"""Was my mutation applied? Decided from a description, never from the last HTTP answer.

When an answer may have been lost (see :func:`ic_sdk.retry.may_have_applied`), the error
that ends a create, update, scale or delete is not taken at its word: the component is
described and the request compared with what the service shows.

The rule:

- **create** was applied when a component of that name exists, is not ``Deleting``, and
  shows what the request asked for: the same endpoint, the same variant (when the request
  names one), the same specification(s) and ``DesiredCopyCount`` equal to the requested
  ``CopyCount``. ``create`` then returns the component's real ARN (a component that went
  ``Failed`` was still created: the waiter reports the failure).
- **update** was applied when the component is ``Updating`` or ``InService`` and shows
  the requested specification(s) and copy count.
- **scale** was applied when the component is ``Updating`` or ``InService`` with
  ``DesiredCopyCount`` equal to the requested count.
- **delete** was applied when the component is ``Deleting`` or no longer found.

Comparing: every value the request sets must equal the description's value at the same
place (numbers compared as numbers; a container's ``Image`` is the description's
``DeployedImage.SpecifiedImage``; lists element by element). What the service fills in
itself (ARNs, times, resolved images, statuses, fields the request leaves out) is
ignored, and so is a requested field the description does not echo (``Tags`` never are).
Anything else that differs means the component is not the result of this request, but
someone else's: the original error stands.

These functions are pure (:func:`create_applied`, :func:`update_applied`,
:func:`scale_applied`) or take a ``describe`` coroutine function, so any client method
can reuse them: ``InferenceComponentClient`` passes them to :func:`ic_sdk.retry.run`.

``client.call`` settles the other mutations of the deployment path the same way:

- **CreateModel** was applied when a model of that name shows what the request asked for
  (:func:`matches` on the whole request: containers, role, VPC, network isolation);
  :func:`model_created` returns its real ARN.
- **DeleteModel** was applied when the model is no longer found (:func:`model_deleted`).
- **AddTags** was applied when the resource carries every requested tag with the
  requested value (:func:`tags_added`); a key showing another value is someone else's.
- **DeleteTags** was applied when the resource carries none of the keys
  (:func:`tags_deleted`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from ic_sdk import models
from ic_sdk.errors import IcSdkError, ResourceNotFound
from ic_sdk.serde import converter

_T = TypeVar("_T")

__all__ = [
    "Describe",
    "DescribeModel",
    "TagsOf",
    "capacities_applied",
    "create_applied",
    "created",
    "deleted",
    "endpoint_update_applied",
    "matches",
    "model_created",
    "model_deleted",
    "scale_applied",
    "scaled",
    "tags_added",
    "tags_applied",
    "tags_deleted",
    "update_applied",
    "updated",
]

logger = logging.getLogger("ic_sdk.reconcile")

#: ``describe(name)``: the component's current description (raises ``ResourceNotFound``).
Describe = Callable[[str], Awaitable[models.DescribeInferenceComponentOutput]]

#: Statuses in which a component shows an update or scale that was accepted.
_CHANGE_VISIBLE = frozenset({"Updating", "InService"})


def _equal_scalars(wanted: Any, shown: Any) -> bool:
    if isinstance(wanted, bool) or isinstance(shown, bool):
        return bool(wanted is shown)
    if isinstance(wanted, int | float) and isinstance(shown, int | float):
        return math.isclose(float(wanted), float(shown), rel_tol=1e-9, abs_tol=1e-12)
    return bool(wanted == shown)


def _container(wanted: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    image = wanted.get("Image")
    rest = {k: v for k, v in wanted.items() if k != "Image"}
    if image is not None:
        deployed = shown.get("DeployedImage")
        if isinstance(deployed, Mapping) and deployed.get("SpecifiedImage") is not None:
            if deployed["SpecifiedImage"] != image:
                return False
        elif shown.get("Image") is not None and shown["Image"] != image:
            return False
    return matches(rest, shown)


def matches(wanted: Any, shown: Any) -> bool:
    """Whether the description value ``shown`` carries every value ``wanted`` sets.

    Both are wire forms (PascalCase dicts). Keys absent from ``shown`` are not compared
    (the service does not echo everything); extra keys in ``shown`` are the service's.
    """
    if shown is None or wanted is None:
        return True
    if isinstance(wanted, Mapping):
        if not isinstance(shown, Mapping):
            return False
        for key, value in wanted.items():
            if key not in shown:
                continue
            if key == "Container" and isinstance(value, Mapping):
                if not isinstance(shown[key], Mapping) or not _container(value, shown[key]):
                    return False
            elif not matches(value, shown[key]):
                return False
        return True
    if isinstance(wanted, list | tuple):
        if not isinstance(shown, list | tuple) or len(wanted) != len(shown):
            return False
        return all(matches(w, s) for w, s in zip(wanted, shown, strict=True))
    return _equal_scalars(wanted, shown)


def _status(description: Mapping[str, Any]) -> str | None:
    status = description.get("InferenceComponentStatus")
    return None if status is None else str(status)


def _desired(description: Mapping[str, Any]) -> Any:
    runtime = description.get("RuntimeConfig")
    return runtime.get("DesiredCopyCount") if isinstance(runtime, Mapping) else None


def _specifications_match(request: Mapping[str, Any], description: Mapping[str, Any]) -> bool:
    if not matches(request.get("Specification"), description.get("Specification")):
        return False
    wanted = request.get("Specifications")
    shown = description.get("Specifications")
    if wanted is None or shown is None:
        return True
    if len(wanted) != len(shown):
        return False
    by_type = {entry.get("InstanceType"): entry for entry in shown}
    return all(matches(entry, by_type.get(entry.get("InstanceType"))) for entry in wanted)


def _copies_match(request: Mapping[str, Any], description: Mapping[str, Any]) -> bool:
    runtime = request.get("RuntimeConfig")
    wanted = runtime.get("CopyCount") if isinstance(runtime, Mapping) else None
    shown = _desired(description)
    return wanted is None or shown is None or _equal_scalars(wanted, shown)


def create_applied(request: Mapping[str, Any], description: Mapping[str, Any]) -> bool:
    """Whether ``description`` shows the component ``request`` (CreateInferenceComponent's
    wire form) asked for."""
    if _status(description) == "Deleting":
        return False
    for key in ("EndpointName", "VariantName"):
        wanted, shown = request.get(key), description.get(key)
        if wanted is not None and shown is not None and wanted != shown:
            return False
    return _specifications_match(request, description) and _copies_match(request, description)


def update_applied(request: Mapping[str, Any], description: Mapping[str, Any]) -> bool:
    """Whether ``description`` shows the update ``request`` (UpdateInferenceComponent's wire
    form) asked for, accepted (``Updating``) or done (``InService``)."""
    if _status(description) not in _CHANGE_VISIBLE:
        return False
    return _specifications_match(request, description) and _copies_match(request, description)


def scale_applied(request: Mapping[str, Any], description: Mapping[str, Any]) -> bool:
    """Whether ``description`` shows the copy count ``request``
    (UpdateInferenceComponentRuntimeConfig's wire form) asked for."""
    if _status(description) not in _CHANGE_VISIBLE:
        return False
    runtime = request.get("DesiredRuntimeConfig") or {}
    shown = _desired(description)
    return shown is not None and _equal_scalars(runtime.get("CopyCount"), shown)


def endpoint_update_applied(request: Mapping[str, Any], description: Mapping[str, Any]) -> bool:
    """Whether ``description`` (DescribeEndpoint's wire form) shows the update ``request``
    (UpdateEndpoint's wire form) asked for: the endpoint deploys the requested config
    (``PendingDeploymentSummary``) or runs it, and is neither ``Deleting`` nor ``Failed``."""
    wanted = request.get("EndpointConfigName")
    if wanted is None or description.get("EndpointStatus") in ("Deleting", "Failed"):
        return False
    pending = description.get("PendingDeploymentSummary")
    deploying = isinstance(pending, Mapping) and pending.get("EndpointConfigName") == wanted
    return deploying or bool(description.get("EndpointConfigName") == wanted)


def capacities_applied(request: Mapping[str, Any], description: Mapping[str, Any]) -> bool:
    """Whether ``description`` (DescribeEndpoint's wire form) shows the desired instance
    counts and weights ``request`` (UpdateEndpointWeightsAndCapacities' wire form) asks
    for, on an endpoint that is neither ``Deleting`` nor ``Failed``."""
    if description.get("EndpointStatus") in ("Deleting", "Failed"):
        return False
    shown = {
        v.get("VariantName"): v
        for v in description.get("ProductionVariants") or ()
        if isinstance(v, Mapping)
    }
    for wanted in request.get("DesiredWeightsAndCapacities") or ():
        variant = shown.get(wanted.get("VariantName"))
        if variant is None:
            return False
        for key in ("DesiredInstanceCount", "DesiredWeight"):
            value = wanted.get(key)
            if value is not None and (
                variant.get(key) is None or not _equal_scalars(value, variant[key])
            ):
                return False
    return True


async def _or_none(describe: Awaitable[_T]) -> _T | None:
    """The description ``describe`` answers, or ``None`` when the resource does not exist."""
    try:
        return await describe
    except ResourceNotFound:
        return None


def _wire(obj: Any) -> dict[str, Any]:
    wire: dict[str, Any] = converter.unstructure(obj)
    return wire


async def _applied_arn(
    what: str,
    describe: Describe,
    request: Any,
    applied: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
    error: IcSdkError,
) -> str | None:
    """The component's ARN if its description shows ``request`` (``applied`` on the wire
    forms), else ``None``."""
    name = request.inference_component_name
    found = await _or_none(describe(name))
    if found is None or not applied(_wire(request), _wire(found)):
        logger.debug("%s of %r not applied (%s)", what, name, type(error).__name__)
        return None
    # Typed as always present, but the service is the authority on its output.
    arn: str | None = found.inference_component_arn
    return arn


async def created(
    describe: Describe, request: models.CreateInferenceComponentInput, error: IcSdkError
) -> models.CreateInferenceComponentOutput | None:
    """The create's output if the component exists as ``request`` asked, else ``None``."""
    arn = await _applied_arn("create", describe, request, create_applied, error)
    return (
        None if arn is None else models.CreateInferenceComponentOutput(inference_component_arn=arn)
    )


async def updated(
    describe: Describe, request: models.UpdateInferenceComponentInput, error: IcSdkError
) -> models.UpdateInferenceComponentOutput | None:
    """The update's output if the component shows ``request``, else ``None``."""
    arn = await _applied_arn("update", describe, request, update_applied, error)
    return (
        None if arn is None else models.UpdateInferenceComponentOutput(inference_component_arn=arn)
    )


async def scaled(
    describe: Describe,
    request: models.UpdateInferenceComponentRuntimeConfigInput,
    error: IcSdkError,
) -> models.UpdateInferenceComponentRuntimeConfigOutput | None:
    """The scale's output if the component shows the requested copies, else ``None``."""
    arn = await _applied_arn("scale", describe, request, scale_applied, error)
    if arn is None:
        return None
    return models.UpdateInferenceComponentRuntimeConfigOutput(inference_component_arn=arn)


async def deleted(describe: Describe, name: str, error: IcSdkError) -> bool:
    """Whether component ``name`` is gone or being deleted."""
    if isinstance(error, ResourceNotFound):
        return True
    found = await _or_none(describe(name))
    if found is None:
        return True
    return _status(_wire(found)) == "Deleting"


# -- models and tags (``client.call``) -------------------------------------------------

#: ``describe_model(name)``: DescribeModel's answer (raises ``ResourceNotFound``).
DescribeModel = Callable[[str], Awaitable[models.DescribeModelOutput]]

#: ``tags_of(arn)``: every tag the resource carries (raises ``ResourceNotFound``).
TagsOf = Callable[[str], Awaitable[list[models.Tag]]]


async def model_created(
    describe: DescribeModel, request: models.CreateModelInput, error: IcSdkError
) -> models.CreateModelOutput | None:
    """The create's output if model ``request.model_name`` shows what ``request`` asked
    for (``Tags`` are not echoed, so not compared), else ``None``."""
    found = await _or_none(describe(request.model_name))
    if found is None or not matches(_wire(request), _wire(found)):
        logger.debug("CreateModel of %r not applied (%s)", request.model_name, type(error).__name__)
        return None
    # Typed as always present, but the service is the authority on its output.
    arn: str | None = found.model_arn
    return None if arn is None else models.CreateModelOutput(model_arn=arn)


async def model_deleted(describe: DescribeModel, name: str, error: IcSdkError) -> bool:
    """Whether model ``name`` is gone (deleting a model is immediate)."""
    if isinstance(error, ResourceNotFound):
        return True
    return await _or_none(describe(name)) is None


def tags_applied(wanted: Iterable[Mapping[str, Any]], shown: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the tags ``shown`` (wire form) carry every tag ``wanted`` with its value."""
    values = {tag.get("Key"): tag.get("Value") for tag in shown}
    return all(
        tag.get("Key") in values and values[tag.get("Key")] == tag.get("Value") for tag in wanted
    )


async def tags_added(
    tags_of: TagsOf, request: models.AddTagsInput, error: IcSdkError
) -> models.AddTagsOutput | None:
    """AddTags' output if the resource carries every requested tag, else ``None``."""
    shown = await _or_none(tags_of(request.resource_arn))
    wanted = _wire(request).get("Tags") or []
    if shown is None or not tags_applied(wanted, [_wire(tag) for tag in shown]):
        logger.debug("AddTags on %r not applied (%s)", request.resource_arn, type(error).__name__)
        return None
    return models.AddTagsOutput(tags=list(request.tags))


async def tags_deleted(
    tags_of: TagsOf, request: models.DeleteTagsInput, error: IcSdkError
) -> models.DeleteTagsOutput | None:
    """DeleteTags' output if the resource carries none of the keys, else ``None``."""
    shown = await _or_none(tags_of(request.resource_arn))
    if shown is None or {tag.key for tag in shown} & set(request.tag_keys):
        logger.debug(
            "DeleteTags on %r not applied (%s)", request.resource_arn, type(error).__name__
        )
        return None
    return models.DeleteTagsOutput()
