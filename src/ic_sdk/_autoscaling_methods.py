"""The autoscaling methods of :class:`~ic_sdk.client.InferenceComponentClient` (the
behaviour is in :mod:`ic_sdk.autoscaling`)."""

from __future__ import annotations

from ic_sdk import autoscaling as _autoscaling
from ic_sdk._core import ClientCore

__all__ = ["AutoscalingMethods"]


class AutoscalingMethods(ClientCore):
    """Application Auto Scaling for a component, scale to zero included."""

    async def autoscale(
        self,
        name: str,
        *,
        min_copies: int,
        max_copies: int,
        target: float,
        metric: _autoscaling.Metric = "invocations_per_copy",
        scale_in_cooldown_s: int = 300,
        scale_out_cooldown_s: int = 60,
    ) -> _autoscaling.Autoscaling:
        """Scale component ``name`` between ``min_copies`` and ``max_copies`` copies,
        tracking ``target`` of ``metric`` per copy; ``min_copies=0`` also sets up scale from
        zero. Idempotent. See :mod:`ic_sdk.autoscaling`."""
        return await _autoscaling.autoscale(
            self._send_to,
            name,
            min_copies=min_copies,
            max_copies=max_copies,
            target=target,
            metric=metric,
            scale_in_cooldown_s=scale_in_cooldown_s,
            scale_out_cooldown_s=scale_out_cooldown_s,
        )

    async def autoscaling(self, name: str) -> _autoscaling.Autoscaling | None:
        """Component ``name``'s autoscaling (bounds, policies, alarm, recent activities),
        or ``None`` when it has none."""
        return await _autoscaling.autoscaling(self._send_to, name)

    async def remove_autoscaling(self, name: str) -> bool:
        """Remove component ``name``'s autoscaling (target, policies, alarms); ``True`` if
        there was any."""
        return await _autoscaling.remove_autoscaling(self._send_to, name)
