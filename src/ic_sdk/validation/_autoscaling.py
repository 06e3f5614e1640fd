"""The ``autoscaling.*`` rule ids: what ``client.autoscale`` checks in its arguments and
``ic-sdk validate`` in a spec file's ``Autoscaling`` value.

The checks are :func:`ic_sdk.autoscaling.check` and
:func:`ic_sdk.autoscaling.scale_to_zero_problems`; their ids are listed here so that
:data:`ic_sdk.validation.RULES` names every rule id a :class:`~ic_sdk.validation.Problem`
of ic_sdk's static checks can carry (``--ignore`` and the docs read that one registry).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["AUTOSCALING_RULES"]

#: Every ``autoscaling.*`` rule id, with what it checks (the generic ids those checks
#: also use, ``type``, ``min``, ``enum``, are among the generic rules).
AUTOSCALING_RULES: Final[Mapping[str, str]] = {
    "autoscaling.bounds": "min_copies (MinCopies) is greater than max_copies (MaxCopies).",
    "autoscaling.adapter": (
        "The component is an adapter: it runs on its base component's copies, which scale."
    ),
    "autoscaling.scale-to-zero": (
        "Scaling to zero copies needs an InService endpoint whose variant has "
        "ManagedInstanceScaling ENABLED with MinInstanceCount 0."
    ),
}
